"""GitHub Actions as evidence, end to end: ``/maturity evidence …`` typed as signed slash
commands through the real Bolt app, the scheduler's sender polling a local GitHub-API
stand-in (``github_standin.py``, GitHub's documented shapes: runs lists, ``Link`` paging,
``ETag``/``304``, ``403``/``429`` rate limits), and what that does to the board.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update
from sqlmodel import select

from bot.app import build_app
from bot.deps import Deps
from bot.serve.runtime import build_sender
from bot.settings import load_settings
from bot.slack.logs import RedactingFormatter
from bot.usecases import evidence as evidence_usecase
from bot.usecases import github_poll
from conversations.evidence import Kind
from conversations.scoring import Status
from storage.criteria import criteria_board, criterion_history, record_criterion
from storage.db import session_scope
from storage.evidence import measurements_of, rotate_token
from storage.models import (
    EvidenceEvent,
    GitHubSource,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.types import utcnow
from storage.workspaces import delete_team, ensure_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET, BotHarness
from .github_standin import Fault, GitHubStandIn, run

REPO = "acme/payments"
CHANNEL = "C0PLATFORM"
DEPLOY = "cd.deploy_under_10min"
RATE = "context.deploys_per_day"
GH_TOKEN = "ghp_" + "A1b2C3d4" * 5  # the team's own token (40 characters after ghp_)
KIND = ScheduleKind.EVIDENCE_POLL


# ------------------------------------------------------------------ the world


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    with GitHubStandIn() as server:
        yield server


def _harness(harness: BotHarness, github: GitHubStandIn, **extra: object) -> BotHarness:
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=harness.standin.api_url,
        database_url=str(harness.engine.url),
        github_api_url=github.url,
        **extra,
    )
    app = build_app(settings, engine=harness.engine, process_before_response=True)
    return BotHarness(
        app=app,
        standin=harness.standin,
        engine=harness.engine,
        secret=SIGNING_SECRET,
        settings=settings,
    )


@pytest.fixture
def bot(harness: BotHarness, github: GitHubStandIn) -> BotHarness:
    """The app with ``GITHUB_API_URL`` at the stand-in and a ``TOKEN_ENCRYPTION_KEY``."""
    return _harness(harness, github, token_encryption_key=Fernet.generate_key().decode())


def make_team(bot: BotHarness, owner: str = "U0ALICE") -> tuple[int, int]:
    with session_scope(bot.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=bot.standin.team_id)
        team, _ = ensure_channel_team(
            session=s,
            workspace_id=ws.id,
            channel_id=CHANNEL,
            channel_name="platform",
            user_id=owner,
        )
        return ws.id, team.id


def say(bot: BotHarness, text: str, user: str = "U0ALICE") -> str:
    """Type ``/maturity <text>``; the answer that person saw, as text and blocks."""
    before = len(bot.standin.ephemerals(CHANNEL, user))
    assert bot.user(user).command(text).status == 200
    shown = bot.standin.ephemerals(CHANNEL, user)
    assert len(shown) > before, f"no answer to /maturity {text}"
    return json.dumps(shown[-1])


def poll(bot: BotHarness, *, after: timedelta = timedelta(0)) -> list:
    return bot.sender().send_due(now=utcnow() + after, kind=KIND)


def board(bot: BotHarness, ws: int, team_id: int) -> dict:
    with session_scope(bot.engine) as s:
        return criteria_board(session=s, workspace_id=ws, team_id=team_id)


def measured(bot: BotHarness, ws: int, team_id: int) -> dict:
    with session_scope(bot.engine) as s:
        return {
            k: (v.status, v.value, v.evidence)
            for k, v in measurements_of(session=s, workspace_id=ws, team_id=team_id).items()
        }


def events(bot: BotHarness, team_id: int) -> list[EvidenceEvent]:
    with session_scope(bot.engine) as s:
        return list(s.exec(select(EvidenceEvent).where(EvidenceEvent.team_id == team_id)))


def source_row(bot: BotHarness, team_id: int) -> GitHubSource | None:
    with session_scope(bot.engine) as s:
        return s.exec(select(GitHubSource).where(GitHubSource.team_id == team_id)).first()


def poll_schedule(bot: BotHarness, team_id: int) -> Schedule:
    with session_scope(bot.engine) as s:
        rows = s.exec(select(Schedule).where(Schedule.kind == KIND)).all()
    (mine,) = [r for r in rows if (r.payload or {}).get("team_id") == team_id and r.active]
    return mine


def runs_page(github: GitHubStandIn) -> list:
    return [r for r in github.requests() if r.path.endswith("/runs")]


# ------------------------------------------------------------------ connecting and polling


def test_an_owner_connects_a_repository_and_its_runs_measure_the_board(bot, github) -> None:
    ws, team_id = make_team(bot)
    now = utcnow()
    github.set_runs(
        REPO,
        [
            run(1, created=now - timedelta(days=1), minutes=6),
            run(2, created=now - timedelta(days=2), minutes=7),
            run(3, created=now - timedelta(days=3), minutes=8),
            run(4, created=now - timedelta(days=4), minutes=2, conclusion="failure"),
            run(5, created=now - timedelta(days=5), conclusion="cancelled"),
            run(6, created=now - timedelta(hours=1), conclusion=None, status="in_progress"),
        ],
    )
    refused = say(bot, f"evidence github {REPO} deploy.yml", user="U0BOB")
    assert "Only <@U0ALICE> (the team's owners) or a workspace admin" in refused
    assert source_row(bot, team_id) is None

    said = say(bot, f"evidence github {REPO} deploy.yml")
    assert "Connected" in said and REPO in said and "deploy.yml" in said
    assert poll_schedule(bot, team_id).next_due_at is not None
    reports = poll(bot)
    assert [r.outcome for r in reports] == ["sent"]

    (first,) = runs_page(github)
    assert first.path == f"/repos/{REPO}/actions/workflows/deploy.yml/runs"
    assert first.query["status"] == "completed" and first.query["per_page"] == "100"
    assert "authorization" not in first.headers  # no token anywhere: a public repository
    kept = events(bot, team_id)
    assert sorted(e.external_id for e in kept) == [f"{REPO}#{n}.1" for n in (1, 2, 3, 4)]
    assert {e.source for e in kept} == {"github"}

    row = board(bot, ws, team_id)[DEPLOY]
    assert (row.status, row.value, row.source) == ("met", 7.0, "evidence")
    rate = measured(bot, ws, team_id)[RATE]
    assert rate[1] == round(3 / 14, 2)
    assert "3 successful production deploys, 1 of 4 failed (25 %)" in rate[2]
    shown = say(bot, "board")
    assert "median 7 min over 3 successful deploys, last 14 days \\u2014 GitHub Actions" in shown
    assert "Measured: 0.21 deploys a day" in shown
    status = say(bot, "evidence")
    assert REPO in status and "4 new runs" in status and "deploy.yml" in status


def test_paging_stops_at_the_window_and_a_304_costs_nothing(bot, github) -> None:
    ws, team_id = make_team(bot)
    now = utcnow()
    # One run every 90 minutes for 30 days: 480 runs, 5 pages of 100; the window (14 days)
    # ends on page 3.
    github.set_runs(
        REPO,
        [run(n, created=now - timedelta(minutes=90 * n + 30), minutes=4) for n in range(480)],
    )
    say(bot, f"evidence github {REPO}")
    poll(bot)
    pages = [r.page for r in runs_page(github)]
    assert pages == [1, 2, 3]
    assert all(r.path == f"/repos/{REPO}/actions/runs" for r in runs_page(github))
    in_window = sum(1 for n in range(480) if 90 * n + 30 < 14 * 24 * 60)
    assert len(events(bot, team_id)) == in_window
    assert board(bot, ws, team_id)[DEPLOY].value == 4.0

    # Nothing new: the first page's ETag comes back, GitHub answers 304, nothing is read.
    poll(bot, after=timedelta(minutes=11))
    conditional = runs_page(github)[3]
    assert conditional.page == 1 and conditional.headers.get("if-none-match", "").startswith('W/"')
    assert conditional.status == 304
    assert len(runs_page(github)) == 4
    assert "nothing new" in (source_row(bot, team_id) or GitHubSource()).outcome

    # A new run: the ETag no longer matches, the new run is read (and only page 1).
    github.set_runs(
        REPO,
        [run(1000, created=now - timedelta(minutes=5), minutes=30)] + github.runs[REPO],
    )
    poll(bot, after=timedelta(minutes=22))
    assert [r.status for r in runs_page(github)[4:]] == [200, 200, 200]
    assert len(events(bot, team_id)) == in_window + 1


def test_a_rate_limit_backs_the_poll_off_until_github_allows_it(bot, github) -> None:
    ws, team_id = make_team(bot)
    now = utcnow()
    github.set_runs(REPO, [run(n, created=now - timedelta(hours=n + 1)) for n in range(3)])
    say(bot, f"evidence github {REPO} deploy.yml")
    reset = int((now + timedelta(minutes=40)).timestamp())
    github.fail(Fault(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}))
    poll(bot)
    assert events(bot, team_id) == []
    source = source_row(bot, team_id)
    assert source is not None and source.resume_at is not None
    assert abs(source.resume_at.timestamp() - reset) < 2
    assert "rate limited" in source.outcome
    due = poll_schedule(bot, team_id).next_due_at
    assert due is not None and abs(due.timestamp() - reset) < 2  # rescheduled to the reset

    assert poll(bot, after=timedelta(minutes=11)) == []  # not due: nothing asked of GitHub
    assert len(runs_page(github)) == 1
    poll(bot, after=timedelta(minutes=41))
    assert len(runs_page(github)) == 2 and len(events(bot, team_id)) == 3

    # 429 with Retry-After: no request before it has passed.
    github.fail(Fault(429, {"Retry-After": "120"}))
    poll(bot, after=timedelta(minutes=52))
    assert runs_page(github)[-1].status == 429
    waited = github_poll.poll_team(
        Deps(settings=bot.settings, engine=bot.engine),
        ws,
        team_id,
        now=utcnow() + timedelta(minutes=53),
        http=None,
    )
    assert waited.resume_at is not None and waited.pages == 0
    assert len(runs_page(github)) == 3  # that poll did not ask
    poll(bot, after=timedelta(minutes=63))
    assert runs_page(github)[-1].status in (200, 304)


def test_a_limit_hit_on_page_two_keeps_page_one_and_reads_every_page_next_time(bot, github) -> None:
    _ws, team_id = make_team(bot)
    now = utcnow()
    github.set_runs(REPO, [run(n, created=now - timedelta(hours=n + 1)) for n in range(150)])
    say(bot, f"evidence github {REPO}")
    github.fail(Fault(429, {"Retry-After": "60"}, page=2))
    poll(bot)
    assert len(events(bot, team_id)) == 100
    assert (source_row(bot, team_id) or GitHubSource()).etag == ""  # cut short: no ETag kept
    poll(bot, after=timedelta(minutes=11))
    assert "if-none-match" not in runs_page(github)[-2].headers
    assert len(events(bot, team_id)) == 150


def test_two_senders_poll_once(bot, github) -> None:
    _ws, _team_id = make_team(bot)
    github.set_runs(REPO, [run(1, created=utcnow() - timedelta(hours=2))])
    say(bot, f"evidence github {REPO}")
    senders = [build_sender(bot.settings, bot.engine) for _ in range(2)]
    now = utcnow()
    threads = [
        threading.Thread(target=s.send_due, kwargs={"now": now, "kind": KIND}) for s in senders
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runs_page(github)) == 1


# ------------------------------------------------------------------ the token


def test_a_teams_token_is_kept_encrypted_sent_to_github_and_never_logged(
    bot, github, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _ws, team_id = make_team(bot)
    github.set_runs(REPO, [run(1, created=utcnow() - timedelta(hours=2))])
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    handler.setFormatter(RedactingFormatter("%(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        refused = say(bot, f"evidence github token {GH_TOKEN}", user="U0BOB")
        assert "Only <@U0ALICE>" in refused and GH_TOKEN not in refused
        said = say(bot, f"evidence github token {GH_TOKEN}")
        assert "encrypted" in said and GH_TOKEN not in said
        say(bot, f"evidence github {REPO} deploy.yml")
        poll(bot)
        shown = say(bot, "evidence")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert GH_TOKEN not in shown and "the team's own token" in shown
    (asked,) = runs_page(github)
    assert asked.headers["authorization"] == f"Bearer {GH_TOKEN}"
    assert len(events(bot, team_id)) == 1

    source = source_row(bot, team_id)
    assert source is not None and source.token and GH_TOKEN not in source.token
    db_file = Path(str(bot.engine.url.database))
    stored = b"".join(
        p.read_bytes() for p in db_file.parent.glob(db_file.name + "*") if p.is_file()
    )
    assert GH_TOKEN.encode() not in stored
    assert lines and not [line for line in lines if GH_TOKEN in line]


def test_without_an_encryption_key_a_teams_token_is_refused(harness, github) -> None:
    bot = _harness(harness, github)
    _ws, team_id = make_team(bot)
    said = say(bot, f"evidence github token {GH_TOKEN}")
    assert "TOKEN_ENCRYPTION_KEY" in said and GH_TOKEN not in said
    assert source_row(bot, team_id) is None


def test_the_github_token_setting_serves_teams_without_their_own(harness, github) -> None:
    setting = "github_pat_" + "Z9y8X7w6" * 4
    bot = _harness(harness, github, github_token=setting)
    make_team(bot)
    github.set_runs(REPO, [])
    say(bot, f"evidence github {REPO}")
    poll(bot)
    assert runs_page(github)[0].headers["authorization"] == f"Bearer {setting}"


def test_off_stops_polling_and_forgets_the_token(bot, github) -> None:
    _ws, team_id = make_team(bot)
    github.set_runs(REPO, [])
    say(bot, f"evidence github token {GH_TOKEN}")
    say(bot, f"evidence github {REPO}")
    assert "Only" in say(bot, "evidence github off", user="U0BOB")
    assert source_row(bot, team_id) is not None
    assert "Stopped" in say(bot, "evidence github off")
    assert source_row(bot, team_id) is None
    assert poll(bot) == []
    assert runs_page(github) == []
    assert "not connected" in say(bot, "evidence")


def test_typos_are_answered(bot, github) -> None:
    make_team(bot)
    assert "is not a GitHub repository" in say(bot, "evidence github not-a-repo")
    assert "doesn't look like a GitHub token" in say(bot, "evidence github token hunter2")
    assert "Which repository?" in say(bot, "evidence github")


# ------------------------------------------------------------------ expiry and the webhook


def _level_two_by_people(bot: BotHarness, ws: int, team_id: int) -> None:
    with session_scope(bot.engine) as s:
        for cid, value in (
            ("scripted.ops_80pct", 90.0),
            ("scripted.newcomers_use_scripts", None),
            ("scripted.in_version_control", None),
            ("iac.all_infra_as_code", None),
            ("iac.env_from_scratch_1h", 30.0),
            ("iac.no_manual_changes", None),
            ("cd.all_services_pipelines", None),
            ("cd.automated_rollback", None),
        ):
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=team_id,
                criterion_id=cid,
                status=Status.MET,
                value=value,
                user_id="U0ALICE",
                source="board",
            )


def _age_events(bot: BotHarness, team_id: int, days: int) -> None:
    with session_scope(bot.engine) as s:
        rows = s.exec(select(EvidenceEvent).where(EvidenceEvent.team_id == team_id)).all()
        for row in rows:
            s.execute(
                update(EvidenceEvent)
                .where(EvidenceEvent.id == row.id)
                .values(
                    started_at=row.started_at - timedelta(days=days),
                    finished_at=(row.finished_at or row.started_at) - timedelta(days=days),
                )
            )


def test_a_quiet_source_expires_its_measurements_and_the_level_follows(bot, github) -> None:
    ws, team_id = make_team(bot)
    _level_two_by_people(bot, ws, team_id)
    github.set_runs(REPO, [run(1, created=utcnow() - timedelta(days=1), minutes=6)])
    say(bot, f"evidence github {REPO}")
    poll(bot)
    assert board(bot, ws, team_id)[DEPLOY].source == "evidence"
    with session_scope(bot.engine) as s:
        assert s.get(Team, team_id).level == 3

    _age_events(bot, team_id, 15)  # the source went quiet: its deploys left the window
    github.set_runs(REPO, [])  # (and GitHub has nothing newer)
    assert evidence_usecase.expire_quiet(Deps(settings=bot.settings, engine=bot.engine)) == 1
    row = board(bot, ws, team_id)[DEPLOY]
    assert (row.status, row.value, row.source) == ("unknown", None, "evidence")
    assert measured(bot, ws, team_id) == {}
    with session_scope(bot.engine) as s:
        assert s.get(Team, team_id).level == 2
        last = criterion_history(session=s, workspace_id=ws, team_id=team_id, criterion_id=DEPLOY)
    assert last[-1].evidence == "no longer measured: no successful deploy in the last 14 days"
    shown = say(bot, "board")
    assert "no longer measured: no successful deploy in the last 14 days" in shown
    assert "Measured:" not in shown


def test_a_persons_answer_stays_when_the_measurement_beside_it_expires(bot, github) -> None:
    ws, team_id = make_team(bot)
    say(bot, f"set {DEPLOY} 25 min")
    github.set_runs(REPO, [run(1, created=utcnow() - timedelta(days=1), minutes=6)])
    say(bot, f"evidence github {REPO}")
    poll(bot)
    assert "Measured: met (6 min)" in say(bot, "board")
    _age_events(bot, team_id, 15)
    github_poll.poll_team(
        Deps(settings=bot.settings, engine=bot.engine), ws, team_id, http=None
    )  # a poll remeasures too
    row = board(bot, ws, team_id)[DEPLOY]
    assert (row.status, row.value, row.source) == ("not_met", 25.0, "board")
    assert DEPLOY not in measured(bot, ws, team_id)
    assert "Measured:" not in say(bot, "board")


def test_webhook_deploys_measure_the_deploy_rate_too(bot) -> None:
    ws, team_id = make_team(bot)
    with session_scope(bot.engine) as s:
        token = rotate_token(session=s, workspace_id=ws, team_id=team_id, user_id="U0ALICE")
    owner = evidence_usecase.authenticate(bot.engine, token)
    assert owner is not None
    finished = utcnow() - timedelta(hours=1)
    for n, status in enumerate(("success", "success", "failure")):
        body = {
            "id": f"d-{n}",
            "service": "api",
            "environment": "production",
            "status": status,
            "started_at": (finished - timedelta(minutes=5)).isoformat(),
            "finished_at": finished.isoformat(),
        }
        answer = evidence_usecase.receive(
            bot.engine, owner, Kind.DEPLOY, json.dumps(body).encode(), window_days=14
        )
        assert answer.status == 202
    status, value, words = measured(bot, ws, team_id)[RATE]
    assert value == round(2 / 14, 2)
    assert words.endswith("1 of 3 failed (33 %), last 14 days \u2014 deploy webhook")


def test_deleting_a_team_takes_its_github_connection_and_polls(bot, github) -> None:
    ws, team_id = make_team(bot)
    github.set_runs(REPO, [run(1, created=utcnow() - timedelta(hours=2))])
    say(bot, f"evidence github token {GH_TOKEN}")
    say(bot, f"evidence github {REPO}")
    poll(bot)
    with session_scope(bot.engine) as s:
        gone = delete_team(session=s, workspace_id=ws, team_id=team_id)
    assert gone is not None
    assert gone["evidence_github"] == 1 and gone["evidence_events"] == 1
    assert gone["schedules"] >= 1
    assert source_row(bot, team_id) is None
    assert poll(bot, after=timedelta(minutes=11)) == []
