"""Issue 14, end to end: nudges on every change, in the team's channel, one message a day,
never repeated within the cooldown; *Got it*, *Not relevant for us* (with a reason) and
*Remind me later*; all of it surviving a restart and two processes.

Signed requests through the real Bolt app, the scheduler's sender with time travel
(``send_due(now=…)``), the Slack stand-in recording what was posted.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.deps import Deps
from bot.serve.runtime import build_sender
from bot.settings import load_settings
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.usecases import levels, nudge_delivery
from conversations.scoring import Status
from storage.criteria import lock_team, record_criterion
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import (
    Assessment,
    AssessmentStatus,
    NudgeRecord,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.types import utcnow
from storage.workspaces import ensure_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET

CHANNEL = "C0PLATFORM"
NUDGE = BlockId.NUDGE_PREFIX.value


def make_team(engine, team_id: str, *, target: int | None = 5) -> int:
    """The channel's team, aiming at level 5 with no strict SLA (over_automation), with a
    runbook operation that sometimes fails (broken_process)."""
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=team_id)
        team, _ = ensure_channel_team(
            session=s,
            workspace_id=ws.id,
            channel_id=CHANNEL,
            channel_name="platform",
            user_id="U0ALICE",
        )
        team.target_level = target
        s.add(team)
        s.add(
            Assessment(
                workspace_id=ws.id,
                team_id=team.id,
                user_id="U0ALICE",
                status=AssessmentStatus.COMPLETED,
                answers={"context.strict_sla": "no"},
                completed_at=utcnow(),
            )
        )
        s.add(
            RunbookOperation(
                workspace_id=ws.id,
                team_id=team.id,
                title="Restore the database",
                title_key="restore the database",
                frequency="monthly",
                broken_fails=True,
            )
        )
        return team.id


def nudge_posts(standin) -> list[dict]:
    return [
        m
        for m in standin.messages(CHANNEL)
        if any(b.get("block_id") == BlockId.NUDGES_HEADER for b in m.get("blocks") or [])
    ]


def rules_in(message: dict) -> list[str]:
    return [
        b["block_id"].removeprefix(NUDGE)
        for b in message.get("blocks") or []
        if b.get("block_id", "").startswith(NUDGE)
    ]


def records(engine) -> list[NudgeRecord]:
    with session_scope(engine) as s:
        return list(s.exec(select(NudgeRecord).order_by(NudgeRecord.id)))


def button(message: dict, rule: str, action: ActionId) -> dict:
    blocks = message["blocks"]
    index = next(i for i, b in enumerate(blocks) if b.get("block_id") == NUDGE + rule)
    actions = blocks[index + 1]
    assert actions["block_id"].startswith(BlockId.NUDGE_ACTIONS_PREFIX)
    el = next(e for e in actions["elements"] if e["action_id"].startswith(f"{action}:"))
    return {**el, "block_id": actions["block_id"]}


def sweep(harness, at: datetime):
    return harness.sender().send_due(now=at)


# ------------------------------------------------------------------ on every change


def test_a_change_on_the_board_brings_one_batched_message_with_the_three_buttons(
    harness,
) -> None:
    make_team(harness.engine, harness.standin.team_id)
    alice = harness.user("U0ALICE")
    # A level-3 practice marked done on a level-0 team: the change that nudges.
    assert alice.command("set cd.automated_rollback yes").status == 200
    assert nudge_posts(harness.standin) == []  # batched: a minute later
    reports = sweep(harness, utcnow() + timedelta(minutes=2))
    assert [r.outcome for r in reports if r.kind == ScheduleKind.NUDGES] == ["sent"]
    (post,) = nudge_posts(harness.standin)
    assert rules_in(post) == ["skip_level", "over_automation", "broken_process"]
    assert len(post["blocks"]) <= 50
    for block in post["blocks"]:
        Block.parse(block).validate_json()  # Slack's limits, by slack_sdk's models
    text = str(post["blocks"])
    assert "Restore the database" in text and "level 5" in text
    rows = records(harness.engine)
    assert [r.rule_id for r in rows] == ["skip_level", "over_automation", "broken_process"]
    assert all(r.fingerprint and r.message_ts == post["ts"] for r in rows)

    # Got it: noted, the nudge's place says who; the other two stay.
    got = alice.click_button(post, button(post, "skip_level", ActionId.NUDGE_GOT_IT))
    assert got.status == 200
    (post,) = nudge_posts(harness.standin)
    assert rules_in(post) == ["over_automation", "broken_process"]
    assert "<@U0ALICE>" in str(post["blocks"])

    # Remind me later: quiet for 7 days.
    snooze = alice.click_button(post, button(post, "broken_process", ActionId.NUDGE_SNOOZE))
    assert snooze.status == 200
    assert "7 days" in harness.standin.ephemerals(user="U0ALICE")[-1]["text"]
    (post,) = nudge_posts(harness.standin)
    assert rules_in(post) == ["over_automation"]

    # Not relevant for us: quiet for 90 days at once, then a form asks why (optional).
    views_before = len(harness.standin.views("U0ALICE"))
    nope = alice.click_button(post, button(post, "over_automation", ActionId.NUDGE_NOT_RELEVANT))
    assert nope.status == 200
    form = harness.standin.views("U0ALICE")[views_before]
    assert form["callback_id"] == CallbackId.NUDGE_REASON
    reason = {
        BlockId.NUDGE_REASON: {
            "value": {"type": "plain_text_input", "value": "We run a regulated exchange"}
        }
    }
    assert alice.submit(form, reason).status == 200
    (post,) = nudge_posts(harness.standin)
    assert rules_in(post) == []

    by_rule = {r.rule_id: r for r in records(harness.engine)}
    now = utcnow()
    assert by_rule["skip_level"].outcome == "got_it" and by_rule["skip_level"].quiet_until is None
    snoozed = by_rule["broken_process"]
    assert snoozed.outcome == "snoozed"
    assert snoozed.quiet_until is not None
    assert timedelta(days=6) < snoozed.quiet_until - now <= timedelta(days=7)
    suppressed = by_rule["over_automation"]
    assert suppressed.outcome == "not_relevant"
    assert suppressed.reason == "We run a regulated exchange"
    assert suppressed.quiet_until is not None
    assert timedelta(days=89) < suppressed.quiet_until - now <= timedelta(days=90)


def test_one_message_a_day_with_only_what_is_new(harness) -> None:
    make_team(harness.engine, harness.standin.team_id)
    alice = harness.user("U0ALICE")
    assert alice.command("set cd.automated_rollback yes").status == 200
    sweep(harness, utcnow() + timedelta(minutes=2))
    assert len(nudge_posts(harness.standin)) == 1
    # Another practice from higher up: a new skip_level (a new fingerprint) — but today's
    # message went out already, so it waits for tomorrow.
    assert alice.command("set cdeploy.prod_without_approval yes").status == 200
    sweep(harness, utcnow() + timedelta(minutes=5))
    assert len(nudge_posts(harness.standin)) == 1
    sweep(harness, utcnow() + timedelta(days=1, minutes=5))
    _first, second = nudge_posts(harness.standin)
    assert rules_in(second) == ["skip_level"]  # over_automation, broken_process: cooling down
    # Nothing new after that: no more messages, whatever changes.
    assert alice.command("set cd.automated_rollback no").status == 200
    assert alice.command("set cd.automated_rollback yes").status == 200
    sweep(harness, utcnow() + timedelta(days=3))
    assert len(nudge_posts(harness.standin)) == 2


def test_a_team_without_news_gets_no_schedule_and_no_message(harness) -> None:
    make_team(harness.engine, harness.standin.team_id, target=None)
    with session_scope(harness.engine) as s:
        for op in s.exec(select(RunbookOperation)):
            s.delete(op)
    alice = harness.user("U0ALICE")
    assert alice.command("set scripted.in_version_control yes").status == 200
    with session_scope(harness.engine) as s:
        kinds = [row.kind for row in s.exec(select(Schedule))]
    assert ScheduleKind.NUDGES not in kinds
    sweep(harness, utcnow() + timedelta(minutes=2))
    assert nudge_posts(harness.standin) == []


def test_list_active_nudges_with_the_command(harness) -> None:
    make_team(harness.engine, harness.standin.team_id)
    alice = harness.user("U0ALICE")
    assert alice.command("nudges").status == 200
    listed = harness.standin.ephemerals(user="U0ALICE")[-1]
    ids = [b.get("block_id") for b in listed["blocks"]]
    assert "nudge.over_automation" in ids and "nudge.broken_process" in ids


# ------------------------------------------------------------------ across a restart


def _sender_on(url: str, standin):
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=url,
    )
    engine = make_engine(url)
    return build_sender(settings, engine), engine


def _weekly(sender, at: datetime) -> None:
    nudge_delivery.weekly_pass(sender.deps, now=at)
    sender.send_due(now=at + timedelta(minutes=2))


def test_cooldown_suppression_and_snooze_hold_across_a_restart(tmp_path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sender, engine = _sender_on(url, standin)
    make_team(engine, standin.team_id)
    _weekly(sender, start)
    (post,) = nudge_posts(standin)
    assert rules_in(post) == ["skip_level", "over_automation", "broken_process"]
    with session_scope(engine) as s:
        rows = {r.rule_id: r for r in s.exec(select(NudgeRecord))}
        rows["skip_level"].outcome = "got_it"
        rows["over_automation"].outcome = "not_relevant"
        rows["over_automation"].quiet_until = start + timedelta(days=90)
        rows["broken_process"].outcome = "snoozed"
        rows["broken_process"].quiet_until = start + timedelta(days=7)
        for r in rows.values():
            s.add(r)
    engine.dispose()

    # A new process on the same database file.
    sender, engine = _sender_on(url, standin)
    _weekly(sender, start + timedelta(days=3))  # everything quiet
    assert len(nudge_posts(standin)) == 1
    _weekly(sender, start + timedelta(days=8))  # the snooze ran out
    assert rules_in(nudge_posts(standin)[-1]) == ["broken_process"]
    _weekly(sender, start + timedelta(days=12))  # shown 4 days ago: cooling down
    assert len(nudge_posts(standin)) == 2
    engine.dispose()

    sender, engine = _sender_on(url, standin)
    _weekly(sender, start + timedelta(days=23))  # cooldown (14 days) over; not relevant holds
    assert rules_in(nudge_posts(standin)[-1]) == ["skip_level", "broken_process"]
    _weekly(sender, start + timedelta(days=91))  # 90 days on, it may come back
    assert "over_automation" in rules_in(nudge_posts(standin)[-1])
    engine.dispose()


def test_the_cooldown_is_a_setting(tmp_path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sender, engine = _sender_on(url, standin)
    sender.deps = Deps(
        settings=sender.deps.settings.model_copy(update={"nudge_cooldown_days": 3}), engine=engine
    )
    make_team(engine, standin.team_id)
    _weekly(sender, start)
    _weekly(sender, start + timedelta(days=2))
    assert len(nudge_posts(standin)) == 1
    _weekly(sender, start + timedelta(days=4))
    assert len(nudge_posts(standin)) == 2
    engine.dispose()


# ------------------------------------------------------------------ two processes


def test_two_processes_evaluating_the_same_change_post_once(db_url: str, standin) -> None:
    upgrade(db_url)
    senders = [_sender_on(db_url, standin) for _ in range(2)]
    team_id = make_team(senders[0][1], standin.team_id)
    barrier = threading.Barrier(2)

    errors: list[BaseException] = []

    def change(engine) -> None:
        barrier.wait()
        try:
            _change(engine)
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    def _change(engine) -> None:
        with session_scope(engine) as s:
            # As every path that moves the board does: the team's row first, so two
            # changes to one team are decided one after the other.
            found = s.get(Team, team_id)
            assert found is not None
            team = lock_team(session=s, workspace_id=found.workspace_id, team_id=team_id)
            assert team is not None
            record_criterion(
                session=s,
                workspace_id=team.workspace_id,
                team_id=team_id,
                criterion_id="cd.automated_rollback",
                status=Status.MET,
                user_id="U0ALICE",
                source="board",
            )
            levels.follow(s, team.workspace_id, team, user_id="U0ALICE", source="board")

    threads = [threading.Thread(target=change, args=(e,)) for _, e in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(senders[0][1]) as s:
        due = [r for r in s.exec(select(Schedule)) if r.kind == ScheduleKind.NUDGES]
    assert len(due) == 1

    results: list = []
    at = utcnow() + timedelta(minutes=2)

    def send(sender) -> None:
        barrier.wait()
        results.append(sender.send_due(now=at))

    threads = [threading.Thread(target=send, args=(s,)) for s, _ in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = [r.outcome for batch in results for r in batch if r.kind == ScheduleKind.NUDGES]
    assert outcomes.count("sent") == 1
    assert len(nudge_posts(standin)) == 1
    assert len(records(senders[0][1])) == 3
    for _, engine in senders:
        engine.dispose()


def test_a_finished_check_in_nudges_the_channel_in_the_teams_numbers(harness) -> None:
    from conversations.assessment import team_at_level
    from tests.e2e.test_assessment import assess, run_checkin

    alice = harness.user("U0ALICE")
    assess(alice)
    # Level 1, three environments, five engineers: one environment short of the bar.
    run_checkin(
        alice,
        team_at_level(1, {"context.environments": "3", "context.engineers": "5"}),
        limit=40,
    )
    sweep(harness, utcnow() + timedelta(minutes=2))
    (post,) = nudge_posts(harness.standin)
    assert "approaching_threshold" in rules_in(post)
    text = str(post["blocks"])
    assert "3 environments" in text and "A fourth environment" in text
    # The App Home shows it (an undismissed record), and the digest counts it this week.
    with session_scope(harness.engine) as s:
        rows = list(s.exec(select(NudgeRecord).where(NudgeRecord.source == "channel")))
    assert [r.rule_id for r in rows] == rules_in(post)
    assert alice.open_home().status == 200
    home = harness.standin.views("U0ALICE")[-1]
    home_ids = [b.get("block_id", "") for b in home.get("blocks") or []]
    assert "nudge.approaching_threshold" in home_ids


def test_slack_down_while_posting_retries_the_same_nudges_once(harness) -> None:
    make_team(harness.engine, harness.standin.team_id)
    alice = harness.user("U0ALICE")
    assert alice.command("set cd.automated_rollback yes").status == 200
    # Slack answers 500 to every retry the client makes: the send fails after recording.
    harness.standin.inject("chat.postMessage", status=500, times=None)
    first = sweep(harness, utcnow() + timedelta(minutes=2))
    assert [r.outcome for r in first if r.kind == ScheduleKind.NUDGES] == ["failed"]
    assert nudge_posts(harness.standin) == []
    recorded = records(harness.engine)
    assert len(recorded) == 3 and all(r.message_ts == "" for r in recorded)
    harness.standin.clear_faults()
    # The scheduler tries the one-off again ten minutes on: the very records go out, once.
    sweep(harness, utcnow() + timedelta(minutes=15))
    (post,) = nudge_posts(harness.standin)
    again = records(harness.engine)
    assert [r.id for r in again] == [r.id for r in recorded]
    assert all(r.message_ts == post["ts"] for r in again)
    sweep(harness, utcnow() + timedelta(minutes=40))
    assert len(nudge_posts(harness.standin)) == 1


def test_a_broken_operation_is_told_to_its_owner_by_dm(harness) -> None:
    make_team(harness.engine, harness.standin.team_id)
    with session_scope(harness.engine) as s:
        for op in s.exec(select(RunbookOperation)):
            op.owner = "U0BOB"
            s.add(op)
    alice = harness.user("U0ALICE")
    assert alice.command("set cd.automated_rollback yes").status == 200
    sweep(harness, utcnow() + timedelta(minutes=2))
    (post,) = nudge_posts(harness.standin)
    assert rules_in(post) == ["skip_level", "over_automation"]
    bob = harness.user("U0BOB")
    (dm,) = [m for m in bob.dm_messages() if rules_in(m)]
    assert rules_in(dm) == ["broken_process"]
    assert "Restore the database" in str(dm["blocks"])
    # Bob's answer, in his DM, is recorded like any other.
    dm = {**dm, "channel": bob.dm}
    assert bob.click_button(dm, button(dm, "broken_process", ActionId.NUDGE_SNOOZE)).status == 200
    by_rule = {r.rule_id: r for r in records(harness.engine)}
    assert by_rule["broken_process"].outcome == "snoozed"
    assert by_rule["broken_process"].dismissed_by == "U0BOB"
