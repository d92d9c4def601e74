"""Weekly check-ins with a team's owners, end to end (issue 13): signed requests through
the real Bolt app, the scheduler's sender with time travel (``send_due(now=…)`` and the
app's clock), the Slack stand-in recording every DM.

Scheduled by slash command in each owner's own time zone; the DM at the due minute to each
owner, answered by clicks onto the board (source ``check-in``) with the level change
announced; the one reminder and the missed close; away (and the digest saying so); exactly
once with two senders and one catch-up after downtime; the CLI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.local.standin import SlackStandIn
from bot.slack.ids import ActionId, BlockId, CallbackId
from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import (
    Calibration,
    CheckIn,
    CheckInStatus,
    Claim,
    CriterionEvent,
    CriterionStatus,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.schedules import create_schedule
from storage.types import set_clock, utcnow
from storage.workspaces import ensure_channel_team, get_or_create_workspace, set_owners

from .test_board import announce, level_posts, validated, words
from .test_digest import _sender_for
from .test_runbook import mrkdwn

CHANNEL = "C0PLATFORM"
ALICE, BOB = "U0ALICE", "U0BOB"
STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")
# Monday 7 December 2026, 10:00 in each owner's zone.
ALICE_DUE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Europe/Berlin (UTC+1)
BOB_DUE = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # America/New_York (UTC-5)


# ------------------------------------------------------------------ helpers


def make_team(engine, *, owners=(ALICE, BOB), channel: str = CHANNEL, name: str = "platform"):
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T0STANDIN")
        team, _ = ensure_channel_team(
            session=s, workspace_id=ws.id, channel_id=channel, channel_name=name, user_id=owners[0]
        )
        set_owners(session=s, workspace_id=ws.id, team_id=team.id, owners=list(owners))
        return team.id


def people(standin: SlackStandIn) -> None:
    standin.add_user(ALICE, name="alice", tz="Europe/Berlin")
    standin.add_user(BOB, name="bob", tz="America/New_York")


def scheduled(harness, *, text: str = "checkin schedule", by: str = ALICE) -> None:
    """The owners' check-ins, scheduled by slash command on Sunday 6 December 2026."""
    set_clock(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    answer = harness.user(by).command(text)
    assert answer.status == 200
    assert "Done:" in harness.standin.ephemerals()[-1]["text"]


def schedules(engine, kind: str = ScheduleKind.CHECKIN) -> list[Schedule]:
    with session_scope(engine) as s:
        return list(s.exec(select(Schedule).where(Schedule.kind == kind).order_by(Schedule.id)))


def checkin_messages(standin: SlackStandIn, user: str) -> list[dict]:
    return [
        m
        for m in standin.messages(standin.dm_channel_id(user))
        if any(b.get("block_id") == BlockId.CHECKIN_INTRO for b in m.get("blocks") or [])
    ]


def replies(standin: SlackStandIn, user: str, ts: str) -> list[dict]:
    return [
        m
        for m in standin.messages(standin.dm_channel_id(user))
        if m.get("thread_ts") == ts and m["ts"] != ts
    ]


def question_ids(message: dict) -> list[str]:
    """The criteria a check-in asks: the blocks holding answer buttons."""
    return [
        b["block_id"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        and any(
            str(e.get("action_id", "")).startswith(ActionId.CHECKIN_ANSWER)
            for e in b.get("elements") or []
        )
    ]


def checkins(engine) -> list[CheckIn]:
    with session_scope(engine) as s:
        return list(s.exec(select(CheckIn).order_by(CheckIn.id)))


def sweep(harness, now: datetime):
    """The scheduler's minute sweep at ``now`` (the app's clock there too)."""
    set_clock(now)
    return harness.sender().send_due(now=now)


# ------------------------------------------------------------------ item 1: the schedule


def test_schedule_uses_each_owners_own_time_zone_and_shows_on_the_team_card(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    scheduled(harness)
    said = harness.standin.ephemerals()[-1]["text"]
    assert "every Monday at 10:00 in each owner's own time zone" in said
    rows = schedules(harness.engine)
    assert [(r.user_id, r.tz, r.next_due_at) for r in rows] == [
        (ALICE, "Europe/Berlin", ALICE_DUE),
        (BOB, "America/New_York", BOB_DUE),
    ]
    assert harness.user(ALICE).command("team").status == 200
    card = words(harness.standin.ephemerals()[-1]) + str(harness.standin.ephemerals()[-1])
    assert "Weekly check-ins" in card and "Mondays at 10:00" in card


def test_a_given_zone_and_time_apply_to_every_owner_and_off_stops_them(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    scheduled(harness, text="checkin schedule thursday 4:30pm Asia/Tokyo")
    rows = schedules(harness.engine)
    assert {r.tz for r in rows} == {"Asia/Tokyo"} and {r.weekday for r in rows} == {3}
    # Thursday 10 December 2026, 16:30 in Tokyo (UTC+9).
    assert {r.next_due_at for r in rows} == {datetime(2026, 12, 10, 7, 30, tzinfo=UTC)}
    harness.user(ALICE).command("checkin off")
    assert "are off" in harness.standin.ephemerals()[-1]["text"]
    assert not any(r.active for r in schedules(harness.engine))
    assert harness.sender().send_due(now=datetime(2026, 12, 10, 8, 0, tzinfo=UTC)) == []


def test_only_owners_or_admins_change_the_schedule(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    harness.standin.add_user("U0MALLORY", name="mallory")
    harness.user("U0MALLORY").command("checkin schedule")
    assert "Only" in harness.standin.ephemerals()[-1]["text"]
    assert schedules(harness.engine) == []


@pytest.mark.parametrize(
    ("args", "named"),
    [("someday 10:00", "someday"), ("monday 25:00", "25:00"), ("monday 10:00 Mars/Base", "Mars")],
)
def test_a_bad_schedule_names_the_bad_part(harness, args, named) -> None:
    people(harness.standin)
    make_team(harness.engine)
    harness.user(ALICE).command(f"checkin schedule {args}")
    assert named in harness.standin.ephemerals()[-1]["text"]
    assert schedules(harness.engine) == []


# ------------------------------------------------------------------ item 2: the conversation


def test_each_owner_gets_one_dm_at_their_due_minute_and_clicks_move_the_board(harness) -> None:
    people(harness.standin)
    team_id = make_team(harness.engine)
    scheduled(harness)
    assert sweep(harness, ALICE_DUE - timedelta(minutes=1)) == []
    reports = sweep(harness, ALICE_DUE)
    assert [(r.kind, r.outcome) for r in reports] == [("checkin", "sent")]
    [dm] = checkin_messages(harness.standin, ALICE)
    validated(dm["blocks"])
    assert question_ids(dm) == list(STEP_1)  # the open criteria of the team's first step
    assert checkin_messages(harness.standin, BOB) == []  # his 10:00 is later
    assert [r.outcome for r in sweep(harness, BOB_DUE)] == ["sent"]
    assert len(checkin_messages(harness.standin, BOB)) == 1
    assert sweep(harness, BOB_DUE + timedelta(minutes=1)) == []  # once a week

    alice = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    set_clock(ALICE_DUE + timedelta(minutes=5))
    before = len(harness.standin.calls_to("views.publish"))
    assert alice.click("scripted.ops_80pct", "90").status == 200
    assert alice.click("scripted.newcomers_use_scripts", "yes").status == 200
    assert alice.click("scripted.in_version_control", "yes").status == 200
    # The App Home follows, for the people of the team (the one who answered, the owners).
    homes = [c for c in harness.standin.calls_to("views.publish")[before:] if c.ok]
    assert {c.params["user_id"] for c in homes} == {ALICE, BOB}
    mine = [c.params["view"] for c in homes if c.params["user_id"] == ALICE][-1]
    assert "Level 1" in str(mine["blocks"])
    with session_scope(harness.engine) as s:
        board = s.exec(select(CriterionStatus).where(CriterionStatus.team_id == team_id)).all()
        events = s.exec(select(CriterionEvent).where(CriterionEvent.team_id == team_id)).all()
        team = s.exec(select(Team).where(Team.id == team_id)).one()
    assert {(b.criterion_id, b.status, b.source) for b in board} == {
        (cid, Status.MET, "check-in") for cid in STEP_1
    }
    assert {(e.source, e.user_id, e.old_status) for e in events} == {
        ("check-in", ALICE, Status.UNKNOWN)
    }
    assert team.level == 1
    [dm] = checkin_messages(harness.standin, ALICE)  # the same message, re-rendered
    shown = words(dm)
    assert "80% or more" in shown and "All answered" in shown
    assert question_ids(dm) == []  # closed: no buttons left
    assert [c.status for c in checkins(harness.engine) if c.user_id == ALICE] == ["answered"]
    announce(harness)
    [post] = level_posts(harness)
    assert "Level 1" in post["blocks"][0]["text"]["text"] and "check-in" in words(post)
    # Bob's check-in was asked before the level moved; a later click still counts.
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    assert bob.click("scripted.in_version_control", "no").status == 200
    with session_scope(harness.engine) as s:
        assert s.exec(select(Team).where(Team.id == team_id)).one().level == 0


def test_the_reminder_comes_once_after_the_window_then_it_closes_as_missed(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(BOB,))
    scheduled(harness, by=BOB)
    sweep(harness, BOB_DUE)
    [dm] = checkin_messages(harness.standin, BOB)
    before = dm
    assert sweep(harness, BOB_DUE + timedelta(hours=23)) == []
    reminded = sweep(harness, BOB_DUE + timedelta(hours=24))
    assert [(r.kind, r.outcome) for r in reminded] == [("checkin_followup", "sent")]
    [nudge] = replies(harness.standin, BOB, dm["ts"])
    assert "3 questions still open" in nudge["text"]
    assert sweep(harness, BOB_DUE + timedelta(hours=25)) == []  # one reminder only
    closed = sweep(harness, BOB_DUE + timedelta(hours=48))
    assert [(r.kind, r.outcome, r.detail) for r in closed] == [
        ("checkin_followup", "sent", "missed")
    ]
    [dm] = checkin_messages(harness.standin, BOB)
    assert question_ids(dm) == [] and "closed unanswered" in words(dm)
    assert len(replies(harness.standin, BOB, dm["ts"])) == 1
    assert [c.status for c in checkins(harness.engine)] == [CheckInStatus.MISSED]
    # A click on the old buttons (a client that did not refresh) is told, and changes nothing.
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    block = next(b for b in before["blocks"] if b.get("block_id") == STEP_1[0])
    answer = bob.click_button(before, {**block["elements"][0], "block_id": STEP_1[0]})
    assert answer.status == 200
    assert "has closed" in harness.standin.ephemerals()[-1]["text"]
    with session_scope(harness.engine) as s:
        assert s.exec(select(CriterionStatus)).all() == []


def test_an_answered_checkin_gets_no_reminder(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(BOB,))
    scheduled(harness, by=BOB)
    sweep(harness, BOB_DUE)
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    set_clock(BOB_DUE + timedelta(hours=1))
    for cid in STEP_1:
        bob.click(cid, "skip" if cid != "scripted.in_version_control" else "partly")
    [dm] = checkin_messages(harness.standin, BOB)
    assert [(r.outcome) for r in sweep(harness, BOB_DUE + timedelta(hours=24))] == ["skipped"]
    assert replies(harness.standin, BOB, dm["ts"]) == []


def test_a_typed_line_is_this_weeks_newly_scripted_work(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(BOB,))
    scheduled(harness, by=BOB)
    sweep(harness, BOB_DUE)
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    set_clock(BOB_DUE + timedelta(minutes=3))
    # The first open numeric question takes a typed figure ...
    assert bob.say("about 85%").status == 200
    assert checkins(harness.engine)[0].answers == {"scripted.ops_80pct": "85"}
    # ... anything else is what was newly scripted, shown in the check-in.
    assert bob.say("scripted the <!channel> cert rotation").status == 200
    [dm] = checkin_messages(harness.standin, BOB)
    assert "scripted the &lt;!channel&gt; cert rotation" in words(dm)
    assert checkins(harness.engine)[0].note == "scripted the <!channel> cert rotation"


def test_a_criterion_nobody_confirmed_for_90_days_is_asked_again(harness) -> None:
    people(harness.standin)
    team_id = make_team(harness.engine, owners=(BOB,))  # scheduled below by Bob
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team).where(Team.id == team_id)).one()
        for cid in STEP_1:
            record_criterion(
                session=s,
                workspace_id=team.workspace_id,
                team_id=team_id,
                criterion_id=cid,
                status=Status.MET,
                source="board",
                at=BOB_DUE - timedelta(days=100 if cid == STEP_1[1] else 10),
            )
        team.level = 1
        s.add(team)
    scheduled(harness, by=BOB)
    sweep(harness, BOB_DUE)
    [dm] = checkin_messages(harness.standin, BOB)
    asked = question_ids(dm)
    assert asked[:3] == [
        "iac.all_infra_as_code",
        "iac.env_from_scratch_1h",
        "iac.no_manual_changes",
    ]
    assert asked[3:] == [STEP_1[1]] and "nobody has confirmed it for 90 days" in words(dm)


def test_someone_who_owns_two_teams_gets_one_checkin_a_week(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(BOB,))
    make_team(harness.engine, owners=(BOB,), channel="C0SEARCH", name="search")
    scheduled(harness, by=BOB)
    harness.user(BOB, channel_id="C0SEARCH", channel_name="search").command("checkin schedule")
    reports = sweep(harness, BOB_DUE)
    assert sorted(r.outcome for r in reports if r.kind == "checkin") == ["sent", "skipped"]
    assert len(checkin_messages(harness.standin, BOB)) == 1
    # The next week it is the other team's turn: no team of his is left out.
    reports = sweep(harness, BOB_DUE + timedelta(weeks=1))
    assert sorted(r.outcome for r in reports if r.kind == "checkin") == ["sent", "skipped"]
    first, second = checkins(harness.engine)
    assert first.team_id != second.team_id and first.period != second.period
    assert len(checkin_messages(harness.standin, BOB)) == 2


def test_new_owners_get_the_checkin_and_former_owners_stop(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(ALICE,))
    scheduled(harness)
    assert [r.user_id for r in schedules(harness.engine)] == [ALICE]
    alice = harness.user(ALICE)
    assert alice.command(f"team owners <@{ALICE}|alice> <@{BOB}|bob>").status == 200
    active = [(r.user_id, r.tz, r.next_due_at) for r in schedules(harness.engine) if r.active]
    assert active == [(ALICE, "Europe/Berlin", ALICE_DUE), (BOB, "America/New_York", BOB_DUE)]
    assert alice.command(f"team owners <@{BOB}|bob>").status == 200
    assert [r.user_id for r in schedules(harness.engine) if r.active] == [BOB]
    assert [r.kind for r in sweep(harness, ALICE_DUE)] == []


# ------------------------------------------------------------------ item 4: calibration


def split_posts(standin: SlackStandIn, channel: str = CHANNEL) -> list[dict]:
    return [
        m
        for m in standin.messages(channel)
        if str((m.get("blocks") or [{}])[0].get("block_id", "")).startswith(
            BlockId.CALIBRATION_PREFIX
        )
    ]


def test_owners_who_disagree_are_named_once_and_an_owner_settles_it(harness) -> None:
    people(harness.standin)
    team_id = make_team(harness.engine)
    scheduled(harness)
    sweep(harness, ALICE_DUE)
    sweep(harness, BOB_DUE)
    alice = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    rollback = "scripted.in_version_control"
    set_clock(BOB_DUE + timedelta(minutes=5))
    alice.click(rollback, "yes")
    assert split_posts(harness.standin) == []  # one answer: nothing to compare
    bob.click(rollback, "no")
    [post] = split_posts(harness.standin)
    validated(post["blocks"])
    said = words(post)
    assert "1 says yes, 1 says no" in said and "<@U0ALICE>" in said and "<@U0BOB>" in said
    with session_scope(harness.engine) as s:
        row = s.exec(
            select(CriterionStatus).where(
                CriterionStatus.team_id == team_id, CriterionStatus.criterion_id == rollback
            )
        ).one()
        note = s.exec(select(CriterionEvent).order_by(CriterionEvent.id.desc())).first().note
    assert row.status == Status.NOT_MET  # counts as not met until settled
    assert "Split: 1 says yes, 1 says no" in note
    # The board shows the split too.
    assert harness.user(ALICE).command("board").status == 200
    assert "1 says yes, 1 says no" in str(harness.standin.ephemerals()[-1]["blocks"])
    # Alice changes her mind: still one message, kept up to date; the board waits.
    alice.click(rollback, "partly")
    [post] = split_posts(harness.standin)
    assert "1 says partly, 1 says no" in words(post)

    # Someone who is not an owner may not settle it.
    harness.standin.add_user("U0MALLORY", name="mallory")
    mallory = harness.user("U0MALLORY")
    button = next(
        e
        for b in post["blocks"]
        if b.get("block_id") == BlockId.CALIBRATION_ACTIONS
        for e in b["elements"]
    )
    mallory.click_button(post, {**button, "block_id": BlockId.CALIBRATION_ACTIONS})
    assert "Only" in harness.standin.ephemerals()[-1]["text"]
    assert [v for v in harness.standin.views("U0MALLORY") if v.get("type") == "modal"] == []

    # An owner settles it, and says why: recorded, the board and the level follow.
    assert bob.click(BlockId.CALIBRATION_ACTIONS, "not_met", channel=CHANNEL).status == 200
    [form] = [v for v in harness.standin.views(BOB) if v.get("type") == "modal"]
    nothing = bob.submit(form, {BlockId.CALIBRATION_WHY: {"value": {"value": "  "}}})
    assert BlockId.CALIBRATION_WHY in nothing.body  # asked again for why
    why = "the billing service's scripts are still on a laptop"
    done = bob.submit(form, {BlockId.CALIBRATION_WHY: {"value": {"value": why}}})
    assert done.status == 200
    [post] = split_posts(harness.standin)
    assert "Settled as *not met* by <@U0BOB>" in words(post) and "laptop" in words(post)
    assert not any(b.get("block_id") == BlockId.CALIBRATION_ACTIONS for b in post["blocks"])
    with session_scope(harness.engine) as s:
        last = s.exec(select(CriterionEvent).order_by(CriterionEvent.id.desc())).first()
    assert (last.criterion_id, last.user_id, last.source) == (rollback, BOB, "check-in")
    assert why in last.note
    # Settled: the next answers go onto the board as usual.
    alice.click("scripted.newcomers_use_scripts", "yes")
    assert len(split_posts(harness.standin)) == 1


def _modals(standin: SlackStandIn, user: str, callback_id: str) -> list[dict]:
    return [v for v in standin.views(user) if v.get("callback_id") == callback_id]


def _plain(blocks: list[dict]) -> list[str]:
    """The plain_text objects of context blocks (no mention, link or markup in them)."""
    return [
        e["text"]
        for b in blocks
        if b.get("type") == "context"
        for e in b.get("elements") or []
        if e.get("type") == "plain_text"
    ]


def _stored_notes(engine, rollback: str) -> tuple[list[dict], list[dict]]:
    with session_scope(engine) as s:
        reasons = [dict(r.reasons) for r in s.exec(select(CheckIn).order_by(CheckIn.id))]
        notes = [dict(c.notes) for c in s.exec(select(Calibration))]
    return reasons, notes


def test_a_note_with_an_answer_shows_in_the_split_everywhere_and_stays_inert(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    scheduled(harness)
    sweep(harness, ALICE_DUE)
    sweep(harness, BOB_DUE)
    alice = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    rollback = "scripted.in_version_control"
    question = f"{BlockId.CHECKIN_QUESTION_PREFIX}{rollback}"
    set_clock(BOB_DUE + timedelta(minutes=5))
    with pytest.raises(AssertionError):  # nothing answered yet: nothing to add a note to
        bob.find_button(question)
    assert alice.click(rollback, "yes").status == 200
    assert bob.click(rollback, "no").status == 200
    [post] = split_posts(harness.standin)
    assert not any(b.get("block_id") == BlockId.CALIBRATION_NOTES for b in post["blocks"])

    # Bob's answered question now offers *Add a note*: a small form.
    dm_message, add = bob.find_button(question)
    assert add["text"]["text"] == "Add a note" and add["value"] == rollback
    assert bob.click_button(dm_message, add).status == 200
    [form] = _modals(harness.standin, BOB, CallbackId.CHECKIN_NOTE)
    validated(form["blocks"])
    [field] = [b for b in form["blocks"] if b.get("block_id") == BlockId.CHECKIN_NOTE]
    assert field["element"]["max_length"] == 200

    # An empty note is refused in the form, kindly; nothing changes.
    empty = bob.submit(form, {BlockId.CHECKIN_NOTE: {"value": {"value": "   "}}})
    assert empty.status == 200
    assert BlockId.CHECKIN_NOTE in empty.body and "a few words" in empty.body
    assert _stored_notes(harness.engine, rollback) == ([{}, {}], [{}])

    # Someone else — even the team's other owner — can't add a note to Bob's check-in:
    # not by clicking his button, not by submitting his form.
    assert alice.click_button(dm_message, add).status == 200
    assert "someone else" in harness.standin.ephemerals(user=ALICE)[-1]["text"]
    assert _modals(harness.standin, ALICE, CallbackId.CHECKIN_NOTE) == []
    forged = alice.submit(form, {BlockId.CHECKIN_NOTE: {"value": {"value": "mine now"}}})
    assert forged.status == 200
    assert _stored_notes(harness.engine, rollback) == ([{}, {}], [{}])
    assert "mine now" not in str(harness.standin.messages())

    # Bob gives his reason; markup in it stays text.
    note = "rollback is manual for the billing service <!channel> *bold* <@U0ALICE>"
    assert bob.submit(form, {BlockId.CHECKIN_NOTE: {"value": {"value": note}}}).status == 200
    reasons, notes = _stored_notes(harness.engine, rollback)
    assert {rollback: note} in reasons and notes == [{BOB: note}]

    # The channel's message shows it, under the split, with Bob named.
    [post] = split_posts(harness.standin)
    validated(post["blocks"])
    assert "1 says yes, 1 says no" in words(post) and f"<@{BOB}> (no):" in words(post)
    assert f"“{note}”" in _plain(post["blocks"])
    # Bob's own check-in shows his note (escaped), and the button now edits it.
    mine = bob.find_button(question)[0]
    assert f"“{note}”" in _plain(validated(mine["blocks"]))
    assert bob.find_button(question)[1]["text"]["text"] == "Edit note"

    # The board shows the split with the reason under the criterion.
    assert harness.user(ALICE).command("board").status == 200
    board = validated(harness.standin.ephemerals()[-1]["blocks"])
    [split] = [b for b in board if b.get("block_id") == f"{BlockId.BOARD_SPLIT_PREFIX}{rollback}"]
    assert "1 says yes, 1 says no" in split["elements"][0]["text"]
    assert f"<@{BOB}> (no):" in split["elements"][1]["text"]
    assert _plain([split]) == [f"“{note}”"]

    # The Settle form shows it too.
    assert alice.click(BlockId.CALIBRATION_ACTIONS, "met", channel=CHANNEL).status == 200
    [settle] = _modals(harness.standin, ALICE, CallbackId.CHECKIN_SETTLE)
    validated(settle["blocks"])
    assert f"“{note}”" in _plain(settle["blocks"])

    # Nothing the bot sent let the note become a mention, a ping or markup Slack parses.
    parsed = [
        t
        for c in harness.standin.calls
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
        for t in mrkdwn({"text": c.params.get("text", ""), "blocks": c.params.get("blocks")})
    ]
    parsed += [
        t
        for c in harness.standin.calls
        if c.method.startswith("views.")
        for t in mrkdwn({"blocks": (c.params.get("view") or {}).get("blocks")})
    ]
    parsed += [t for e in harness.standin.ephemerals() for t in mrkdwn(e)]
    assert parsed and not [t for t in parsed if "<!channel>" in t or "*bold*" in t]


def test_a_note_given_before_the_answers_split_is_in_the_split(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    scheduled(harness)
    sweep(harness, ALICE_DUE)
    sweep(harness, BOB_DUE)
    alice = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    bob = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    rollback = "scripted.in_version_control"
    set_clock(BOB_DUE + timedelta(minutes=5))
    assert alice.click(rollback, "yes").status == 200
    assert alice.click(f"{BlockId.CHECKIN_QUESTION_PREFIX}{rollback}").status == 200
    [form] = _modals(harness.standin, ALICE, CallbackId.CHECKIN_NOTE)
    why = "every repo has its scripts in git"
    assert alice.submit(form, {BlockId.CHECKIN_NOTE: {"value": {"value": why}}}).status == 200
    assert split_posts(harness.standin) == []  # one answer: no split yet
    assert bob.click(rollback, "no").status == 200
    [post] = split_posts(harness.standin)
    assert f"<@{ALICE}> (yes):" in words(post) and f"“{why}”" in _plain(post["blocks"])


# ------------------------------------------------------------------ item 3: away


def test_away_pauses_checkins_and_a_team_whose_owners_are_all_away_says_so(harness) -> None:
    people(harness.standin)
    make_team(harness.engine)
    scheduled(harness)
    harness.user(ALICE).command("digest schedule monday 12:00 UTC")
    harness.user(ALICE).command("away 2w")
    assert "Away until" in harness.standin.ephemerals()[-1]["text"]
    reports = sweep(harness, ALICE_DUE)
    assert [(r.kind, r.outcome) for r in reports] == [("checkin", "skipped")]
    assert "away until" in reports[0].detail
    assert checkin_messages(harness.standin, ALICE) == []
    # Bob is here: the team's check-in goes to him, and the digest is its usual self.
    digest = sweep(harness, datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    assert [r.kind for r in digest] == ["digest"]
    assert "owners away" not in str(harness.standin.messages(CHANNEL))
    assert [r.outcome for r in sweep(harness, BOB_DUE)] == ["sent"]
    # The next week both are away: nobody is asked, and the digest says why it is quiet.
    set_clock(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    harness.user(BOB).command("away 2026-12-20")
    assert "Away until Monday 21 December" in harness.standin.ephemerals()[-1]["text"]
    week2 = sweep(harness, ALICE_DUE + timedelta(weeks=1))
    assert [(r.kind, r.outcome) for r in week2 if r.kind == "checkin"] == [("checkin", "skipped")]
    # (Bob's reminder of last week, long overdue, closed his check-in instead.)
    assert [c.status for c in checkins(harness.engine)] == [CheckInStatus.MISSED]
    digest = sweep(harness, datetime(2026, 12, 14, 12, 0, tzinfo=UTC))
    assert [r.kind for r in digest] == ["digest"]
    said = str(harness.standin.messages(CHANNEL))
    assert "owners away, check-in skipped" in said and "every owner is away" in said
    assert [r.outcome for r in sweep(harness, BOB_DUE + timedelta(weeks=1))] == ["skipped"]
    # Back early: the next week's check-in comes.
    set_clock(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))
    harness.user(ALICE).command("away off")
    assert "Welcome back" in harness.standin.ephemerals()[-1]["text"]
    assert [r.outcome for r in sweep(harness, ALICE_DUE + timedelta(weeks=2))] == ["sent"]


def test_away_takes_days_weeks_a_date_and_refuses_nonsense(harness) -> None:
    people(harness.standin)
    set_clock(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    alice = harness.user(ALICE)
    alice.command("away 3d")
    assert "Away until Wednesday 9 December" in harness.standin.ephemerals()[-1]["text"]
    alice.command("away sometime")
    assert "`2w`" in harness.standin.ephemerals()[-1]["text"]
    alice.command("away 2026-01-01")
    assert "passed" in harness.standin.ephemerals()[-1]["text"]


def test_away_pauses_the_reminder_too(harness) -> None:
    people(harness.standin)
    make_team(harness.engine, owners=(BOB,))
    scheduled(harness, by=BOB)
    sweep(harness, BOB_DUE)
    set_clock(BOB_DUE + timedelta(hours=2))
    harness.user(BOB).command("away 1w")
    [dm] = checkin_messages(harness.standin, BOB)
    assert [r.outcome for r in sweep(harness, BOB_DUE + timedelta(hours=24))] == ["skipped"]
    assert replies(harness.standin, BOB, dm["ts"]) == []


# ------------------------------------------------------------------ exactly once


def _seed(engine, *, due: datetime, user: str = ALICE, tz: str = "Europe/Berlin") -> int:
    team_id = make_team(engine, owners=(user,))
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T0STANDIN")
        return create_schedule(
            session=s,
            workspace_id=ws.id,
            kind=ScheduleKind.CHECKIN,
            next_due_at=due,
            channel_id=CHANNEL,
            user_id=user,
            tz=tz,
            weekday=0,
            time_of_day="10:00",
            payload={"team_id": team_id, "own_zone": True},
        ).id


def test_two_concurrent_senders_ask_each_person_once(db_url: str, standin) -> None:
    upgrade(db_url)
    people(standin)
    senders = [_sender_for(db_url, standin) for _ in range(2)]
    _seed(senders[0][1], due=ALICE_DUE)
    barrier = threading.Barrier(2)
    results: list = []

    def run(sender) -> None:
        barrier.wait()
        results.append(sender.send_due(now=ALICE_DUE + timedelta(minutes=1)))

    threads = [threading.Thread(target=run, args=(s,)) for s, _ in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = [r.outcome for batch in results for r in batch]
    assert outcomes.count("sent") == 1
    assert len(checkin_messages(standin, ALICE)) == 1
    assert len(checkins(senders[0][1])) == 1
    for _, engine in senders:
        engine.dispose()


def test_after_downtime_one_catch_up_and_older_weeks_skipped(harness) -> None:
    people(harness.standin)
    _seed(harness.engine, due=ALICE_DUE - timedelta(weeks=3))
    reports = sweep(harness, ALICE_DUE + timedelta(hours=2))
    assert [(r.period, r.outcome) for r in reports] == [
        ("2026-W47", "skipped"),
        ("2026-W50", "sent"),
    ]
    assert len(checkin_messages(harness.standin, ALICE)) == 1
    [row] = schedules(harness.engine)
    assert row.next_due_at == ALICE_DUE + timedelta(weeks=1)


def test_a_send_killed_after_posting_carries_on_without_posting_again(harness) -> None:
    from storage.checkins import start_checkin
    from storage.schedules import claim, save_progress

    people(harness.standin)
    sid = _seed(harness.engine, due=ALICE_DUE)
    # A sender wrote the check-in, posted its DM and checkpointed it, then was killed
    # (kill -9) before it could finish: its claim's lease runs out.
    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T0STANDIN").id
        team_id = s.exec(select(Team)).one().id
        start_checkin(
            session=s,
            workspace_id=ws,
            team_id=team_id,
            user_id=ALICE,
            period="2026-W50",
            schedule_id=sid,
            questions=list(STEP_1),
            respond_by=ALICE_DUE + timedelta(hours=24),
            sent_at=ALICE_DUE,
        )
    client = harness.sender().client_for(ws)
    dm = client.conversations_open(users=ALICE)["channel"]["id"]
    posted = client.chat_postMessage(channel=dm, text="(the check-in)")
    with session_scope(harness.engine) as s:
        held = claim(
            session=s,
            schedule_id=sid,
            period="2026-W50",
            owner="killed",
            now=ALICE_DUE,
            lease=timedelta(minutes=1),
        )
        save_progress(
            session=s,
            claim_id=held.id,
            progress={"ts": posted["ts"], "dm": dm},
            lease=timedelta(seconds=-1),
        )
    reports = sweep(harness, ALICE_DUE + timedelta(minutes=5))
    assert [r.outcome for r in reports] == ["sent"]
    assert len(harness.standin.messages(dm)) == 1  # nothing posted twice
    [row] = checkins(harness.engine)
    assert row.message_ts == posted["ts"] and row.dm_channel == dm
    assert len(schedules(harness.engine, ScheduleKind.CHECKIN_FOLLOWUP)) == 1


@pytest.mark.parametrize(
    ("tz", "first", "second"),
    [
        # Berlin springs forward on Sunday 29 March 2026: 10:00 is 09:00 UTC, then 08:00.
        (
            "Europe/Berlin",
            datetime(2026, 3, 23, 9, tzinfo=UTC),
            datetime(2026, 3, 30, 8, tzinfo=UTC),
        ),
        # New York falls back on Sunday 1 November 2026: 10:00 is 14:00 UTC, then 15:00.
        (
            "America/New_York",
            datetime(2026, 10, 26, 14, tzinfo=UTC),
            datetime(2026, 11, 2, 15, tzinfo=UTC),
        ),
    ],
)
def test_the_dm_comes_at_ten_local_either_side_of_a_clock_change(
    harness, tz, first, second
) -> None:
    people(harness.standin)
    _seed(harness.engine, due=first, tz=tz)

    def asked(now: datetime) -> list[str]:
        return [r.outcome for r in sweep(harness, now) if r.kind == ScheduleKind.CHECKIN]

    assert asked(first - timedelta(minutes=1)) == []
    assert asked(first) == ["sent"]
    assert asked(second - timedelta(minutes=1)) == []  # (last week's was closed meanwhile)
    assert asked(second) == ["sent"]
    assert len(checkin_messages(harness.standin, ALICE)) == 2


def test_an_hour_that_happens_twice_asks_once(harness) -> None:
    """Sunday 02:30 in Berlin happens twice on 25 October 2026: one check-in that week."""
    people(harness.standin)
    sid = _seed(harness.engine, due=datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    with session_scope(harness.engine) as s:
        row = s.exec(select(Schedule).where(Schedule.id == sid)).one()
        row.weekday, row.time_of_day = 6, "02:30"
        s.add(row)
    assert [r.outcome for r in sweep(harness, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))] == [
        "sent"
    ]
    again = sweep(harness, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    assert [r.outcome for r in again] == ["already-sent"]
    [row] = schedules(harness.engine)
    assert row.next_due_at == datetime(2026, 11, 1, 1, 30, tzinfo=UTC)  # not stuck
    assert len(checkin_messages(harness.standin, ALICE)) == 1


# ------------------------------------------------------------------ the CLI


def test_cli_send_now_twice_asks_each_owner_once(tmp_path: Path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    people(standin)
    engine = make_engine(url)
    _seed(engine, due=utcnow() + timedelta(days=3))
    engine.dispose()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": "xoxb-standin",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": url,
    }
    cmd = [sys.executable, "-m", "bot.cli", "checkin", "send", "--now", "--channel", CHANNEL]
    first = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    second = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "sent" in first.stdout
    assert "already sent" in second.stdout
    assert len(checkin_messages(standin, ALICE)) == 1
    due = subprocess.run(
        [sys.executable, "-m", "bot.cli", "checkin", "send"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert due.returncode == 0 and "0 check-in item(s) handled" in due.stdout


def test_kill_9_after_slack_took_the_dm_asks_once(tmp_path: Path, standin) -> None:
    """A real `checkin send` killed -9 while Slack has posted the DM but not answered yet
    (so the ts was never written down): the next send finds that DM by its metadata
    instead of asking again."""
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    upgrade(url)
    people(standin)
    engine = make_engine(url)
    _seed(engine, due=utcnow() + timedelta(days=3))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": "xoxb-standin",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": url,
    }
    cmd = [sys.executable, "-m", "bot.cli", "checkin", "send", "--now", "--channel", CHANNEL]
    standin.inject("chat.postMessage", hold=60)  # posted; the answer held back
    first = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        standin.wait_for("chat.postMessage", timeout=60)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    standin.clear_faults()
    assert len(checkin_messages(standin, ALICE)) == 1
    with session_scope(engine) as s:  # the dead holder's lease runs out
        for held in s.exec(select(Claim)):
            held.lease_until = utcnow() - timedelta(seconds=1)
            s.add(held)
    engine.dispose()
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    posted = checkin_messages(standin, ALICE)
    assert len(posted) == 1  # asked once
    engine = make_engine(url)
    with session_scope(engine) as s:
        row = s.exec(select(CheckIn)).one()
        assert row.message_ts == posted[0]["ts"]  # and the answers land on that DM
    engine.dispose()


def test_members_the_owners_add_are_asked_too_and_their_answers_count(harness) -> None:
    people(harness.standin)
    harness.standin.add_user("U0DANA", name="dana", tz="Europe/Berlin")
    make_team(harness.engine, owners=(ALICE,))
    scheduled(harness)
    alice = harness.user(ALICE)
    assert alice.command("team members <@U0DANA|dana>").status == 200
    said = harness.standin.ephemerals()[-1]
    assert "now ask <@U0DANA>" in said["text"] and "also asks <@U0DANA>" in str(said["blocks"])
    assert [r.user_id for r in schedules(harness.engine) if r.active] == [ALICE, "U0DANA"]
    # Only owners (or admins) choose the members.
    harness.user("U0DANA").command("team members none")
    assert "Only" in harness.standin.ephemerals()[-1]["text"]
    assert [r.outcome for r in sweep(harness, ALICE_DUE)] == ["sent", "sent"]
    dana = harness.user("U0DANA", channel_id=harness.standin.dm_channel_id("U0DANA"))
    set_clock(ALICE_DUE + timedelta(minutes=2))
    assert dana.click("scripted.in_version_control", "no").status == 200
    a_dm = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    assert a_dm.click("scripted.in_version_control", "yes").status == 200
    [post] = split_posts(harness.standin)
    assert "<@U0DANA>" in words(post) and "1 says yes, 1 says no" in words(post)
    # Members removed: their check-ins stop.
    assert alice.command("team members none").status == 200
    assert [r.user_id for r in schedules(harness.engine) if r.active] == [ALICE]


def test_a_team_wide_checkin_shows_agreement_per_criterion_before_the_level(harness) -> None:
    people(harness.standin)
    team_id = make_team(harness.engine)
    set_clock(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    alice = harness.user(ALICE)
    assert alice.command("assess --team-wide").status == 200
    assert (
        "Sent the same 9 questions to <@U0ALICE> and <@U0BOB>"
        in (harness.standin.ephemerals()[-1]["text"])
    )
    alice.command("assess --team-wide")
    assert "still open" in harness.standin.ephemerals()[-1]["text"]
    [a_dm] = checkin_messages(harness.standin, ALICE)
    [b_dm] = checkin_messages(harness.standin, BOB)
    validated(a_dm["blocks"])
    asked = question_ids(a_dm)
    assert asked == question_ids(b_dm) and len(asked) == 9
    a = harness.user(ALICE, channel_id=harness.standin.dm_channel_id(ALICE))
    b = harness.user(BOB, channel_id=harness.standin.dm_channel_id(BOB))
    for cid in asked:
        a.click(cid, "90" if cid == "scripted.ops_80pct" else None)
    assert "teamwide" not in str(harness.standin.messages(CHANNEL))  # Bob is still to answer
    for cid in asked:
        b.click(cid, "no" if cid == "scripted.in_version_control" else None)
    reports = sweep(harness, utcnow() + timedelta(minutes=1))
    assert [(r.kind, r.outcome) for r in reports if r.detail.endswith("answered")] == [
        ("checkin_followup", "sent")
    ]
    [result] = [
        m
        for m in harness.standin.messages(CHANNEL)
        if (m.get("blocks") or [{}])[0].get("block_id") == BlockId.TEAMWIDE_RESULT
    ]
    validated(result["blocks"])
    ids = [b.get("block_id") for b in result["blocks"]]
    assert ids.index(BlockId.TEAMWIDE_RESULT) < ids.index(BlockId.TEAMWIDE_LEVEL)  # agreement first
    shown = "\n".join(b["text"]["text"] for b in result["blocks"])
    assert "2 of 2 people answered" in shown
    assert "The scripts live in version control — 1 says yes, 1 says no" in shown
    assert shown.index("1 says yes, 1 says no") < shown.index("Level")
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team).where(Team.id == team_id)).one()
    assert team.level == 0  # the split criterion counts as not met until settled
    # Each split (version control; and the share of scripted operations, where Bob picked
    # "under 50%") is named once in the channel, to settle.
    assert len(split_posts(harness.standin)) == 2
    assert sweep(harness, utcnow() + timedelta(minutes=2)) == []  # the result once
