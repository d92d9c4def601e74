"""Runbook to script, end to end: the real Bolt app, signed Slack payloads, the stand-in.

People type ``/maturity runbook …``, click the buttons and menus the bot showed them, fill
in its forms, and get their reminders when the scheduler's sender runs at a later time
(``send_due(now=…)``: time travel, no sleeping).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

from bot.app import build_app
from bot.settings import load_settings
from bot.slack.ids import ActionId, BlockId, CallbackId, RunbookScopeAction
from conversations.assessment import team_at_level
from conversations.model import question
from storage.criteria import criteria_board, criterion_history
from storage.db import session_scope
from storage.models import (
    Assessment,
    AssessmentStatus,
    NudgeRecord,
    RunbookImport,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET, BotHarness

CHANNEL = "C0PLATFORM"
HOSTILE = "<!channel> Rotate <@U0BOSS> & <https://evil.example|certs>"

# ------------------------------------------------------------------ helpers


def replies(standin) -> list[dict[str, Any]]:
    """What the app said through response_urls (ephemeral answers and replacements)."""
    return [p.body for p in standin.response_url_posts() if p.status == 200]


def last(standin) -> dict[str, Any]:
    return replies(standin)[-1]


def mrkdwn(body: dict[str, Any]) -> list[str]:
    """The texts Slack parses for mentions and links: the fallback and every mrkdwn object."""
    out = [str(body.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body.get("blocks") or [])
    return out


def words(body: dict[str, Any]) -> str:
    """Every text of a message or view, joined (mrkdwn as sent)."""
    out: list[str] = [str(body.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body.get("blocks") or [])
    return "\n".join(out)


def element(blocks: list[dict], prefix: str, value: str | None = None) -> tuple[str, dict]:
    for block in blocks:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        for el in candidates:
            if str(el.get("action_id", "")).startswith(prefix) and (
                value is None or el.get("value") == value
            ):
                return block.get("block_id", ""), el
    raise AssertionError(f"no element {prefix} ({value}) in {json.dumps(blocks)[:2000]}")


def click(user, body: dict, prefix: str, *, value: str | None = None, option: str | None = None):
    """Click a button (or pick a menu option) in a message the app sent."""
    block_id, el = element(body["blocks"], prefix, value)
    action = {**el, "block_id": block_id}
    if option is not None:
        action["selected_option"] = next(o for o in el["options"] if o["value"] == option)
    message = {
        "ts": body.get("ts", ""),
        "channel": body.get("channel", CHANNEL),
        "blocks": body["blocks"],
        "text": body.get("text", ""),
    }
    return user.click_button(message, action)


def op_ids_in(body: dict) -> list[int]:
    prefix = BlockId.RUNBOOK_OP_PREFIX
    return [
        int(b["block_id"].removeprefix(prefix))
        for b in body["blocks"]
        if b.get("block_id", "").startswith(prefix)
    ]


def ops(engine) -> dict[str, RunbookOperation]:
    with session_scope(engine) as s:
        return {o.title: o for o in s.exec(select(RunbookOperation))}


def reminders(engine, active: bool = True) -> list[Schedule]:
    with session_scope(engine) as s:
        rows = s.exec(select(Schedule).where(Schedule.kind == ScheduleKind.REMINDER)).all()
        return [r for r in rows if r.active or not active]


def board(engine) -> dict:
    with session_scope(engine) as s:
        team = s.exec(select(Team).where(Team.channel_id == CHANNEL)).one()
        return criteria_board(session=s, workspace_id=team.workspace_id, team_id=team.id)


def last_view(standin, user_id: str = "U0ALICE") -> dict:
    return standin.views(user_id)[-1]


def select_value(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value}}


def form_values(**fields: dict) -> dict[str, dict]:
    return {block: {ActionId.RUNBOOK_INPUT: el} for block, el in fields.items()}


def add(user, text: str) -> None:
    assert user.command(f"runbook add {text}").status == 200


def show(user) -> dict:
    user.command("runbook")
    return last(user.standin)


def sender(harness):
    return harness.sender()


def channel_team(
    harness,
    channel_id: str = CHANNEL,
    channel_name: str = "platform",
    user_id: str = "U0ALICE",
    slack_team_id: str | None = None,
) -> int:
    """The channel's own team, as if its creator had said yes to creating it (the bot asks
    before it names a team after a channel); its id."""
    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(
            session=s, slack_team_id=slack_team_id or harness.standin.team_id
        )
        assert ws.id is not None
        team = get_or_create_channel_team(
            session=s,
            workspace_id=ws.id,
            channel_id=channel_id,
            channel_name=channel_name,
            user_id=user_id,
        )
        assert team.id is not None
        return team.id


@pytest.fixture(autouse=True)
def _platform_team(request) -> None:
    """#platform has its team, created by Alice, in every test that has a bot."""
    for name in ("harness", "allowing", "serving"):
        if name in request.fixturenames:
            channel_team(request.getfixturevalue(name))
            return


# ------------------------------------------------------------------ list, add, edit, remove


def test_operations_are_ranked_by_toil_with_the_shares_beside_them(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    added = last(harness.standin)
    assert "Added “Rotate TLS certificates”" in words(added)
    assert "2.2 h of toil a month" in words(added)
    add(alice, '"Restart stuck workers" daily 5m')
    add(alice, '"Renew the domain" yearly 20m')
    add(alice, "Approve the deploy per-deploy 2m")
    listing = show(alice)
    text = words(listing)
    ranked = ops(harness.engine)
    assert op_ids_in(listing) == [
        ranked["Restart stuck workers"].id,  # 150 min a month
        ranked["Rotate TLS certificates"].id,  # 130
        ranked["Approve the deploy"].id,  # 60 (1 deploy a day until a check-in says more)
        ranked["Renew the domain"].id,  # under 2
    ]
    assert "*0%* of 4 operations scripted" in text
    assert "Per-deploy steps count 1 deploy a day" in text
    assert "*Script next:* 1. Restart stuck workers" in text
    # Each operation still to script offers a one-click reminder, edit and remove.
    block_id, menu = element(
        listing["blocks"], f"{ActionId.RUNBOOK_REMIND}:{ranked['Renew the domain'].id}"
    )
    assert [o["value"] for o in menu["options"]] == ["monday", "2weeks", "date"]
    assert block_id.startswith(BlockId.RUNBOOK_OP_ACTIONS_PREFIX)


def test_bad_input_gets_a_friendly_answer_and_changes_nothing(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate certs" fortnightly 30m')
    assert "isn't a frequency I know" in last(harness.standin)["text"]
    add(alice, '"Rotate certs" weekly thirty')
    assert "isn't a duration" in last(harness.standin)["text"]
    add(alice, "")
    assert "how often it runs" in last(harness.standin)["text"]
    assert ops(harness.engine) == {}
    add(alice, '"Rotate certs" weekly 30m')
    add(alice, '"rotate  CERTS" daily 5m')
    assert "already in" in last(harness.standin)["text"]
    assert [(o.title, o.frequency) for o in ops(harness.engine).values()] == [
        ("Rotate certs", "weekly")
    ]
    dm_user = harness.user(channel_id=harness.standin.dm_channel_id("U0ALICE"), channel_name="")
    dm_user.command("runbook")
    assert "Which team?" in last(harness.standin)["text"]


def test_user_text_never_becomes_a_mention_or_a_link(harness) -> None:
    alice = harness.user()
    add(alice, f'"{HOSTILE}" weekly 30m')
    listing = show(alice)
    for body in replies(harness.standin):
        for text in mrkdwn(body):
            assert "<!channel>" not in text and "<@U0BOSS>" not in text, text
            assert "<https://evil" not in text, text
    assert "&lt;!channel&gt;" in words(listing)
    assert ops(harness.engine)[HOSTILE].title == HOSTILE  # stored as typed


def test_edit_through_the_form_and_the_list_refreshes(harness) -> None:
    alice = harness.user()
    add(alice, '"Restart stuck workers" daily 5m')
    listing = show(alice)
    op_id = ops(harness.engine)["Restart stuck workers"].id
    click(alice, listing, f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    form = last_view(harness.standin)
    assert form["callback_id"] == CallbackId.RUNBOOK_FORM
    answer = alice.submit(
        form,
        form_values(
            **{
                BlockId.RUNBOOK_TITLE: {
                    "type": "plain_text_input",
                    "value": "Restart the stuck workers",
                },
                BlockId.RUNBOOK_FREQUENCY: select_value("weekly"),
                BlockId.RUNBOOK_MINUTES: {"type": "number_input", "value": "20"},
                BlockId.RUNBOOK_SCRIPT_URL: {
                    "type": "url_text_input",
                    "value": "https://git.example.com/ops/restart-workers.sh",
                },
                BlockId.RUNBOOK_BROKEN: {
                    "type": "checkboxes",
                    "selected_options": [{"value": "differs"}],
                },
            }
        ),
    )
    assert answer.status == 200 and not answer.body  # closed: saved
    row = ops(harness.engine)["Restart the stuck workers"]
    assert (row.frequency, row.minutes, row.scripted, row.broken_differs) == (
        "weekly",
        20,
        True,
        True,
    )
    refreshed = last(harness.standin)
    assert refreshed["replace_original"] is True
    assert "Saved “Restart the stuck workers”" in words(refreshed)
    assert "*100%* of 1 operation scripted" in words(refreshed)
    # Bad values stay in the form, beside the field, and change nothing.
    click(alice, refreshed, f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    bad = alice.submit(
        last_view(harness.standin),
        form_values(
            **{
                BlockId.RUNBOOK_MINUTES: {"type": "number_input", "value": "0"},
                BlockId.RUNBOOK_SCRIPT_URL: {
                    "type": "plain_text_input",
                    "value": "x" * 2001,
                },
            }
        ),
    ).json()
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {BlockId.RUNBOOK_MINUTES, BlockId.RUNBOOK_SCRIPT_URL}
    assert ops(harness.engine)["Restart the stuck workers"].minutes == 20


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("ops/scripts/rotate.sh", "script in `ops/scripts/rotate.sh`"),
        ("git@github.com:acme/ops.git", "script in `git@github.com:acme/ops.git`"),
        ("ssh://git@git.internal/ops.git", "script in `ssh://git@git.internal/ops.git`"),
        ("javascript:alert(1)", "script in `javascript:alert(1)`"),  # words, never a link
        ("https://git.example.com/rotate.sh", "<https://git.example.com/rotate.sh|script>"),
        ("", "scripted ·"),  # none at all: still scripted
    ],
)
def test_any_script_location_or_none_counts_as_scripted(harness, location, shown) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    alice.submit(
        last_view(harness.standin),
        form_values(
            **{
                BlockId.RUNBOOK_SCRIPTED: {
                    "type": "checkboxes",
                    "selected_options": [{"value": "scripted"}],
                },
                BlockId.RUNBOOK_SCRIPT_URL: {"type": "plain_text_input", "value": location},
            }
        ),
    )
    row = ops(harness.engine)["Rotate TLS certificates"]
    assert (row.scripted, row.script_url) == (True, location)  # stored as given
    [line] = [
        b["text"]["text"]
        for b in last(harness.standin)["blocks"]
        if b.get("block_id") == f"{BlockId.RUNBOOK_OP_PREFIX}{op_id}"
    ]
    assert shown in line
    links = [t for t in mrkdwn(last(harness.standin)) if "<http" in t]
    assert all("javascript" not in t for t in links)


def test_the_add_form_adds_an_operation(harness) -> None:
    alice = harness.user()
    listing = show(alice)  # empty: offers to add or paste
    assert "Nothing in *platform*'s runbook yet" in words(listing)
    click(alice, listing, ActionId.RUNBOOK_ADD)
    answer = alice.submit(
        last_view(harness.standin),
        form_values(
            **{
                BlockId.RUNBOOK_TITLE: {"type": "plain_text_input", "value": "Rotate API keys"},
                BlockId.RUNBOOK_FREQUENCY: select_value("quarterly"),
                BlockId.RUNBOOK_MINUTES: {"type": "number_input", "value": "45"},
                BlockId.RUNBOOK_KEEP_MANUAL: {
                    "type": "plain_text_input",
                    "value": "Vendor portal only",
                },
            }
        ),
    )
    assert answer.status == 200
    row = ops(harness.engine)["Rotate API keys"]
    assert (row.frequency, row.minutes, row.owner, row.keep_manual_reason) == (
        "quarterly",
        45,
        "U0ALICE",
        "Vendor portal only",
    )
    assert "kept manual" in words(last(harness.standin))


def test_only_the_owner_the_team_creator_or_an_admin_may_change_an_operation(harness) -> None:
    harness.standin.add_user("U0CAROL", is_admin=True)
    alice = harness.user()  # creates the channel's team
    bob = harness.user("U0BOB")
    mallory = harness.user("U0MALLORY")
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(bob, '"Restart workers" daily 5m')
    certs, workers = (
        ops(harness.engine)[t].id for t in ("Rotate TLS certificates", "Restart workers")
    )
    listing = show(mallory)
    views_before = len(harness.standin.views())
    click(mallory, listing, f"{ActionId.RUNBOOK_EDIT}:{certs}")
    assert (
        "Only <@U0ALICE> (its owner), the team's creator or a workspace admin"
        in last(harness.standin)["text"]
    )
    click(mallory, listing, f"{ActionId.RUNBOOK_REMOVE}:{certs}")
    assert "can remove" in last(harness.standin)["text"]
    assert len(harness.standin.views()) == views_before  # no form was opened
    assert set(ops(harness.engine)) == {"Rotate TLS certificates", "Restart workers"}
    # The team's creator may change what others own; an admin may change anything.
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMOVE}:{workers}")
    assert "Removed “Restart workers”" in words(last(harness.standin))
    carol = harness.user("U0CAROL")
    listing = show(carol)
    click(carol, listing, f"{ActionId.RUNBOOK_REMOVE}:{certs}")
    assert ops(harness.engine) == {}
    click(carol, listing, f"{ActionId.RUNBOOK_REMOVE}:{certs}")  # a double click
    assert "already gone" in last(harness.standin)["text"]


def test_a_long_runbook_is_paged_within_slacks_limits(harness) -> None:
    alice = harness.user()
    for i in range(20):
        add(alice, f'"Chore number {i:02d}" weekly {i + 1}m')
    first = show(alice)
    assert len(first["blocks"]) <= 50
    assert len(op_ids_in(first)) == 8
    assert "Page 1 of 3 · 20 operations" in words(first)
    click(alice, first, f"{ActionId.RUNBOOK_PAGE}:", value="1")
    second = last(harness.standin)
    assert second["replace_original"] is True
    assert "Page 2 of 3" in words(second)
    assert not set(op_ids_in(first)) & set(op_ids_in(second))


def test_the_list_its_pages_and_its_forms_answer_while_someone_else_saves(harness) -> None:
    """Reading a runbook never queues behind a write: while another unit of work holds
    SQLite's write lock (a big import, say), the list, its next page, the edit form and the
    paste form still come at once (queued, each would wait out the 15 s busy timeout)."""
    alice = harness.user()
    for i in range(10):
        add(alice, f'"Chore {i}" weekly {i + 1}m')
    show(alice)
    op_id = ops(harness.engine)["Chore 9"].id
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with session_scope(harness.engine) as s:
            s.exec(select(Team)).first()  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(30)
        views_before = len(harness.standin.views())
        listing = show(alice)
        assert "Page 1 of 2 · 10 operations" in words(listing)
        click(alice, listing, f"{ActionId.RUNBOOK_PAGE}:", value="1")
        assert "Page 2 of 2" in words(last(harness.standin))
        click(alice, listing, f"{ActionId.RUNBOOK_EDIT}:{op_id}")
        click(alice, listing, ActionId.RUNBOOK_PASTE)
        opened = [v["callback_id"] for v in harness.standin.views()[views_before:]]
        assert opened == [CallbackId.RUNBOOK_FORM, CallbackId.RUNBOOK_PASTE]
    finally:
        release.set()
        thread.join(30)


# ------------------------------------------------------------------ reminders


def test_a_reminder_arrives_once_in_the_users_time_zone_and_snooze_brings_it_back(harness) -> None:
    harness.standin.add_user("U0ALICE", tz="America/New_York")
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    assert "I'll DM you about scripting “Rotate TLS certificates”" in words(last(harness.standin))
    [reminder] = reminders(harness.engine)
    due = reminder.next_due_at
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert (local.weekday(), local.hour, local.minute, reminder.tz) == (0, 9, 0, "America/New_York")
    assert reminder.payload["operation_id"] == op_id
    # Clicking it again is harmless: still one reminder.
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    assert len(reminders(harness.engine)) == 1
    assert "you'll be reminded" in words(show(alice))

    out = sender(harness)
    assert out.send_due(now=due - timedelta(minutes=1), kind=ScheduleKind.REMINDER) == []
    out.send_due(now=due + timedelta(minutes=1), kind=ScheduleKind.REMINDER)
    out.send_due(now=due + timedelta(minutes=2), kind=ScheduleKind.REMINDER)
    dms = [
        m
        for m in alice.dm_messages()
        if BlockId.REMINDER in [b.get("block_id") for b in m.get("blocks", [])]
    ]
    assert len(dms) == 1  # exactly once
    reminder_dm = dms[0]
    assert "Time to script “Rotate TLS certificates”?" in words(reminder_dm)
    assert "2.2 h of hands-on work a month" in words(reminder_dm)
    labels = [
        el["text"]["text"] for el in element(reminder_dm["blocks"], ActionId.REMINDER_SNOOZE)[1:]
    ]
    assert labels == ["Snooze 1 week"]
    buttons = next(
        b for b in reminder_dm["blocks"] if b.get("block_id") == BlockId.REMINDER_ACTIONS
    )
    assert [e["text"]["text"] for e in buttons["elements"]] == [
        "Scripted ✓",
        "Snooze 1 week",
        "Keep it manual",
    ]

    alice.click(BlockId.REMINDER_ACTIONS, str(reminder.id))  # the first button: Scripted ✓
    assert last_view(harness.standin)["callback_id"] == CallbackId.RUNBOOK_SCRIPTED
    _, snooze = element(reminder_dm["blocks"], ActionId.REMINDER_SNOOZE)
    alice.click_button(reminder_dm, {**snooze, "block_id": BlockId.REMINDER_ACTIONS})
    alice.click_button(reminder_dm, {**snooze, "block_id": BlockId.REMINDER_ACTIONS})  # double
    [again] = reminders(harness.engine)
    assert again.id != reminder.id
    assert "Snoozed" in words(harness.standin.message(alice.dm, reminder_dm["ts"]))
    snoozed_local = again.next_due_at.astimezone(ZoneInfo("America/New_York"))
    assert snoozed_local.hour == 9
    out.send_due(now=again.next_due_at + timedelta(minutes=1), kind=ScheduleKind.REMINDER)
    posted = [
        c
        for c in harness.standin.calls_to("chat.postMessage")
        if "Time to script" in str(c.params.get("text"))
    ]
    assert len(posted) == 2  # the first reminder, then the snoozed one a week on
    assert "Time to script" in words(alice.dm_messages()[-1])


def test_scripted_from_the_reminder_asks_for_the_link_and_feeds_the_criterion(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(alice, '"Restart workers" daily 5m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="2weeks")
    [reminder] = reminders(harness.engine)
    assert reminder.next_due_at - datetime.now(UTC) > timedelta(days=13)
    sender(harness).send_due(now=reminder.next_due_at + timedelta(minutes=5))
    message, button = alice.find_button(BlockId.REMINDER_ACTIONS)
    alice.click_button(message, button)  # Scripted ✓
    modal = last_view(harness.standin)
    assert modal["blocks"][1]["optional"] is True  # where it lives is welcome, not required
    bad = alice.submit(
        modal,
        form_values(
            **{BlockId.RUNBOOK_SCRIPT_URL: {"type": "plain_text_input", "value": "x" * 2001}}
        ),
    )
    assert bad.json()["response_action"] == "errors"
    assert not ops(harness.engine)["Rotate TLS certificates"].scripted
    ok = alice.submit(
        modal,
        form_values(
            **{
                BlockId.RUNBOOK_SCRIPT_URL: {
                    "type": "plain_text_input",
                    "value": "git@git.example.com:ops/certs.git",
                }
            }
        ),
    )
    assert ok.status == 200
    row = ops(harness.engine)["Rotate TLS certificates"]
    assert (row.scripted, row.script_url) == (True, "git@git.example.com:ops/certs.git")
    settled = harness.standin.message(alice.dm, message["ts"])
    assert "is scripted" in words(settled)
    assert "The runbook is now 50% scripted (1 of 2)" in words(settled)
    assert not [b for b in settled["blocks"] if b.get("type") == "actions"]
    assert reminders(harness.engine) == []
    # Nobody said the runbook lists every operation: its share is evidence, not the answer.
    assert "scripted.ops_80pct" not in board(harness.engine)
    click(alice, show(alice), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.value, entry.source, entry.status) == (50.0, "runbook", "not_met")


def test_keep_it_manual_records_why_and_stops_reminding(harness) -> None:
    alice = harness.user()
    add(alice, '"Renew the domain" yearly 20m')
    op_id = ops(harness.engine)["Renew the domain"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    [reminder] = reminders(harness.engine)
    sender(harness).send_due(now=reminder.next_due_at + timedelta(minutes=1))
    message, _ = alice.find_button(BlockId.REMINDER_ACTIONS)
    _, keep = element(message["blocks"], ActionId.REMINDER_KEEP_MANUAL)
    alice.click_button(message, {**keep, "block_id": BlockId.REMINDER_ACTIONS})
    modal = last_view(harness.standin)
    assert modal["callback_id"] == CallbackId.RUNBOOK_KEEP_MANUAL
    empty = alice.submit(
        modal, form_values(**{BlockId.RUNBOOK_REASON: {"type": "plain_text_input", "value": " "}})
    )
    assert empty.json()["response_action"] == "errors"
    alice.submit(
        modal,
        form_values(
            **{
                BlockId.RUNBOOK_REASON: {
                    "type": "plain_text_input",
                    "value": "Once a year, two clicks",
                }
            }
        ),
    )
    assert ops(harness.engine)["Renew the domain"].keep_manual_reason == "Once a year, two clicks"
    assert "Keeping “Renew the domain” manual" in words(
        harness.standin.message(alice.dm, message["ts"])
    )
    assert "kept manual: “Once a year, two clicks”" in words(show(alice))


def test_pick_a_date_reminds_at_nine_on_that_day(harness) -> None:
    harness.standin.add_user("U0ALICE", tz="Europe/Berlin")
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="date")
    modal = last_view(harness.standin)
    assert modal["callback_id"] == CallbackId.RUNBOOK_REMIND_DATE
    long_ago = alice.submit(
        modal,
        form_values(
            **{BlockId.RUNBOOK_DATE: {"type": "datepicker", "selected_date": "2020-01-01"}}
        ),
    )
    assert long_ago.json()["response_action"] == "errors"
    day = date.today() + timedelta(days=10)
    alice.submit(
        modal,
        form_values(
            **{BlockId.RUNBOOK_DATE: {"type": "datepicker", "selected_date": day.isoformat()}}
        ),
    )
    [reminder] = reminders(harness.engine)
    local = reminder.next_due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.hour) == (day, 9)
    assert "I'll DM you" in words(last(harness.standin))


# ------------------------------------------------------------------ nudges


def test_marking_a_broken_operation_for_scripting_nudges_to_fix_it_first(harness) -> None:
    alice = harness.user()
    add(alice, '"Fail over the database" monthly 60m')
    add(alice, '"Restart workers" daily 5m')
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(alice, '"Renew the domain" yearly 20m')
    failover = ops(harness.engine)["Fail over the database"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{failover}")
    alice.submit(
        last_view(harness.standin),
        form_values(
            **{
                BlockId.RUNBOOK_BROKEN: {
                    "type": "checkboxes",
                    "selected_options": [{"value": "fails"}],
                }
            }
        ),
    )
    # The failover costs the most toil, but it is broken: it ranks under "fix the process
    # first", not under "script next", and the top three leave it out.
    listing = show(alice)
    text = words(listing)
    assert "*Script next:* 1. Restart workers" in text
    assert "Fail over the database" not in text.split("*Script next:*", 1)[1].split("\n", 1)[0]
    groups = [b.get("block_id", "") for b in listing["blocks"]]
    groups = [g for g in groups if g.startswith(BlockId.RUNBOOK_GROUP_PREFIX)]
    assert groups == ["runbook.group.script_next", "runbook.group.fix_first"]
    assert op_ids_in(listing)[-1] == failover  # below the ones to script
    assert "*1. Fail over the database*" not in text
    assert ":construction: *Fail over the database*" in text
    click(alice, listing, ActionId.RUNBOOK_REMIND_TOP)  # the top three, next Monday
    marked = {r.payload["operation_id"] for r in reminders(harness.engine)}
    titles = {o.id: t for t, o in ops(harness.engine).items()}
    assert {titles[i] for i in marked} == {
        "Restart workers",
        "Rotate TLS certificates",
        "Renew the domain",
    }
    assert not [m for m in alice.dm_messages() if "nudge.broken_process" in str(m["blocks"])]
    # Asking to script the broken one anyway is when "fix it first" is said.
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{failover}", option="monday")
    nudge_dm = [
        m
        for m in alice.dm_messages()
        if "nudge.broken_process" in [b.get("block_id") for b in m["blocks"]]
    ]
    assert len(nudge_dm) == 1
    assert "“Fail over the database” sometimes fails" in words(nudge_dm[0])
    assert "note in our DM" in words(last(harness.standin))
    with session_scope(harness.engine) as s:
        assert [(n.rule_id, n.source) for n in s.exec(select(NudgeRecord))] == [
            ("broken_process", "runbook")
        ]


def test_scripting_a_rare_cheap_operation_while_costlier_ones_stay_manual_is_nudged_once(
    harness,
) -> None:
    alice = harness.user()
    add(alice, '"Renew the domain" yearly 20m')
    add(alice, '"Update the team wiki" quarterly 15m')
    add(alice, '"Restart workers" daily 5m')
    domain, wiki = (ops(harness.engine)[t].id for t in ("Renew the domain", "Update the team wiki"))
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{domain}", option="monday")
    dm = [
        m
        for m in alice.dm_messages()
        if "nudge.over_automation" in [b.get("block_id") for b in m["blocks"]]
    ]
    assert len(dm) == 1
    assert "Not every job needs a script" in words(dm[0])
    # Dismissed, it stays quiet for its cooldown, even for another cheap operation.
    assert alice.click("nudge.over_automation").status == 200
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{wiki}", option="monday")
    dm = [
        m
        for m in alice.dm_messages()
        if "nudge.over_automation" in [b.get("block_id") for b in m["blocks"]]
    ]
    assert dm == []  # the dismissed one left its message, and no new one came
    with session_scope(harness.engine) as s:
        records = list(s.exec(select(NudgeRecord)))
    assert len(records) == 1 and records[0].dismissed_by == "U0ALICE"


# ------------------------------------------------------------------ imports


RUNBOOK_MD = """\
# Payments runbook

## Before every deploy
1. Announce the deploy in #deploys (2 min)
2. Check the error budget

## Deploy
1. Run the pipeline
   ```
   make deploy
   ```

## Weekly
- Prune old images (20 min)
"""


def test_a_pasted_runbook_is_previewed_adjusted_then_imported(harness) -> None:
    alice = harness.user()
    click(alice, show(alice), ActionId.RUNBOOK_PASTE)
    paste = last_view(harness.standin)
    assert paste["callback_id"] == CallbackId.RUNBOOK_PASTE
    empty = alice.submit(
        paste,
        form_values(
            **{BlockId.RUNBOOK_TEXT: {"type": "plain_text_input", "value": "# only a title"}}
        ),
    )
    assert empty.json()["response_action"] == "errors"
    shown = alice.submit(
        paste,
        form_values(**{BlockId.RUNBOOK_TEXT: {"type": "plain_text_input", "value": RUNBOOK_MD}}),
    ).json()
    assert shown["response_action"] == "update"
    preview = shown["view"]
    assert preview["callback_id"] == CallbackId.RUNBOOK_PREVIEW
    steps = [
        b
        for b in preview["blocks"]
        if b.get("block_id", "").startswith(BlockId.RUNBOOK_STEP_PREFIX)
    ]
    assert [b["label"]["text"] for b in steps] == [
        "1. Announce the deploy in #deploys",
        "2. Check the error budget",
        "3. Run the pipeline",
        "4. Prune old images",
    ]
    initial = [b["element"]["initial_option"]["value"] for b in steps]
    assert initial == ["per_deploy", "per_deploy", "per_deploy", "weekly"]
    # Each step asks for its minutes: filled in where the words gave them, else the guess.
    minutes = {
        b["block_id"]: b["element"]
        for b in preview["blocks"]
        if b.get("block_id", "").startswith(BlockId.RUNBOOK_STEP_MINUTES_PREFIX)
    }
    assert [m.get("initial_value") for m in minutes.values()] == ["2", None, None, "20"]
    assert minutes[f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}1"]["placeholder"]["text"] == (
        "a guess: 10"
    )
    assert ops(harness.engine) == {}  # nothing saved before the import is confirmed
    with session_scope(harness.engine) as s:
        assert s.exec(select(RunbookImport)).one().status == "pending"
    # Minutes that are no number stay in the form, beside the box.
    bad = alice.submit(
        {**preview, "id": paste["id"]},
        form_values(
            **{f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}1": {"type": "number_input", "value": "0"}}
        ),
    ).json()
    assert bad["response_action"] == "errors"
    assert list(bad["errors"]) == [f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}1"]
    assert ops(harness.engine) == {}
    # Adjust one guess, give one step's minutes, then import.
    done = alice.submit(
        {**preview, "id": paste["id"]},
        form_values(
            **{
                f"{BlockId.RUNBOOK_STEP_PREFIX}1": select_value("daily"),
                f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}1": {"type": "number_input", "value": "15"},
            }
        ),
    )
    assert done.status == 200 and not done.body
    imported = ops(harness.engine)
    assert {
        t: (o.frequency, o.minutes, o.minutes_guessed, o.scripted, o.section)
        for t, o in imported.items()
    } == {
        "Announce the deploy in #deploys": ("per_deploy", 2, False, False, "Before every deploy"),
        "Check the error budget": ("daily", 15, False, False, "Before every deploy"),
        "Run the pipeline": ("per_deploy", 10, True, True, "Deploy"),
        "Prune old images": ("weekly", 20, False, False, "Weekly"),
    }
    result = last(harness.standin)
    assert "Imported 4 operations from the pasted text" in words(result)
    assert "The minutes of 1 operation are guesses" in words(result)
    # The pipeline's 10 minutes are a guess, and one deploy a day is assumed: an estimate.
    [pipeline] = [
        b["text"]["text"]
        for b in result["blocks"]
        if b.get("block_id") == f"{BlockId.RUNBOOK_OP_PREFIX}{imported['Run the pipeline'].id}"
    ]
    assert "10 min a run _(a guess)_" in pipeline and "*about 5 h a month*" in pipeline
    assert "Per-deploy steps count 1 deploy a day (assumed" in words(result)
    # The runbook's share is evidence until the team says it lists every operation.
    assert "scripted.ops_80pct" not in board(harness.engine)
    # Submitting the same preview again imports nothing more.
    alice.submit({**preview, "id": paste["id"]}, {})
    assert len(ops(harness.engine)) == 4


def test_the_message_shortcut_imports_two_hundred_steps_in_one_go(harness) -> None:
    alice = harness.user()
    text = "*Nightly checks*\n" + "\n".join(
        f"• Check shard {i:03d} &amp; its replica" for i in range(200)
    )
    message = {"type": "message", "user": "U0BOB", "ts": "1700000000.000100", "text": text}
    assert alice.message_shortcut(CallbackId.RUNBOOK_ADD_STEPS, message).status == 200
    view = last_view(harness.standin)
    pages = 0
    while True:
        pages += 1
        assert view["callback_id"] == CallbackId.RUNBOOK_PREVIEW
        assert len(view["blocks"]) <= 100
        View(**view).validate_json()
        answer = alice.submit(view, {})
        if not answer.body:
            break
        view = {**answer.json()["view"], "id": view["id"]}
    assert pages == 8  # 25 steps a page
    imported = ops(harness.engine)
    assert len(imported) == 200
    assert "Check shard 007 & its replica" in imported
    assert {o.frequency for o in imported.values()} == {"daily"}
    assert {o.section for o in imported.values()} == {"Nightly checks"}
    listing = last(harness.standin)
    assert "Imported 200 operations from a message in #platform" in words(listing)
    assert len(listing["blocks"]) <= 50
    assert "Page 1 of 25" in words(listing)


def test_the_shortcut_in_a_dm_or_on_a_message_without_steps_explains(harness) -> None:
    dm_user = harness.user(channel_id=harness.standin.dm_channel_id("U0ALICE"), channel_name="")
    dm_user.message_shortcut(
        CallbackId.RUNBOOK_ADD_STEPS, {"type": "message", "ts": "1.2", "text": "- a"}
    )
    assert "belongs to a team" in words(last_view(harness.standin))
    alice = harness.user()
    alice.message_shortcut(
        CallbackId.RUNBOOK_ADD_STEPS, {"type": "message", "ts": "1.3", "text": "```\n```"}
    )
    assert "couldn't find any steps" in words(last_view(harness.standin))
    assert ops(harness.engine) == {}


class _RunbookServer(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = RUNBOOK_MD.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/markdown")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def served() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _RunbookServer)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/ops/runbook.md"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def allowing(harness) -> BotHarness:
    """The app with ``RUNBOOK_FETCH_ALLOW_HOSTS=127.0.0.1`` (the local file server)."""
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=harness.standin.api_url,
        database_url=str(harness.engine.url),
        runbook_fetch_allow_hosts="127.0.0.1",
    )
    app = build_app(settings, engine=harness.engine, process_before_response=True)
    return BotHarness(
        app=app,
        standin=harness.standin,
        engine=harness.engine,
        secret=SIGNING_SECRET,
        settings=settings,
    )


def test_import_from_a_url_previews_then_imports_once(allowing, served) -> None:
    alice = allowing.user()
    alice.command(f"runbook import {served}")
    card = last(allowing.standin)
    assert "Import preview for platform" in words(card)
    assert "4 steps · 1 already scripted · 3 sections" in words(card)
    assert ops(allowing.engine) == {}
    click(alice, card, ActionId.RUNBOOK_IMPORT_ALL)
    click(alice, card, ActionId.RUNBOOK_IMPORT_ALL)  # a double click
    assert len(ops(allowing.engine)) == 4
    assert "Already imported" in last(allowing.standin)["text"]
    # Importing the same file again skips what is there; cancelling saves nothing.
    alice.command(f"runbook import {served}")
    click(alice, last(allowing.standin), ActionId.RUNBOOK_IMPORT_CANCEL)
    assert "Nothing from" in last(allowing.standin)["text"]
    alice.command(f"runbook import {served}")
    click(alice, last(allowing.standin), ActionId.RUNBOOK_IMPORT_REVIEW)
    review = last_view(allowing.standin)
    assert review["callback_id"] == CallbackId.RUNBOOK_PREVIEW
    alice.submit(review, {})
    assert "4 steps already in the runbook, skipped" in words(last(allowing.standin))
    assert len(ops(allowing.engine)) == 4


def test_import_from_a_private_address_is_refused_with_a_friendly_message(harness) -> None:
    alice = harness.user()
    for url in (
        "http://10.0.0.5/runbook.md",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
    ):
        alice.command(f"runbook import {url}")
        text = last(harness.standin)["text"]
        assert "I won't fetch from" in text and "private networks" in text
    alice.command("runbook import")
    assert "Which file?" in last(harness.standin)["text"]
    with session_scope(harness.engine) as s:
        assert list(s.exec(select(RunbookImport))) == []


# ------------------------------------------------------------------ criteria → assessment


def test_a_runbook_said_to_list_everything_sets_the_share_and_the_checkin_does_not_ask_it(
    harness,
) -> None:
    alice = harness.user()
    for i in range(4):
        add(alice, f'"Job {i}" weekly 10m')
    add(alice, '"Job 4" daily 10m')
    listing = show(alice)
    question = next(b for b in listing["blocks"] if b.get("block_id") == BlockId.RUNBOOK_SCOPE)
    assert "Does this runbook list all of platform's operations?" in question["text"]["text"]
    assert "scripted.ops_80pct" not in board(harness.engine)  # not asked yet: no answer
    click(alice, listing, f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    noted = last(harness.standin)
    assert noted["replace_original"] is True
    assert "lists all of *platform*'s operations" in words(noted)
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.value, entry.status, entry.source) == (0.0, "not_met", "runbook")
    for title in ("Job 0", "Job 1", "Job 2", "Job 3"):
        op_id = ops(harness.engine)[title].id
        click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{op_id}")
        alice.submit(
            last_view(harness.standin),
            form_values(
                **{
                    BlockId.RUNBOOK_SCRIPTED: {
                        "type": "checkboxes",
                        "selected_options": [{"value": "scripted"}],
                    }
                }
            ),
        )
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.value, entry.status, entry.source) == (80.0, "met", "runbook")
    text = words(show(alice))
    assert "*80%* of 5 operations scripted" in text
    # The daily job still done by hand is most of the toil: 300 of 473 minutes a month.
    assert "*37%* of the toil" in text
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        history = criterion_history(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            criterion_id="scripted.ops_80pct",
        )
    assert [h.value for h in history] == [0.0, 20.0, 40.0, 60.0, 80.0]
    alice.command("assess")
    first = alice.current_question()
    assert first is not None and first != "scripted.ops_80pct"
    assert "scripted.ops_80pct" not in run_checkin(alice, team_at_level(1))
    # The check-in recorded the share it took as known; the next one still doesn't ask.
    alice.command("assess")
    assert "scripted.ops_80pct" not in run_checkin(alice, team_at_level(1))
    assert team_row(harness.engine).level == 1  # 80 %: at the bar


# ------------------------------------------------------------------ Block Kit


def test_every_message_and_view_of_the_runbook_is_valid_block_kit(harness) -> None:
    test_a_reminder_arrives_once_in_the_users_time_zone_and_snooze_brings_it_back(harness)
    alice = harness.user()
    add(alice, f'"{HOSTILE}" per-deploy 90m')
    click(alice, show(alice), ActionId.RUNBOOK_PASTE)
    alice.submit(
        last_view(harness.standin),
        form_values(**{BlockId.RUNBOOK_TEXT: {"type": "plain_text_input", "value": RUNBOOK_MD}}),
    )
    checked = 0
    for call in harness.standin.calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            assert call.ok, call
            blocks = call.params.get("blocks") or []
            assert len(blocks) <= 50
            for raw in blocks:
                Block.parse(raw).validate_json()
                checked += 1
        elif call.method in ("views.open", "views.update", "views.push"):
            assert call.ok, call
            View(**call.params["view"]).validate_json()
            checked += 1
    assert checked > 20


def test_anyone_may_ask_for_a_reminder_but_only_the_owner_marks_it_scripted(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    bob = harness.user("U0BOB")
    click(bob, show(bob), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    [reminder] = reminders(harness.engine)
    assert reminder.user_id == "U0BOB"
    harness.sender().send_due(now=reminder.next_due_at + timedelta(minutes=1))
    message, scripted = bob.find_button(BlockId.REMINDER_ACTIONS)
    views_before = len(harness.standin.views())
    bob.click_button(message, scripted)
    assert "Only <@U0ALICE> (its owner)" in last(harness.standin)["text"]
    assert len(harness.standin.views()) == views_before
    assert not ops(harness.engine)["Rotate TLS certificates"].scripted


# ------------------------------------------------------------------ crafted payloads


def _alice_with_everything(harness) -> dict[str, Any]:
    """Alice's runbook with an operation, a reminder she asked for, a pending import, and
    the forms she was shown: what a stranger will try to reach."""
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    row = ops(harness.engine)["Rotate TLS certificates"]
    listing = show(alice)
    click(alice, listing, f"{ActionId.RUNBOOK_REMIND}:{row.id}", option="monday")
    alice.message_shortcut(
        CallbackId.RUNBOOK_ADD_STEPS, {"type": "message", "ts": "1.5", "text": "- Prune images"}
    )
    preview_view = last_view(harness.standin)
    click(alice, listing, f"{ActionId.RUNBOOK_EDIT}:{row.id}")
    form_view = last_view(harness.standin)
    with session_scope(harness.engine) as s:
        pending = s.exec(select(RunbookImport)).one()
    return {
        "op": row,
        "team_id": row.team_id,
        "key": pending.key,
        "listing": listing,
        "preview_view": preview_view,
        "form_view": form_view,
    }


def _state(engine) -> tuple:
    """Everything a crafted payload could change."""
    with session_scope(engine) as s:
        operations = sorted(
            (o.workspace_id, o.title, o.scripted, o.script_url, o.keep_manual_reason, o.minutes)
            for o in s.exec(select(RunbookOperation))
        )
        schedules = sorted(
            (r.workspace_id, r.user_id, r.active, r.next_due_at)
            for r in s.exec(select(Schedule).where(Schedule.kind == ScheduleKind.REMINDER))
        )
        imports = sorted((i.workspace_id, i.key, i.status) for i in s.exec(select(RunbookImport)))
    return operations, schedules, imports


def _modal(callback_id: str, **metadata: Any) -> dict[str, Any]:
    return {
        "id": "V0CRAFTED",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata),
        "blocks": [],
    }


def _crafted(user, action_id: str, value: str) -> None:
    """Click a button the app never showed this user, with ids of their choosing."""
    button = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "x"},
    }
    message = {
        "ts": "1.1",
        "channel": CHANNEL,
        "blocks": [{"type": "actions", "block_id": "crafted", "elements": [button]}],
    }
    assert user.click_button(message, {**button, "block_id": "crafted"}).status == 200


def _everything_said(standin) -> list[str]:
    """Every message, reply and modal the app produced since the last ``clear()``."""
    out = [json.dumps(p.body) for p in standin.response_url_posts()]
    out += [
        json.dumps(c.params)
        for c in standin.calls
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
        or c.method.startswith("views.")
    ]
    return out


def test_another_workspace_cannot_read_or_change_anything_by_id(harness) -> None:
    """A stranger in another workspace (with the same user id as the owner, even) crafts
    every button and every modal submission around Alice's ids: nothing is shown to
    them, nothing changes."""
    alice = _alice_with_everything(harness)
    op_id, team_id, key = alice["op"].id, alice["team_id"], alice["key"]
    before = _state(harness.engine)
    harness.standin.clear()
    eve = harness.user("U0ALICE", team_id="T0OTHER")  # same user id: ownership must not leak
    listing = alice["listing"]
    for prefix, option in (
        (f"{ActionId.RUNBOOK_EDIT}:{op_id}", None),
        (f"{ActionId.RUNBOOK_REMOVE}:{op_id}", None),
        (f"{ActionId.RUNBOOK_REMIND}:{op_id}", "monday"),
        (f"{ActionId.RUNBOOK_REMIND}:{op_id}", "date"),
        (ActionId.RUNBOOK_REMIND_TOP, None),
        (f"{ActionId.RUNBOOK_ADD}:{team_id}", None),
        (f"{ActionId.RUNBOOK_PASTE}:{team_id}", None),
    ):
        assert click(eve, listing, prefix, option=option).status == 200
    for action_id, value in (
        (f"{ActionId.RUNBOOK_SHOW}:{team_id}", str(team_id)),
        (f"{ActionId.RUNBOOK_PAGE}:{team_id}:next", "0"),
        (f"{ActionId.RUNBOOK_IMPORT_REVIEW}:{key}", key),
        (f"{ActionId.RUNBOOK_IMPORT_ALL}:{key}", key),
        (f"{ActionId.RUNBOOK_IMPORT_CANCEL}:{key}", key),
        (f"{ActionId.REMINDER_SCRIPTED}:{op_id}", "1"),
        (f"{ActionId.REMINDER_SNOOZE}:{op_id}", "1"),
        (f"{ActionId.REMINDER_KEEP_MANUAL}:{op_id}", "1"),
    ):
        _crafted(eve, action_id, value)
    title = {BlockId.RUNBOOK_TITLE: {"type": "plain_text_input", "value": "Pwned"}}
    script = {BlockId.RUNBOOK_SCRIPT_URL: {"type": "url_text_input", "value": "https://x.io/s"}}
    reason = {BlockId.RUNBOOK_REASON: {"type": "plain_text_input", "value": "because"}}
    day = (date.today() + timedelta(days=3)).isoformat()
    picked = {BlockId.RUNBOOK_DATE: {"type": "datepicker", "selected_date": day}}
    text = {BlockId.RUNBOOK_TEXT: {"type": "plain_text_input", "value": "- Exfiltrate"}}
    edit = eve.submit(
        _modal(CallbackId.RUNBOOK_FORM, t=team_id, o=op_id, v=alice["op"].version),
        form_values(**title),
    )
    assert edit.json()["response_action"] == "errors"  # no such operation in this workspace
    eve.submit(_modal(CallbackId.RUNBOOK_FORM, t=team_id, o=0), form_values(**title))
    eve.submit(_modal(CallbackId.RUNBOOK_SCRIPTED, o=op_id, c=alice_dm(harness)), script)
    eve.submit(_modal(CallbackId.RUNBOOK_KEEP_MANUAL, o=op_id), form_values(**reason))
    eve.submit(_modal(CallbackId.RUNBOOK_REMIND_DATE, o=[op_id]), form_values(**picked))
    eve.submit(_modal(CallbackId.RUNBOOK_PASTE, t=team_id, n="x"), form_values(**text))
    # Alice's own modals, private_metadata and all, as if opened in the stranger's
    # workspace (a real view names the workspace it was opened in, and Slack signs that).
    for view in (alice["preview_view"], alice["form_view"]):
        moved = {k: v for k, v in view.items() if k not in ("app_installed_team_id", "team_id")}
        eve.submit({**moved, "id": "V0CRAFTED"}, form_values(**title))

    assert _state(harness.engine) == before  # nothing changed, nothing was added
    said = _everything_said(harness.standin)
    assert said  # the stranger was answered…
    assert not [t for t in said if "Rotate TLS" in t or "Prune images" in t]  # …with nothing
    assert harness.standin.calls_to("views.open") == []


def alice_dm(harness) -> str:
    return harness.standin.dm_channel_id("U0ALICE")


def test_a_modal_submitted_by_someone_else_is_judged_by_who_submits_it(harness) -> None:
    """Bob (neither owner, team creator nor admin) submits the modals Alice was shown,
    private_metadata and all: each is refused on the server, nothing changes."""
    alice = _alice_with_everything(harness)
    op_id = alice["op"].id
    with session_scope(harness.engine) as s:
        due = s.exec(select(Schedule).where(Schedule.kind == ScheduleKind.REMINDER)).one()
        at = due.next_due_at
    assert at is not None
    harness.sender().send_due(now=at + timedelta(minutes=1))  # her reminder DM
    alice_user = harness.user()
    message, scripted = alice_user.find_button(BlockId.REMINDER_ACTIONS)
    alice_user.click_button(message, scripted)
    scripted_view = last_view(harness.standin)
    _, keep = element(message["blocks"], ActionId.REMINDER_KEEP_MANUAL)
    alice_user.click_button(message, {**keep, "block_id": BlockId.REMINDER_ACTIONS})
    keep_view = last_view(harness.standin)
    before = _state(harness.engine)
    harness.standin.clear()
    bob = harness.user("U0BOB")
    title = {BlockId.RUNBOOK_TITLE: {"type": "plain_text_input", "value": "Pwned"}}
    refused = bob.submit(alice["form_view"], form_values(**title)).json()
    assert refused["response_action"] == "errors"
    assert "Only its owner, the team's creator or a workspace admin" in str(refused["errors"])
    bob.submit(
        scripted_view,
        form_values(
            **{BlockId.RUNBOOK_SCRIPT_URL: {"type": "url_text_input", "value": "https://x.io/s"}}
        ),
    )
    bob.submit(
        keep_view,
        form_values(**{BlockId.RUNBOOK_REASON: {"type": "plain_text_input", "value": "nah"}}),
    )
    bob.submit(alice["preview_view"], {})
    assert _state(harness.engine) == before
    said = "\n".join(_everything_said(harness.standin))
    assert said.count("Only <@U0ALICE> (its owner), the team's creator or a workspace admin") == 2
    assert "Only the person who started this import can confirm it" in said
    # The reminder Alice got still has its buttons: Bob's tries did not settle it.
    assert harness.standin.message(alice_user.dm, message["ts"])["blocks"][-1]["type"] == (
        "actions"
    )
    assert ops(harness.engine)["Rotate TLS certificates"].id == op_id


# ------------------------------------------------------------------ ack first


@pytest.fixture
def serving(harness) -> BotHarness:
    """The app as ``serve`` runs it: each request is acknowledged as soon as its listener
    calls ``ack()``, while the listener carries on (Slack gives 3 seconds)."""
    app = build_app(harness.settings, engine=harness.engine)
    return BotHarness(
        app=app,
        standin=harness.standin,
        engine=harness.engine,
        secret=SIGNING_SECRET,
        settings=harness.settings,
    )


def test_a_url_import_is_acknowledged_before_the_file_is_fetched(serving, monkeypatch) -> None:
    from bot.usecases.runbook import importing
    from bot.usecases.runbook.fetch import Fetched

    acked = threading.Event()
    fetched_after_ack: list[bool] = []

    def fetch(url: str, **_: Any) -> Fetched:
        fetched_after_ack.append(acked.wait(5))  # a slow server: Slack must have its ack
        return Fetched(url=url, text=RUNBOOK_MD, content_type="text/markdown")

    monkeypatch.setattr(importing, "fetch_runbook", fetch)
    alice = serving.user()
    answer = alice.command("runbook import https://docs.example.com/ops/runbook.md")
    assert answer.status == 200  # acknowledged while the fetch was still waiting
    acked.set()
    preview = serving.standin.wait_for("response_url")
    assert "Import preview for platform" in words(preview.params)
    assert fetched_after_ack == [True]


def test_saving_the_form_is_acknowledged_before_the_list_is_refreshed(serving, monkeypatch) -> None:
    from bot.slack import answer as answer_module

    acked = threading.Event()
    told_after_ack: list[bool] = []
    real = answer_module.WebhookClient

    class SlowWebhook(real):  # type: ignore[misc, valid-type]
        def send(self, **kwargs: Any):  # type: ignore[no-untyped-def]
            told_after_ack.append(acked.wait(5))
            return super().send(**kwargs)

    alice = serving.user()
    add(alice, '"Restart stuck workers" daily 5m')
    serving.standin.wait_for("response_url", count=1)
    alice.command("runbook")
    listing = serving.standin.wait_for("response_url", count=2)
    monkeypatch.setattr(answer_module, "WebhookClient", SlowWebhook)
    op_id = ops(serving.engine)["Restart stuck workers"].id
    click(alice, listing.params, f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    serving.standin.wait_for("views.open")
    answer = alice.submit(
        last_view(serving.standin),
        form_values(**{BlockId.RUNBOOK_MINUTES: {"type": "number_input", "value": "7"}}),
    )
    assert answer.status == 200 and not answer.body  # closed, before the list was told
    acked.set()
    serving.standin.wait_for(lambda c: c.method == "response_url" and "Saved" in str(c.params))
    assert told_after_ack == [True]
    assert ops(serving.engine)["Restart stuck workers"].minutes == 7


# ------------------------------------------------------------------ hostile text everywhere


def _parsed_texts(standin) -> list[str]:
    """Every text Slack would parse for mentions and links in what the app sent: message
    fallbacks and each mrkdwn object, in messages, replies, DMs and modals."""
    out: list[str] = []
    for call in standin.calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            out += mrkdwn(
                {"text": call.params.get("text", ""), "blocks": call.params.get("blocks")}
            )
        elif call.method.startswith("views."):
            out += mrkdwn({"blocks": (call.params.get("view") or {}).get("blocks")})[1:]
    out += [t for p in standin.response_url_posts() for t in mrkdwn(p.body)]
    return out


def test_hostile_words_stay_words_in_every_message_dm_and_modal(harness) -> None:
    """Titles, sections, notes, reasons, team names and typos quoting them back: none of
    them ever pings a channel, mentions someone or turns into a link."""
    alice = harness.user()
    add(alice, f'"{HOSTILE}" daily 30m <!here> Ops & Co')  # a hostile team name too
    add(alice, f'"{HOSTILE} again"')  # a mistake that quotes the title back
    add(alice, f'"{HOSTILE}" daily 30m')  # the channel's own team this time
    add(alice, '"Clear the cache" daily 90m')  # costlier: a nudge for the cheap one below
    op_id = ops(harness.engine)[HOSTILE].id
    listing = show(alice)
    click(alice, listing, f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    alice.submit(
        last_view(harness.standin),
        form_values(
            **{
                BlockId.RUNBOOK_SECTION: {"type": "plain_text_input", "value": HOSTILE},
                BlockId.RUNBOOK_BROKEN: {
                    "type": "checkboxes",
                    "selected_options": [{"value": "fails"}],
                },
                BlockId.RUNBOOK_BROKEN_NOTE: {"type": "plain_text_input", "value": HOSTILE},
            }
        ),
    )
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="date")
    [reminder] = reminders(harness.engine)
    harness.sender().send_due(now=reminder.next_due_at + timedelta(minutes=1))
    message, _ = alice.find_button(BlockId.REMINDER_ACTIONS)
    _, keep = element(message["blocks"], ActionId.REMINDER_KEEP_MANUAL)
    alice.click_button(message, {**keep, "block_id": BlockId.REMINDER_ACTIONS})
    alice.submit(
        last_view(harness.standin),
        form_values(**{BlockId.RUNBOOK_REASON: {"type": "plain_text_input", "value": HOSTILE}}),
    )
    show(alice)
    pasted = f"# {HOSTILE}\n- {HOSTILE} (5 min)\n- *bold* &amp; <#C0X|ops> step\n"
    click(alice, show(alice), ActionId.RUNBOOK_PASTE)
    shown = alice.submit(
        last_view(harness.standin),
        form_values(**{BlockId.RUNBOOK_TEXT: {"type": "plain_text_input", "value": pasted}}),
    ).json()
    alice.submit({**shown["view"], "id": last_view(harness.standin)["id"]}, {})
    alice.message_shortcut(
        CallbackId.RUNBOOK_ADD_STEPS,
        {"type": "message", "ts": "1.9", "text": f"- {HOSTILE.replace('<', '&lt;')} step"},
    )
    alice.command("runbook <!here> Ops & Co")

    texts = _parsed_texts(harness.standin)
    assert len(texts) > 40
    for text in texts:
        for live in ("<!channel>", "<!here>", "<@U0BOSS>", "<https://evil"):
            assert live not in text, text
    everything = "\n".join(texts)
    assert "&lt;!channel&gt; Rotate &lt;@U0BOSS&gt; &amp; &lt;https://evil.example|certs&gt;" in (
        everything
    )
    assert "Keeping “&lt;!channel&gt;" in everything  # the reason, in the settled reminder
    assert "&lt;!here&gt; Ops &amp; Co" in everything  # the team name
    assert ops(harness.engine)[HOSTILE].keep_manual_reason == HOSTILE  # stored as typed


# ------------------------------------------------------------------ twice, at once


def test_two_senders_at_once_deliver_a_reminder_once(harness) -> None:
    """Two serving processes sweep at the same minute: the claim lets one of them send."""
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="2weeks")
    [reminder] = reminders(harness.engine)
    now = reminder.next_due_at + timedelta(minutes=1)
    senders = [harness.sender(), harness.sender()]
    senders[1].owner = "another-host:1"
    barrier = threading.Barrier(2)

    def sweep(sender) -> None:
        barrier.wait()
        sender.send_due(now=now, kind=ScheduleKind.REMINDER)

    threads = [threading.Thread(target=sweep, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for sender in senders:  # and again, later: nothing more
        sender.send_due(now=now + timedelta(hours=1), kind=ScheduleKind.REMINDER)
    delivered = [m for m in alice.dm_messages() if "Time to script" in words(m)]
    assert len(delivered) == 1
    assert reminders(harness.engine) == []  # a one-off: done once sent


def test_the_import_modal_submitted_twice_at_once_imports_once(harness) -> None:
    alice = harness.user()
    alice.message_shortcut(
        CallbackId.RUNBOOK_ADD_STEPS,
        {"type": "message", "ts": "1.7", "text": "- Prune images\n- Rotate keys\n- Drain nodes"},
    )
    view = last_view(harness.standin)
    barrier = threading.Barrier(2)
    answers = []

    def submit() -> None:
        barrier.wait()
        answers.append(alice.submit(view, {}))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status for a in answers] == [200, 200]
    assert sorted(ops(harness.engine)) == ["Drain nodes", "Prune images", "Rotate keys"]
    said = [words(b) for b in replies(harness.standin)]
    assert sum("Imported 3 operations" in t for t in said) == 1
    assert sum("Already imported" in t for t in said) == 1
    with session_scope(harness.engine) as s:
        row = s.exec(select(RunbookImport)).one()
    assert (row.status, row.added) == ("imported", 3)


def test_scripted_submitted_twice_records_it_once(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(alice, '"Restart workers" daily 5m')
    click(alice, show(alice), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday")
    [reminder] = reminders(harness.engine)
    harness.sender().send_due(now=reminder.next_due_at + timedelta(minutes=1))
    message, scripted = alice.find_button(BlockId.REMINDER_ACTIONS)
    alice.click_button(message, scripted)
    alice.click_button(message, scripted)  # a double click opens the same question twice
    first, second = harness.standin.views("U0ALICE")[-2:]
    link = {
        BlockId.RUNBOOK_SCRIPT_URL: {
            "type": "url_text_input",
            "value": "https://git.example.com/ops/certs.sh",
        }
    }
    posts_before = len(harness.standin.calls_to("chat.postMessage"))
    for view in (first, second):
        assert alice.submit(view, form_values(**link)).status == 200
    row = ops(harness.engine)["Rotate TLS certificates"]
    assert (row.scripted, row.script_url) == (True, "https://git.example.com/ops/certs.sh")
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        history = criterion_history(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            criterion_id="scripted.ops_80pct",
        )
    assert [h.value for h in history] == [0.0, 50.0]  # scripted once, not twice
    # Both answers settle the same reminder message; no new message is posted.
    assert len(harness.standin.calls_to("chat.postMessage")) == posts_before
    settled = harness.standin.message(alice.dm, message["ts"])
    assert not [b for b in settled["blocks"] if b.get("type") == "actions"]


def test_ids_too_long_to_be_ours_get_a_friendly_answer(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    harness.standin.clear()
    huge = "9" * 30
    for action_id in (
        f"{ActionId.RUNBOOK_EDIT}:{huge}",
        f"{ActionId.RUNBOOK_REMOVE}:{huge}",
        f"{ActionId.RUNBOOK_SHOW}:{huge}",
        f"{ActionId.REMINDER_SNOOZE}:{huge}",
    ):
        _crafted(alice, action_id, huge)
    _crafted(alice, f"{ActionId.RUNBOOK_REMIND_TOP}:1", f"{huge},{huge}")
    said = "\n".join(_everything_said(harness.standin))
    assert "Something went wrong" not in said
    answers = [p.body["text"] for p in harness.standin.response_url_posts()]
    assert len(answers) == 5
    assert all("gone from the runbook" in a or "can't find that team" in a for a in answers)
    assert len(ops(harness.engine)) == 1


# ------------------------------------------------------------------ issue 11: no silent demotion


def run_checkin(user, policy) -> list[str]:
    """Answer every question the check-in asks with ``policy`` (a click when a button
    carries the answer, else typed); the question ids in asking order."""
    asked: list[str] = []
    for _ in range(25):
        qid = user.current_question()
        if qid is None:
            return asked
        asked.append(qid)
        value = policy(question(qid))
        if any(o.value == value for o in question(qid).options):
            assert user.click(qid, value).status == 200
        else:
            assert user.say(value).status == 200
    raise AssertionError(f"the check-in did not finish: {asked}")


def team_row(engine) -> Team:
    with session_scope(engine) as s:
        return s.exec(select(Team).where(Team.channel_id == CHANNEL)).one()


def board_text(user) -> str:
    user.command("board")
    return words(last(user.standin))


def scripted_row(text: str) -> str:
    """The board's lines about the scripted share (its row and the evidence under it)."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "routine operations run from a script" in line)
    return "\n".join(lines[at : at + 2])


def test_listing_manual_jobs_never_demotes_a_level_one_team(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, team_at_level(1))
    assert team_row(harness.engine).level == 1
    # The team writes down the jobs it still does by hand: none of them scripted.
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(alice, '"Restart stuck workers" daily 5m')
    add(alice, '"Renew the domain" yearly 20m')
    assert team_row(harness.engine).level == 1
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.status, entry.source) == ("met", "assessment")  # the check-in's answer
    text = board_text(alice)
    assert "is at Level 1" in text
    row = scripted_row(text)
    assert "*Met*" in row and "check-in" in row
    assert "from your runbook: 0 of 3 operations scripted (0%)" in row  # the source, always
    assert "the answer from your check-in stands" in row
    assert "(0%) — runbook" not in text
    # The next check-in asks for the share (the runbook is not a census) and keeps Level 1.
    alice.command("assess")
    asked = run_checkin(alice, team_at_level(1))
    assert "scripted.ops_80pct" in asked
    assert team_row(harness.engine).level == 1
    # "Only some": nothing moves.
    click(alice, show(alice), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.SOME)
    assert "stays evidence" in words(last(harness.standin))
    assert board(harness.engine)["scripted.ops_80pct"].source == "assessment"
    assert team_row(harness.engine).runbook_complete is False


def test_saying_the_runbook_lists_everything_is_told_and_can_be_taken_back(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, team_at_level(1))
    add(alice, '"Rotate TLS certificates" weekly 30m')
    add(alice, '"Restart stuck workers" daily 5m')
    click(alice, show(alice), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    noted = words(last(harness.standin))
    # Not silent: the person is told the share costs Level 1 now (the level follows).
    assert "lists all of *platform*'s operations" in noted
    assert "the team was at Level 1, and is at Level 0" in noted
    assert team_row(harness.engine).level == 0
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.status, entry.value, entry.source) == ("not_met", 0.0, "runbook")
    row = scripted_row(board_text(alice))
    assert "*Not met*" in row and "runbook" in row
    assert "It lists all of your operations, so this is your scripted share." in row
    # The next check-in takes the share as known (and records it again as its own).
    alice.command("assess")
    assert "scripted.ops_80pct" not in run_checkin(alice, team_at_level(1))
    assert team_row(harness.engine).level == 0
    assert "(0%) — runbook" in scripted_row(board_text(alice))  # still credited to the runbook
    # Taken back ("It lists only some"): the board is the person's answer again.
    listing = show(alice)
    scope = next(b for b in listing["blocks"] if b.get("block_id") == BlockId.RUNBOOK_SCOPE)
    assert scope["accessory"]["text"]["text"] == "It lists only some"
    click(alice, listing, f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.SOME)
    entry = board(harness.engine)["scripted.ops_80pct"]
    assert (entry.status, entry.source, entry.updated_by) == ("met", "assessment", "U0ALICE")
    assert team_row(harness.engine).level == 1  # and the level comes back at once
    alice.command("assess")  # and the check-in asks again
    assert "scripted.ops_80pct" in run_checkin(alice, team_at_level(1))
    assert team_row(harness.engine).level == 1


def test_only_the_creator_an_owner_or_an_admin_says_what_the_runbook_covers(harness) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    bob = harness.user("U0BOB")
    click(bob, show(bob), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    assert "Only the team's creator" in last(harness.standin)["text"]
    assert team_row(harness.engine).runbook_complete is None
    assert "scripted.ops_80pct" not in board(harness.engine)
    harness.standin.add_user("U0ADMIN", is_admin=True)
    admin = harness.user("U0ADMIN")
    click(admin, show(admin), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.SOME)
    assert team_row(harness.engine).runbook_complete is False


# ------------------------------------------------------------------ issue 11: verbs, not teams


def team_names(engine) -> list[str]:
    with session_scope(engine) as s:
        return sorted(t.name for t in s.exec(select(Team)))


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ('remove "Rotate TLS certificates"', "click *Remove* beside it"),
        ('delete "Rotate TLS certificates"', "click *Remove* beside it"),
        ("edit Rotate", "click *Edit* beside it"),
        ('remvoe "Rotate TLS certificates"', "if you meant *remove*"),
    ],
)
def test_a_button_verb_explains_the_button_and_creates_no_team(harness, typed, says) -> None:
    alice = harness.user()
    add(alice, '"Rotate TLS certificates" weekly 30m')
    assert alice.command(f"runbook {typed}").status == 200
    answer = last(harness.standin)
    assert says in words(answer)
    assert "I don't know a team called" not in words(answer)
    assert op_ids_in(answer) == [ops(harness.engine)["Rotate TLS certificates"].id]  # the list
    assert team_names(harness.engine) == ["platform"]
    assert len(ops(harness.engine)) == 1


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (
            'ad "Rotate TLS certificates" weekly 30m',
            '`/maturity runbook add "Rotate TLS certificates" weekly 30m`',
        ),
        (
            "imprt https://x.example/runbook.md",
            "`/maturity runbook import https://x.example/runbook.md`",
        ),
        ("hepl", "`/maturity runbook help`"),
    ],
)
def test_a_near_miss_of_a_verb_suggests_it_and_does_nothing(harness, typed, meant) -> None:
    alice = harness.user()
    assert alice.command(f"runbook {typed}").status == 200
    text = last(harness.standin)["text"]
    assert "Did you mean" in text and meant in text
    assert ops(harness.engine) == {}
    assert team_names(harness.engine) == ["platform"]


def test_words_that_name_a_team_show_that_team_even_when_they_look_like_a_verb(harness) -> None:
    for name in ("Editors", "Remove Me"):
        channel_team(harness, channel_id=f"C0{name[:4].upper()}", channel_name=name)
    alice = harness.user()
    for typed in ("Editors", "Remove Me", "list Editors"):
        alice.command(f"runbook {typed}")
        shown = last(harness.standin)
        header = next(b for b in shown["blocks"] if b["type"] == "header")
        assert header["text"]["text"].endswith(typed.removeprefix("list "))
    alice.command("runbook Payments Platform")  # no verb, no such team: a team name
    assert "Payments Platform" in last(harness.standin)["text"]


def test_a_runbook_said_to_list_everything_says_what_a_new_manual_step_costs(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, team_at_level(1))
    add(alice, '"Rotate TLS certificates" weekly 30m')
    op_id = ops(harness.engine)["Rotate TLS certificates"].id
    click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{op_id}")
    scripted = {"type": "checkboxes", "selected_options": [{"value": "scripted"}]}
    alice.submit(last_view(harness.standin), form_values(**{BlockId.RUNBOOK_SCRIPTED: scripted}))
    click(alice, show(alice), f"{ActionId.RUNBOOK_SHOW}:", value=RunbookScopeAction.ALL)
    assert "below Level 1" not in words(last(harness.standin))  # 1 of 1: over the bar
    assert board(harness.engine)["scripted.ops_80pct"].status == "met"
    add(alice, '"Restart stuck workers" daily 5m')
    said = words(last(harness.standin))
    assert "under the bar" in said and "was at Level 1, and is at Level 0" in said
    assert team_row(harness.engine).level == 0  # the level follows the runbook at once
    assert board(harness.engine)["scripted.ops_80pct"].status == "not_met"
    add(alice, '"Renew the domain" yearly 20m')  # already not met: said once, not again
    assert "under the bar" not in words(last(harness.standin))


# ------------------------------------------------------------------ issue 11: honest numbers


def test_a_tiny_toil_is_said_plainly(harness) -> None:
    alice = harness.user()
    add(alice, '"Renew the domain" yearly 1m')
    said = words(last(harness.standin))
    assert "— *under 1 min of toil a month*" in said
    assert "about *under" not in said and "about under" not in said


def test_per_deploy_toil_uses_the_teams_deploy_rate_once_a_checkin_gave_it(harness) -> None:
    alice = harness.user()
    add(alice, '"Approve the deploy" per-deploy 5m')
    said = words(last(harness.standin))
    assert "*about 2.5 h of toil a month* if you ship one deploy a day (assumed" in said
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        s.add(
            Assessment(
                workspace_id=team.workspace_id,
                team_id=team.id,
                user_id="U0ALICE",
                status=AssessmentStatus.COMPLETED,
                answers={"context.deploys_per_day": "4"},
                completed_at=datetime.now(UTC),
            )
        )
    listing = words(show(alice))
    assert "every deploy · 5 min a run · *10 h a month*" in listing  # 4 a day × 30 × 5 min
    assert "Per-deploy steps count 4 deploys a day (from your check-in)" in listing


def test_guessed_minutes_are_asked_for_in_the_form_and_kept_until_given(harness) -> None:
    alice = harness.user()
    click(alice, show(alice), ActionId.RUNBOOK_PASTE)
    paste = last_view(harness.standin)
    text = {"type": "plain_text_input", "value": "- Drain the node\n"}
    preview = alice.submit(paste, form_values(**{BlockId.RUNBOOK_TEXT: text})).json()["view"]
    alice.submit({**preview, "id": paste["id"]}, {})  # imported as guessed
    row = ops(harness.engine)["Drain the node"]
    assert (row.minutes, row.minutes_guessed) == (10, True)
    assert "10 min a run _(a guess)_" in words(show(alice))
    click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{row.id}")
    form = last_view(harness.standin)
    minutes = next(b for b in form["blocks"] if b.get("block_id") == BlockId.RUNBOOK_MINUTES)
    assert minutes["optional"] is True and "initial_value" not in minutes["element"]
    empty = {"type": "number_input", "value": None}
    alice.submit(form, form_values(**{BlockId.RUNBOOK_MINUTES: empty}))
    assert ops(harness.engine)["Drain the node"].minutes_guessed is True  # the guess stays
    click(alice, show(alice), f"{ActionId.RUNBOOK_EDIT}:{row.id}")
    given = {"type": "number_input", "value": "25"}
    alice.submit(last_view(harness.standin), form_values(**{BlockId.RUNBOOK_MINUTES: given}))
    row = ops(harness.engine)["Drain the node"]
    assert (row.minutes, row.minutes_guessed) == (25, False)
    listing = words(show(alice))
    assert "25 min a run ·" in listing and "(a guess)" not in listing


def test_minutes_given_on_one_page_of_the_preview_survive_to_the_import(harness) -> None:
    alice = harness.user()
    click(alice, show(alice), ActionId.RUNBOOK_PASTE)
    paste = last_view(harness.standin)
    steps = "\n".join(f"- Check shard {i:02d}" for i in range(30))
    text = {"type": "plain_text_input", "value": steps}
    first = alice.submit(paste, form_values(**{BlockId.RUNBOOK_TEXT: text})).json()["view"]
    assert "page 1 of 2" in words(first)
    given = {"type": "number_input", "value": "7"}
    second = alice.submit(
        {**first, "id": paste["id"]},
        form_values(**{f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}0": given}),
    ).json()["view"]
    assert "page 2 of 2" in words(second)
    assert ops(harness.engine) == {}
    late = {"type": "number_input", "value": "1h"}  # typed as people type it
    alice.submit(
        {**second, "id": paste["id"]},
        form_values(**{f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}29": late}),
    )
    imported = ops(harness.engine)
    assert len(imported) == 30
    assert (imported["Check shard 00"].minutes, imported["Check shard 00"].minutes_guessed) == (
        7,
        False,
    )
    assert (imported["Check shard 29"].minutes, imported["Check shard 29"].minutes_guessed) == (
        60,
        False,
    )
    assert imported["Check shard 01"].minutes_guessed is True
