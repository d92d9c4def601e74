"""Teams as things people manage, end to end (signed requests, the real app, the Slack
stand-in): the list of every team, paged; one team's card; owners, name and channel changed
by command and by the card's controls; a non-owner refused when the change is *made* (not
only when the card is shown); deleting a team (asked first), leaving every other team — and
another workspace — untouched; a workspace admin deleting the workspace's data."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import func, select

from bot.local.payloads import block_action, sign
from bot.slack import people
from bot.slack.ids import ActionId, BlockId
from conversations.assessment import team_at_level
from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import read_scope, session_scope
from storage.models import (
    Assessment,
    CriterionEvent,
    NudgeRecord,
    RunbookOperation,
    Schedule,
    Team,
    Workspace,
)
from storage.nudges import record_nudge
from storage.workspaces import get_or_create_named_team, get_or_create_workspace

from .test_assessment import run_checkin

ALICE, BOB, CAROL, ADMIN = "U0ALICE", "U0BOB", "U0CAROL", "U0ADMIN"
PLATFORM = "C0PLATFORM"
PAYMENTS = "C0PAYMENTS"


@pytest.fixture(autouse=True)
def _fresh_people():
    people.forget()
    yield
    people.forget()


# ------------------------------------------------------------------ helpers


def _last(harness) -> dict[str, Any]:
    """The newest answer just for the person (an ephemeral, or a response_url post)."""
    return harness.standin.response_url_posts()[-1].body


def _validated(blocks: list[dict[str, Any]]) -> None:
    """Every block through slack_sdk's models (Slack's limits), and at most 50."""
    assert 0 < len(blocks) <= 50
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()


def _element(blocks: list[dict[str, Any]], prefix: str) -> tuple[dict[str, Any], str]:
    """The first interactive element whose action id starts with ``prefix``, and its block."""
    for block in blocks:
        elements = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        for el in elements:
            if str(el.get("action_id", "")).startswith(prefix):
                return el, str(block.get("block_id", ""))
    raise AssertionError(f"no element {prefix} in {json.dumps(blocks)[:500]}")


def _message(user, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"ts": "", "channel": user.actor.channel_id, "blocks": blocks, "is_ephemeral": True}


def _press(user, blocks: list[dict[str, Any]], prefix: str, **chosen: Any):
    """Use the control ``prefix`` in an ephemeral answer as Slack would send it: a button's
    click, or a menu's / a text field's new ``selected_users``, ``selected_conversation`` or
    ``value``."""
    element, block_id = _element(blocks, prefix)
    action = {**element, "block_id": block_id, **chosen}
    body, ctype = block_action(
        user.actor,
        action=action,
        response_url=user.standin.response_url(
            channel=user.actor.channel_id, user=user.actor.user_id
        ),
        channel_id=user.actor.channel_id,
        message=_message(user, blocks),
        trigger_id=user.standin.new_trigger_id(user.actor.user_id),
    )
    extra = {k: v for k, v in chosen.items() if k in ("selected_users", "selected_conversation")}
    if extra:  # the payload builder carries buttons' fields; add the menus' own
        payload = json.loads(parse_qs(body)["payload"][0])
        payload["actions"][0].update(extra)
        body = urlencode({"payload": json.dumps(payload)})
    answer = user.transport(body, {"Content-Type": ctype, **sign(body, user.secret)})
    assert answer.status == 200
    return answer


def _team(harness, name: str) -> Team | None:
    with read_scope(harness.engine) as s:
        return s.exec(select(Team).where(Team.name == name)).scalars().first()  # type: ignore[call-overload]


def _seed_teams(harness, count: int, *, team_id: str | None = None) -> int:
    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=team_id or harness.standin.team_id)
        for i in range(count):
            get_or_create_named_team(
                session=s,
                workspace_id=ws.id,
                name=f"Team {i:03d}",
                channel_id=f"C0T{i:03d}",
                user_id=ALICE,
            )
        return ws.id


def _rows_of(harness, model, team_id: int) -> int:
    with read_scope(harness.engine) as s:
        return s.execute(
            select(func.count()).select_from(model).where(model.team_id == team_id)
        ).scalar_one()


# ------------------------------------------------------------------ the list


def test_teams_lists_every_team_a_page_at_a_time(harness) -> None:
    ws = _seed_teams(harness, 45)
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team).where(Team.name == "Team 001")).scalars().one()  # type: ignore[call-overload]
        team.owners, team.level = [BOB, CAROL], 2
        s.add(team)
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team.id,
            criterion_id="scripted.in_version_control",
            status=Status.MET,
            user_id=BOB,
            source="board",
        )
    alice = harness.user(user_id=ALICE)
    answer = alice.command("teams")
    assert answer.status == 200
    first = _last(harness)
    _validated(first["blocks"])
    assert "1–20 of 45" in first["text"]
    rows = [
        b for b in first["blocks"] if b.get("block_id", "").startswith(BlockId.TEAMS_ROW_PREFIX)
    ]
    assert len(rows) == 20
    row = next(r for r in rows if "Team 001" in r["text"]["text"])
    assert "Level 2" in row["text"]["text"]
    assert "<#C0T001>" in row["text"]["text"]
    assert "<@U0BOB>, <@U0CAROL>" in row["text"]["text"]
    assert "last change never" not in row["text"]["text"]
    other = next(r for r in rows if "Team 000" in r["text"]["text"])
    assert "<@U0ALICE>" in other["text"]["text"]  # the creator owns it until owners are set
    assert "last change never" in other["text"]["text"]

    _press(alice, first["blocks"], f"{ActionId.TEAMS_PAGE}:")  # Next
    second = _last(harness)
    assert second.get("replace_original") is True
    assert "21–40 of 45" in second["text"]
    _press(alice, second["blocks"], f"{ActionId.TEAMS_PAGE}:2")
    third = _last(harness)
    assert "41–45 of 45" in third["text"]
    labels = [
        e["text"]["text"]
        for b in third["blocks"]
        for e in b.get("elements") or []
        if e.get("type") == "button"
    ]
    assert labels == ["← Previous"]

    # Open: the team's card, anyone may look.
    _press(alice, third["blocks"], f"{ActionId.TEAM_SHOW}:")
    card = _last(harness)
    _validated(card["blocks"])
    assert "Team 040" in card["text"]


def test_a_workspace_with_no_teams_says_how_to_start(harness) -> None:
    harness.user().command("teams")
    assert "No teams on the board yet" in _last(harness)["text"]


def test_hundreds_of_teams_still_fit_a_message(harness) -> None:
    _seed_teams(harness, 300)
    alice = harness.user()
    alice.command("teams")
    blocks = _last(harness)["blocks"]
    _validated(blocks)
    assert "page 1 of 15" in json.dumps(blocks)


# ------------------------------------------------------------------ one team


def test_the_card_shows_the_team_and_its_controls_only_to_who_may_change_it(harness) -> None:
    alice = harness.user(user_id=ALICE)
    alice.command("assess Payments Platform")
    run_checkin(alice, team_at_level(1))
    alice.command("team Payments Platform")
    card = _last(harness)
    _validated(card["blocks"])
    assert card["blocks"][0]["type"] == "header"
    fields = " ".join(f["text"] for f in card["blocks"][1]["fields"])
    assert "Level 1" in fields
    assert "<#C0PLATFORM>" in fields
    assert "<@U0ALICE>" in fields and "until owners are set" in fields
    assert any(b.get("block_id") == BlockId.TEAM_SETTINGS for b in card["blocks"])

    bob = harness.user(user_id=BOB)
    bob.command("team Payments Platform")
    seen = _last(harness)
    _validated(seen["blocks"])
    assert not any(b.get("block_id") == BlockId.TEAM_SETTINGS for b in seen["blocks"])
    assert not any(b.get("block_id") == BlockId.TEAM_RENAME_INPUT for b in seen["blocks"])
    _element(seen["blocks"], f"{ActionId.TEAM_EXPORT}:")  # everyone may export


def test_an_unknown_team_gets_did_you_mean(harness) -> None:
    _seed_teams(harness, 0)
    alice = harness.user()
    alice.command("assess Payments Platform")
    alice.command("team Paymnts Platform")
    answer = _last(harness)
    assert "Did you mean “Payments Platform”?" in answer["text"]
    assert _element(answer["blocks"], ActionId.COMMAND_RUN)[0]["value"] == "team Payments Platform"


# ------------------------------------------------------------------ owners


def test_owners_are_set_by_mention_and_enforced(harness) -> None:
    alice = harness.user(user_id=ALICE)
    alice.command("assess Payments Platform")
    bob = harness.user(user_id=BOB)

    bob.command("team owners <@U0BOB|bob> Payments Platform")  # not his team
    assert "Only the owners of “Payments Platform” (<@U0ALICE>)" in _last(harness)["text"]
    assert _team(harness, "Payments Platform").owners == []
    bob.command("team rename Hijacked")  # #platform has no team of its own: says how
    assert "open it with `/maturity team <name>`" in _last(harness)["text"]

    alice.command("team owners <@U0BOB|bob> <@U0CAROL> Payments Platform")
    note = _last(harness)
    assert "*Payments Platform* is now owned by <@U0BOB>, <@U0CAROL>." in note["text"]
    assert not note["replace_original"]  # a command's answer is new: nothing to replace
    assert _team(harness, "Payments Platform").owners == [BOB, CAROL]

    # Alice created it, but it is Bob's and Carol's now: she is refused, and nothing changes.
    alice.command("team owners <@U0ALICE> Payments Platform")
    refused = _last(harness)["text"]
    assert "Only the owners of “Payments Platform” (<@U0BOB>, <@U0CAROL>)" in refused
    assert "Nothing was changed" in refused
    assert _team(harness, "Payments Platform").owners == [BOB, CAROL]

    # A workspace admin may.
    harness.standin.add_user(ADMIN, is_admin=True)
    admin = harness.user(user_id=ADMIN)
    admin.command("team owners <@U0ALICE|alice> Payments Platform")
    assert _team(harness, "Payments Platform").owners == [ALICE]


def test_owners_typed_without_slacks_mentions_are_not_guessed(harness) -> None:
    alice = harness.user()
    alice.command("assess Payments Platform")
    alice.command("team owners @bob Payments Platform")
    assert "couldn't tell who you mean" in _last(harness)["text"]
    alice.command("team owners")
    assert "Who should own the team?" in _last(harness)["text"]
    assert _team(harness, "Payments Platform").owners == []


def test_a_non_owner_is_refused_when_the_control_is_used_not_only_when_shown(harness) -> None:
    alice = harness.user(user_id=ALICE)
    alice.command("assess Payments Platform")
    alice.command("team Payments Platform")
    card = _last(harness)["blocks"]  # Alice's card, with every control

    # Meanwhile an admin hands the team to Carol.
    harness.standin.add_user(ADMIN, is_admin=True)
    harness.user(user_id=ADMIN).command("team owners <@U0CAROL> Payments Platform")

    # Alice's card still shows the controls; using them is refused, and changes nothing.
    _press(alice, card, f"{ActionId.TEAM_OWNERS}:", selected_users=[ALICE, BOB])
    assert "Only the owners of “Payments Platform” (<@U0CAROL>)" in _last(harness)["text"]
    _press(alice, card, f"{ActionId.TEAM_RENAME}:", value="Alice's team")
    assert "Nothing was changed" in _last(harness)["text"]
    _press(alice, card, f"{ActionId.TEAM_CHANNEL}:", selected_conversation=PAYMENTS)
    assert "Nothing was changed" in _last(harness)["text"]
    _press(alice, card, f"{ActionId.TEAM_DELETE}:")
    assert "Nothing was changed" in _last(harness)["text"]
    team = _team(harness, "Payments Platform")
    assert team is not None and team.owners == [CAROL] and team.channel_id == PLATFORM

    # Carol opens it (controls and all) and uses them.
    carol = harness.user(user_id=CAROL)
    carol.command("team Payments Platform")
    card = _last(harness)["blocks"]
    _press(carol, card, f"{ActionId.TEAM_OWNERS}:", selected_users=[CAROL, BOB])
    changed = _last(harness)
    assert changed["replace_original"] is True
    assert _team(harness, "Payments Platform").owners == [CAROL, BOB]
    _press(carol, card, f"{ActionId.TEAM_OWNERS}:", selected_users=[])
    assert "at least one owner" in _last(harness)["text"]
    assert _team(harness, "Payments Platform").owners == [CAROL, BOB]


# ------------------------------------------------------------------ rename and channel


def test_rename_by_command_and_by_the_card(harness) -> None:
    alice = harness.user(user_id=ALICE, channel_id=PLATFORM, channel_name="platform")
    alice.command("assess")  # asks to create the channel's team
    last = harness.standin.ephemerals()[-1]
    from .test_digest import click_in

    click_in(alice, last["blocks"], ActionId.TEAM_CREATE, channel=PLATFORM, ts=last["message_ts"])
    alice.command("digest schedule monday 09:00 UTC teams platform")
    alice.command("team rename Platform Crew")
    assert "Renamed *platform* to *Platform Crew*" in _last(harness)["text"]
    assert _team(harness, "Platform Crew") is not None
    alice.command("board")  # the channel's team, under its new name
    assert "Platform Crew" in _last(harness)["text"]
    with read_scope(harness.engine) as s:  # the digest that named it follows the rename
        digest = s.exec(select(Schedule)).scalars().one()  # type: ignore[call-overload]
    assert digest.payload["teams"] == ["Platform Crew"]

    alice.command("assess Search")
    alice.command("team rename Search")  # another team has that name
    assert "There's already a team called “Search”" in _last(harness)["text"]
    alice.command("team Platform Crew")
    _press(alice, _last(harness)["blocks"], f"{ActionId.TEAM_RENAME}:", value="  Platform   Team ")
    assert _team(harness, "Platform Team") is not None
    assert "Renamed" in _last(harness)["text"]


def test_rename_in_a_dm_says_how(harness) -> None:
    alice = harness.user(channel_id="D0ALICE", channel_name="directmessage")
    alice.command("team rename Whatever")
    assert "in the team's channel" in _last(harness)["text"]


def test_channel_by_command_and_by_the_card(harness) -> None:
    alice = harness.user(user_id=ALICE)
    alice.command("assess Payments Platform")
    alice.command("team channel <#C0PAYMENTS|payments> Payments Platform")
    assert "now lives in <#C0PAYMENTS>" in _last(harness)["text"]
    team = _team(harness, "Payments Platform")
    assert team.channel_id == PAYMENTS and team.channel_key == PAYMENTS

    # In #payments, a command that names no team now means Payments Platform.
    in_payments = harness.user(user_id=ALICE, channel_id=PAYMENTS, channel_name="payments")
    in_payments.command("board")
    assert "Payments Platform" in _last(harness)["text"]

    # #platform gets a team of its own; Payments Platform can't move onto it.
    in_platform = harness.user(user_id=ALICE, channel_id="C0OTHER", channel_name="other")
    in_platform.command("assess Other Team")
    in_platform.command("team channel <#C0OTHER|other> Other Team")
    in_payments.command("team channel <#C0OTHER> Payments Platform")
    assert "has a team of its own already, “Other Team”" in _last(harness)["text"]
    assert _team(harness, "Payments Platform").channel_id == PAYMENTS

    in_payments.command("team")
    _press(
        in_payments,
        _last(harness)["blocks"],
        f"{ActionId.TEAM_CHANNEL}:",
        selected_conversation="C0NEW",
    )
    assert _team(harness, "Payments Platform").channel_id == "C0NEW"

    in_payments.command("team channel payments")
    assert "Which channel?" in _last(harness)["text"]


# ------------------------------------------------------------------ delete


def _seed_history(harness, alice, name: str) -> int:
    alice.command(f"assess {name}")
    run_checkin(alice, team_at_level(1))
    alice.command(f'runbook add "Rotate certificates" weekly 30m {name}')
    team = _team(harness, name)
    with session_scope(harness.engine) as s:
        record_nudge(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            rule_id="skip_level",
            source="test",
        )
    return team.id


def test_delete_asks_first_then_removes_the_team_and_its_history_only(harness) -> None:
    alice = harness.user(user_id=ALICE)
    doomed = _seed_history(harness, alice, "Payments Platform")
    kept = _seed_history(harness, alice, "Search")
    # The same name in another workspace: a different team, not touched.
    other_ws = _seed_teams(harness, 0, team_id="T0OTHER")
    with session_scope(harness.engine) as s:
        other = get_or_create_named_team(
            session=s, workspace_id=other_ws, name="Payments Platform", channel_id=None
        )
        record_criterion(
            session=s,
            workspace_id=other_ws,
            team_id=other.id,
            criterion_id="scripted.in_version_control",
            status=Status.MET,
            source="board",
        )
        other_id = other.id
    assert _rows_of(harness, CriterionEvent, doomed) > 0

    alice.command("team delete Payments Platform")
    asked = _last(harness)
    _validated(asked["blocks"])
    question = asked["blocks"][0]["text"]["text"]
    assert "Delete the team *Payments Platform*" in question
    assert "check-in" in question and "criterion change" in question
    assert _team(harness, "Payments Platform") is not None  # nothing deleted by asking

    _press(alice, asked["blocks"], ActionId.CONFIRM_CANCEL)
    assert "Nothing was deleted" in _last(harness)["text"]
    assert _team(harness, "Payments Platform") is not None

    # Bob can't, even with Alice's confirmation button.
    bob = harness.user(user_id=BOB)
    _press(bob, asked["blocks"], f"{ActionId.TEAM_DELETE_CONFIRM}:")
    assert "Nothing was changed" in _last(harness)["text"]
    assert _team(harness, "Payments Platform") is not None

    _press(alice, asked["blocks"], f"{ActionId.TEAM_DELETE_CONFIRM}:")
    done = _last(harness)
    assert "Deleted the team “Payments Platform”" in done["text"]
    assert done["replace_original"] is True
    for model in (Assessment, CriterionEvent, NudgeRecord, RunbookOperation):
        assert _rows_of(harness, model, doomed) == 0, model
        assert _rows_of(harness, model, kept) > 0, model
    assert _team(harness, "Search") is not None
    assert _rows_of(harness, CriterionEvent, other_id) == 1  # the other workspace's team

    _press(alice, asked["blocks"], f"{ActionId.TEAM_DELETE_CONFIRM}:")  # a second click
    assert "deleted already" in _last(harness)["text"]


def test_delete_needs_the_teams_name_and_a_fresh_confirmation(harness) -> None:
    alice = harness.user()
    alice.command("assess Payments Platform")
    alice.command("team delete")
    assert "Name it" in _last(harness)["text"]
    alice.command("team delete Payments Platform")
    blocks = _last(harness)["blocks"]
    button, _ = _element(blocks, f"{ActionId.TEAM_DELETE_CONFIRM}:")
    assert button["confirm"]["confirm"]["text"] == "Delete"  # Slack asks once more, too
    _press(alice, blocks, f"{ActionId.TEAM_DELETE_CONFIRM}:", value="2020-01-01T00:00:00+00:00")
    assert "expired" in _last(harness)["text"]
    assert _team(harness, "Payments Platform") is not None


# ------------------------------------------------------------------ the workspace's data


def test_workspace_data_is_summarised_for_anyone_and_deleted_by_admins_only(harness) -> None:
    alice = harness.user(user_id=ALICE)
    _seed_history(harness, alice, "Payments Platform")
    other_ws = _seed_teams(harness, 2, team_id="T0OTHER")

    alice.command("workspace")
    summary = _last(harness)["text"]
    assert "1 team" in summary and "30 days" in summary

    alice.command("workspace delete")
    assert "Only a workspace admin" in _last(harness)["text"]

    harness.standin.add_user(ADMIN, is_admin=True)
    admin = harness.user(user_id=ADMIN)
    admin.command("workspace delete")
    asked = _last(harness)
    _validated(asked["blocks"])
    assert "Delete everything I keep for this workspace" in asked["blocks"][0]["text"]["text"]

    _press(alice, asked["blocks"], ActionId.WORKSPACE_DELETE_CONFIRM)  # not an admin: refused
    assert _team(harness, "Payments Platform") is not None

    _press(admin, asked["blocks"], ActionId.WORKSPACE_DELETE_CONFIRM)
    assert "Deleted everything I kept for this workspace" in _last(harness)["text"]
    with read_scope(harness.engine) as s:
        slack_ids = s.exec(select(Workspace.slack_team_id)).scalars().all()  # type: ignore[call-overload]
        teams = s.exec(select(Team.workspace_id)).scalars().all()  # type: ignore[call-overload]
    assert harness.standin.team_id not in slack_ids
    assert set(teams) == {other_ws}  # the other workspace's two teams are all that is left
    assert len(teams) == 2


def test_an_admin_check_slack_cannot_answer_refuses(harness) -> None:
    harness.standin.add_user(ADMIN, is_admin=True)
    harness.standin.inject("users.info", error="fatal_error", times=5)
    harness.user(user_id=ADMIN).command("workspace delete")
    assert "couldn't check with Slack" in _last(harness)["text"]


def test_with_oauth_deleting_the_workspaces_data_deletes_its_tokens_too(tmp_path, standin) -> None:
    from cryptography.fernet import Fernet
    from slack_sdk.oauth.installation_store import Installation

    from bot.app import build_app
    from bot.local.payloads import Actor, slash_command
    from bot.local.standin.driver import SlackUser, in_process
    from bot.settings import load_settings
    from bot.slack.oauth import installation_store
    from storage.db import make_engine
    from storage.migrate import upgrade

    from .conftest import SIGNING_SECRET

    url = f"sqlite:///{tmp_path / 'oauth.db'}"
    upgrade(url)
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=url,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        token_encryption_key=Fernet.generate_key().decode(),
    )
    engine = make_engine(url)
    app = build_app(settings, engine=engine, process_before_response=True)
    store = installation_store(settings, engine)
    store.save(
        Installation(
            app_id="A0APP",
            enterprise_id=None,
            team_id=standin.team_id,
            user_id=ADMIN,
            bot_token="xoxb-installed-token",
            bot_id="B0BOT",
            bot_user_id=standin.bot_user_id,
            bot_scopes="chat:write,users:read,commands",
        )
    )
    standin.add_token("xoxb-installed-token")
    standin.add_user(ADMIN, is_admin=True)
    admin = SlackUser(
        standin,
        in_process(app),
        SIGNING_SECRET,
        Actor(user_id=ADMIN, team_id=standin.team_id, channel_id=PLATFORM, channel_name="platform"),
    )
    try:
        assert admin.command("assess Payments Platform").status == 200
        assert admin.command("workspace delete").status == 200
        asked = standin.response_url_posts()[-1].body
        assert "the app's tokens" in asked["blocks"][0]["text"]["text"]
        _press(admin, asked["blocks"], ActionId.WORKSPACE_DELETE_CONFIRM)
        assert (
            "tokens for this workspace are deleted" in standin.response_url_posts()[-1].body["text"]
        )
        assert store.find_bot(enterprise_id=None, team_id=standin.team_id) is None
        assert store.find_installation(enterprise_id=None, team_id=standin.team_id) is None
        with read_scope(engine) as s:
            assert s.execute(select(func.count()).select_from(Team)).scalar_one() == 0
        # The next request from the workspace finds no token: answered, and nothing is done.
        body, ctype = slash_command(
            admin.actor, "assess Search", response_url=standin.response_url()
        )
        answer = admin.transport(body, {"Content-Type": ctype, **sign(body, SIGNING_SECRET)})
        assert answer.status == 200
        with read_scope(engine) as s:
            assert s.execute(select(func.count()).select_from(Workspace)).scalar_one() == 0
    finally:
        engine.dispose()


def test_a_hostile_team_name_stays_text_in_every_team_answer(harness) -> None:
    from .test_hostile_names import HOSTILE, RAW, _everything_sent

    alice = harness.user(user_id=ALICE)
    alice.command(f"assess {HOSTILE}")
    alice.command("teams")
    alice.command(f"team {HOSTILE}")
    card = _last(harness)["blocks"]
    _press(alice, card, f"{ActionId.TEAM_OWNERS}:", selected_users=[ALICE, BOB])
    alice.command(f"team channel <#C0ELSEWHERE|elsewhere> {HOSTILE}")
    alice.command(f"export {HOSTILE}")
    alice.command(f"export {HOSTILE} csv")
    alice.command(f"team delete {HOSTILE} and more")  # unknown: quoted back
    alice.command(f"team delete {HOSTILE}")
    asked = _last(harness)["blocks"]
    harness.user(user_id=BOB).command(f"team rename {HOSTILE} too")  # refused, quoting it
    _press(alice, asked, f"{ActionId.TEAM_DELETE_CONFIRM}:")
    assert "Deleted the team" in _last(harness)["text"]

    sent = _everything_sent(harness.standin)
    leaks = sorted({text[:100] for text in sent for raw in RAW if raw in text})
    assert not leaks, "\n".join(leaks)
    assert any("&lt;!channel&gt;" in text for text in sent)


def test_deleting_a_workspace_that_keeps_nothing_says_so_and_offers_no_button(harness) -> None:
    harness.standin.add_user(ADMIN, is_admin=True)
    assert harness.user(user_id=ADMIN).command("workspace delete").status == 200
    said = _last(harness)
    assert "nothing to delete" in said["text"] and not said.get("blocks")


def test_export_in_an_unknown_format_names_the_formats_and_asks_nothing(harness) -> None:
    assert harness.user().command("export xml").status == 200
    said = _last(harness)["text"]
    assert "“xml”" in said and "`csv` or `json`" in said
    assert not harness.standin.files()
