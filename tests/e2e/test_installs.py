"""The app leaving a workspace and coming back: tokens deleted at once, posts stopped,
data kept for the retention period and then deleted, and all of it ended by a reinstall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlmodel import select

from bot.app import build_app
from bot.deps import Deps
from bot.local.payloads import Actor, app_uninstalled, sign, slash_command, tokens_revoked
from bot.local.standin.driver import in_process
from bot.serve.runtime import build_sender
from bot.settings import load_settings
from bot.slack.oauth import installation_store
from bot.usecases.installs import purge_departed
from storage.db import make_engine, read_scope, session_scope
from storage.migrate import upgrade
from storage.models import Schedule, ScheduleKind, Team, Workspace
from storage.schedules import create_schedule
from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET

CHANNEL = "C0PLATFORM"


def _app(standin, url: str, *, oauth: bool):
    extra = (
        {
            "slack_client_id": "1111.2222",
            "slack_client_secret": "client-secret",
            "token_encryption_key": Fernet.generate_key().decode(),
        }
        if oauth
        else {"slack_bot_token": BOT_TOKEN}
    )
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=url,
        **extra,
    )
    engine = make_engine(url)
    return settings, engine, build_app(settings, engine=engine, process_before_response=True)


def _deliver(app, body: str, ctype: str) -> int:
    return in_process(app)(body, {"Content-Type": ctype, **sign(body, SIGNING_SECRET)}).status


def _seed(engine, slack_team_id: str) -> int:
    with session_scope(engine) as session:
        ws = get_or_create_workspace(session=session, slack_team_id=slack_team_id)
        team = get_or_create_channel_team(
            session=session, workspace_id=ws.id or 0, channel_id=CHANNEL, channel_name="platform"
        )
        create_schedule(
            session=session,
            workspace_id=ws.id or 0,
            kind=ScheduleKind.DIGEST,
            next_due_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
            channel_id=CHANNEL,
            tz="UTC",
            weekday=0,
            time_of_day="09:00",
            payload={"teams": "channel"},
            created_by="U0OWNER",
        )
        assert team.id is not None
        return ws.id or 0


def test_uninstall_deletes_the_tokens_at_once(tmp_path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'oauth.db'}"
    upgrade(url)
    settings, engine, app = _app(standin, url, oauth=True)
    store = installation_store(settings, engine)
    store.save(
        Installation(
            app_id="A0APP",
            enterprise_id=None,
            team_id=standin.team_id,
            user_id="U0INSTALLER",
            bot_token="xoxb-installed-token",
            bot_id="B0BOT",
            bot_user_id=standin.bot_user_id,
            bot_scopes="chat:write",
        )
    )
    assert store.find_bot(enterprise_id=None, team_id=standin.team_id) is not None
    body, ctype = app_uninstalled(Actor(team_id=standin.team_id), bot_user_id=standin.bot_user_id)
    assert _deliver(app, body, ctype) == 200
    assert store.find_bot(enterprise_id=None, team_id=standin.team_id) is None
    assert store.find_installation(enterprise_id=None, team_id=standin.team_id) is None
    engine.dispose()


def test_after_an_uninstall_posts_stop_data_waits_then_goes(tmp_path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    settings, engine, app = _app(standin, url, oauth=False)
    ws = _seed(engine, standin.team_id)
    other = _seed(engine, "T0OTHER")  # another workspace, still installed
    body, ctype = tokens_revoked(Actor(team_id=standin.team_id), bot_user_id=standin.bot_user_id)
    assert _deliver(app, body, ctype) == 200

    # Its digest is due, but nothing is posted to a workspace the app has left.
    reports = build_sender(settings, engine).send_due(now=datetime(2026, 1, 5, 9, 1, tzinfo=UTC))
    assert [r.schedule_id for r in reports] == [_schedule_of(engine, other)]

    deps = Deps(settings=settings, engine=engine)
    left_at = _uninstalled_at(engine, ws)
    assert purge_departed(deps, now=left_at + timedelta(days=29)) == 0  # kept for a reinstall
    assert purge_departed(deps, now=left_at + timedelta(days=31)) == 1
    with read_scope(engine) as session:
        assert session.get(Workspace, ws) is None
        assert session.exec(select(Team).where(Team.workspace_id == ws)).all() == []
        assert session.exec(select(Schedule).where(Schedule.workspace_id == ws)).all() == []
        assert session.get(Workspace, other) is not None  # the other workspace is untouched
    engine.dispose()


def test_a_request_from_the_workspace_ends_the_retention(tmp_path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    _settings, engine, app = _app(standin, url, oauth=False)
    ws = _seed(engine, standin.team_id)
    actor = Actor(team_id=standin.team_id, channel_id=CHANNEL, channel_name="platform")
    body, ctype = app_uninstalled(actor, bot_user_id=standin.bot_user_id)
    assert _deliver(app, body, ctype) == 200
    assert _uninstalled_at(engine, ws) is not None
    # Installed again: its people use it.
    body, ctype = slash_command(actor, "board", response_url=standin.response_url())
    assert _deliver(app, body, ctype) == 200
    assert _uninstalled_at(engine, ws) is None
    engine.dispose()


def _uninstalled_at(engine, ws: int):
    with read_scope(engine) as session:
        row = session.get(Workspace, ws)
        return None if row is None else row.uninstalled_at


def _schedule_of(engine, ws: int) -> int:
    with read_scope(engine) as session:
        return session.exec(select(Schedule.id).where(Schedule.workspace_id == ws)).one()
