"""Whole check-ins through the real Bolt app, signed payloads and the Slack stand-in:
the person clicks the buttons the bot posted in their DM, exactly as in Slack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from slack_sdk.models.blocks import Block
from sqlalchemy import update
from sqlmodel import select

from conversations.assessment import team_at_level
from conversations.model import Question, question
from storage.criteria import criteria_board
from storage.db import session_scope
from storage.models import Assessment, AssessmentStatus, NudgeRecord, Team
from storage.types import utcnow

Policy = Callable[[Question], str]


def run_checkin(user, policy: Policy, *, limit: int = 25) -> list[str]:
    """Answer every question the bot asks with ``policy``: click the button carrying the
    answer, or type it when no button does. Returns the question ids in asking order."""
    asked: list[str] = []
    for _ in range(limit):
        qid = user.current_question()
        if qid is None:
            return asked
        asked.append(qid)
        value = policy(question(qid))
        if any(o.value == value for o in question(qid).options):
            assert user.click(qid, value).status == 200
        else:
            assert user.say(value).status == 200
    raise AssertionError(f"check-in did not finish in {limit} questions: {asked}")


def result_message(user) -> dict:
    for message in reversed(user.dm_messages()):
        if any(b.get("type") == "header" for b in message.get("blocks") or []):
            return message
    raise AssertionError("no result posted in the DM")


def header(message: dict) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")


def block_ids(message: dict) -> list[str]:
    return [b.get("block_id", "") for b in message.get("blocks") or []]


def ephemeral_texts(standin) -> list[str]:
    return [e["text"] for e in standin.ephemerals()]


def test_a_level_zero_team_is_placed_in_at_most_ten_questions(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    assert any("DM" in t for t in ephemeral_texts(harness.standin))
    asked = run_checkin(alice, team_at_level(0))
    assert len(asked) <= 10
    result = result_message(alice)
    assert header(result) == "Level 0 — Manual"
    text = str(result["blocks"])
    assert "Next step: Level 1" in text
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        assert (team.name, team.channel_id, team.level) == ("platform", "C0PLATFORM", 0)
        board = criteria_board(session=s, workspace_id=team.workspace_id, team_id=team.id)
    assert board["scripted.ops_80pct"].status == "not_met"
    assert board["scripted.ops_80pct"].updated_by == "U0ALICE"


def test_every_level_is_reachable_end_to_end(harness) -> None:
    for level in range(6):
        user = harness.user(user_id=f"U0LEVEL{level}", channel_id=f"C0TEAM{level}")
        user.command("assess")
        asked = run_checkin(user, team_at_level(level))
        assert len(asked) <= 20
        assert header(result_message(user)).startswith(f"Level {level} — ")


def test_skipping_levels_is_nudged_with_a_traceable_block(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    # Level 1 done, nothing of level 2, but automated rollback (a level-3 practice) in place.
    base = team_at_level(1, {"context.target_level": "4"})

    def policy(q: Question) -> str:
        return "yes" if q.id == "cd.automated_rollback" else base(q)

    run_checkin(alice, policy)
    result = result_message(alice)
    assert header(result) == "Level 1 — Scripted"
    assert "nudge.skip_level" in block_ids(result)
    with session_scope(harness.engine) as s:
        rules = [n.rule_id for n in s.exec(select(NudgeRecord))]
    assert "skip_level" in rules


def test_a_double_click_advances_once(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    first = alice.current_question()
    message, button = alice.find_button(first, "90")
    alice.click_button(message, button)
    alice.click_button(message, button)
    questions = [m for m in alice.dm_messages() if m.get("blocks")]
    second = alice.current_question()
    assert second != first
    posted_second = [m for m in questions if second in block_ids(m)]
    assert len(posted_second) == 1


def test_changing_an_earlier_answer_reflows_the_conversation(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    alice.click("scripted.ops_80pct", "90")
    alice.click("scripted.newcomers_use_scripts", "yes")
    alice.click("scripted.in_version_control", "yes")
    alice.click("iac.all_infra_as_code", "yes")
    alice.click("iac.env_from_scratch_1h", "30")
    assert alice.current_question() == "iac.no_manual_changes"
    # Back to question 1: only a third of operations are scripted after all. Level 0 is
    # settled, so step 2 shrinks to its probe and the rest of it is no longer asked.
    alice.click("scripted.ops_80pct", "30")
    dropped = [m for m in alice.dm_messages() if m.get("text") == "Not needed after your change"]
    assert len(dropped) == 2  # the answered env question and the waiting one
    assert alice.current_question() == "cd.automated_rollback"
    with session_scope(harness.engine) as s:
        row = s.exec(select(Assessment)).one()
        assert row.answers == {
            "scripted.ops_80pct": "30",
            "scripted.newcomers_use_scripts": "yes",
            "scripted.in_version_control": "yes",
            "iac.all_infra_as_code": "yes",
        }
        assert row.status == AssessmentStatus.OPEN
    run_checkin(alice, team_at_level(0))
    assert header(result_message(alice)) == "Level 0 — Manual"


def test_only_the_person_who_started_it_can_answer(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    qid = alice.current_question()
    message, button = alice.find_button(qid, "90")
    mallory = harness.user(user_id="U0MALLORY")
    mallory.click_button(message, button)
    assert any("Only the person who started" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().answers == {}


def test_another_workspace_cannot_touch_the_checkin(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    message, button = alice.find_button(alice.current_question(), "90")
    stranger = harness.user(team_id="T0OTHER")  # same user id, another workspace
    stranger.click_button(message, button)
    assert any("can't find that check-in" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().answers == {}


def test_assess_while_open_offers_resume_or_restart(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    alice.click("scripted.ops_80pct", "90")
    alice.command("assess")
    offer = harness.standin.ephemerals()[-1]
    assert "already have a check-in open" in offer["text"]
    resume = next(
        el
        for b in offer["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["text"]["text"] == "Resume"
    )
    before = len(alice.dm_messages())
    alice.click_button(
        {"ts": "", "channel": "C0PLATFORM", "blocks": offer["blocks"]},
        {**resume, "block_id": "assess.open"},
    )
    assert len(alice.dm_messages()) == before + 2  # intro + the current question again
    assert alice.current_question() == "scripted.newcomers_use_scripts"


def test_a_typed_number_is_accepted_and_garbage_is_reasked(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    alice.say("lots, honestly")
    reask = harness.standin.messages(alice.dm)[-1]["text"]
    assert "like 65" in reask
    assert alice.current_question() == "scripted.ops_80pct"
    alice.say("85%")
    assert alice.current_question() == "scripted.newcomers_use_scripts"
    huge = "<!channel> " + "x" * 20_000
    alice.say(huge)
    assert alice.current_question() == "scripted.newcomers_use_scripts"
    last = harness.standin.messages(alice.dm)[-1]["text"]
    assert "<!channel>" not in last


def test_an_idle_checkin_expires_after_seven_days(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    with session_scope(harness.engine) as s:
        s.execute(update(Assessment).values(updated_at=utcnow() - timedelta(days=8)))
    alice.click("scripted.ops_80pct", "90")
    assert any("has ended" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().status == AssessmentStatus.EXPIRED


def test_share_posts_the_result_in_the_team_channel_once(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, team_at_level(2))
    result = result_message(alice)
    message, button = alice.find_button("assess.result")
    alice.click_button(message, button)
    alice.click_button(message, button)
    shared = [m for m in harness.standin.messages("C0PLATFORM") if m.get("blocks")]
    assert len(shared) == 1
    assert header(shared[0]) == header(result) == "Level 2 — Infrastructure as code"
    assert "assess.result" not in block_ids(shared[0])


def test_every_message_of_the_flow_is_valid_block_kit(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, team_at_level(3, {"context.target_level": "5"}))
    calls = [
        c
        for c in harness.standin.calls
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
    ]
    assert calls
    for call in calls:
        assert call.ok, call
        blocks = call.params.get("blocks") or []
        assert len(blocks) <= 50
        for raw in blocks:
            Block.parse(raw).validate_json()


def test_the_home_tab_shows_every_team_with_its_level_and_progress(harness) -> None:
    alice = harness.user()
    alice.open_home()
    empty = harness.standin.calls_to("views.publish")[-1].params["view"]
    assert "No team has checked in yet" in str(empty["blocks"])
    alice.command("assess")
    run_checkin(alice, team_at_level(1))
    harness.user(user_id="U0BOB", channel_id="C0DATA", channel_name="data").command("assess")
    alice.open_home()
    view = harness.standin.calls_to("views.publish")[-1].params["view"]
    text = str(view["blocks"])
    assert view["type"] == "home"
    assert "*platform* · Level 1 — Scripted · next: Level 2" in text
    assert "*data* · not assessed yet" in text


def test_the_hourly_sweep_closes_idle_checkins_and_tells_their_owner_once(harness) -> None:
    from bot.deps import Deps
    from bot.slack.client import build_client
    from bot.usecases.assessment import expire_idle

    alice = harness.user()
    alice.command("assess")
    alice.click("scripted.ops_80pct", "90")
    deps = Deps(settings=harness.settings, engine=harness.engine)
    client = build_client(harness.settings)
    assert expire_idle(deps, lambda _ws: client) == 0  # active yesterday: left alone
    with session_scope(harness.engine) as s:
        s.execute(update(Assessment).values(updated_at=utcnow() - timedelta(days=7, hours=1)))
    assert expire_idle(deps, lambda _ws: client) == 1
    assert expire_idle(deps, lambda _ws: client) == 0
    note = alice.dm_messages()[-1]["text"]
    assert "quiet for a week" in note and "/maturity assess" in note
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().status == AssessmentStatus.EXPIRED


def _skip_level_policy():
    base = team_at_level(1, {"context.target_level": "4"})

    def policy(q: Question) -> str:
        return "yes" if q.id == "cd.automated_rollback" else base(q)

    return policy


def test_a_dismissed_nudge_leaves_the_message_and_stays_quiet_for_its_cooldown(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    run_checkin(alice, _skip_level_policy())
    message, dismiss = alice.find_button("nudge.skip_level")
    assert dismiss["text"]["text"] == "Dismiss"
    alice.click_button(message, dismiss)
    updated = harness.standin.message(alice.dm, message["ts"])
    assert "nudge.skip_level" not in block_ids(updated)
    assert "won't raise that one" in ephemeral_texts(harness.standin)[-1]
    with session_scope(harness.engine) as s:
        row = s.exec(select(NudgeRecord).where(NudgeRecord.rule_id == "skip_level")).one()
        assert row.dismissed_by == "U0ALICE" and row.dismissed_at is not None
    # The next check-in, a day later, shows the other nudges but not the dismissed one.
    alice.command("assess")
    run_checkin(alice, _skip_level_policy())
    assert "nudge.skip_level" not in block_ids(result_message(alice))
    with session_scope(harness.engine) as s:
        assert (
            len(s.exec(select(NudgeRecord).where(NudgeRecord.rule_id == "skip_level")).all()) == 1
        )


def test_start_over_abandons_the_open_checkin_and_asks_again_from_the_top(harness) -> None:
    alice = harness.user()
    alice.command("assess")
    alice.click("scripted.ops_80pct", "90")
    alice.command("assess")
    offer = harness.standin.ephemerals()[-1]
    restart = next(
        el
        for b in offer["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["text"]["text"] == "Start over"
    )
    alice.click_button(
        {"ts": "", "channel": "C0PLATFORM", "blocks": offer["blocks"]},
        {**restart, "block_id": "assess.open"},
    )
    assert alice.current_question() == "scripted.ops_80pct"
    with session_scope(harness.engine) as s:
        statuses = sorted(a.status for a in s.exec(select(Assessment)))
    assert statuses == ["abandoned", "open"]


def test_the_criteria_board_shows_status_who_and_when(harness) -> None:
    alice = harness.user()
    alice.command("board")
    assert "no team on the board yet" in ephemeral_texts(harness.standin)[-1]
    alice.command("assess")
    run_checkin(alice, team_at_level(1))
    alice.command("board")
    board = harness.standin.ephemerals()[-1]
    text = str(board["blocks"])
    assert "Criteria board · platform" in text
    assert "*Level 1 — Scripted* · done" in text
    assert "(90%) — <@U0ALICE>" in text  # the value answered, and who answered it
    assert "<@U0ALICE>" in text and "via check-in" in text
    assert "*Recent changes*" in text
    for raw in board["blocks"]:
        Block.parse(raw).validate_json()
    alice.command('board "<!channel> crew"')
    refusal = ephemeral_texts(harness.standin)[-1]
    assert "I don't know a team called" in refusal and "<!channel>" not in refusal


def test_a_board_before_any_checkin_says_so(harness) -> None:
    from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=harness.standin.team_id)
        get_or_create_channel_team(
            session=s, workspace_id=ws.id, channel_id="C0PLATFORM", channel_name="platform"
        )
    harness.user().command("board")
    text = str(harness.standin.ephemerals()[-1]["blocks"])
    assert "*platform* has not been assessed yet" in text
    assert "not answered yet" in text
