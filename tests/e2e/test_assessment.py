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


def assess(user, text: str = "assess"):
    """``/maturity <text>``, and if the bot asks first whether to create the channel's team,
    yes: click its Create button, as a person new to the bot would."""
    answer = user.command(text)
    offers = user.standin.ephemerals()
    if offers:
        last = offers[-1]
        for block in last.get("blocks") or []:
            for el in block.get("elements") or []:
                if el.get("type") == "button" and el.get("action_id") == "team.create":
                    user.click_button(
                        {"ts": "", "channel": user.actor.channel_id, "blocks": last["blocks"]},
                        {**el, "block_id": block.get("block_id", "")},
                    )
                    return answer
    return answer


def test_a_level_zero_team_is_placed_in_at_most_ten_questions(harness) -> None:
    alice = harness.user()
    assess(alice)
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
        assess(user)
        asked = run_checkin(user, team_at_level(level))
        assert len(asked) <= 20
        assert header(result_message(user)).startswith(f"Level {level} — ")


def test_skipping_levels_is_nudged_with_a_traceable_block(harness) -> None:
    alice = harness.user()
    assess(alice)
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
    assess(alice)
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
    assess(alice)
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
            "scripted.ops_80pct": "<50",  # the "under 50%" button: its range
            "scripted.newcomers_use_scripts": "yes",
            "scripted.in_version_control": "yes",
            "iac.all_infra_as_code": "yes",
        }
        assert row.status == AssessmentStatus.OPEN
    run_checkin(alice, team_at_level(0))
    assert header(result_message(alice)) == "Level 0 — Manual"


def test_only_the_person_who_started_it_can_answer(harness) -> None:
    alice = harness.user()
    assess(alice)
    qid = alice.current_question()
    message, button = alice.find_button(qid, "90")
    mallory = harness.user(user_id="U0MALLORY")
    mallory.click_button(message, button)
    assert any("Only the person who started" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().answers == {}


def test_another_workspace_cannot_touch_the_checkin(harness) -> None:
    alice = harness.user()
    assess(alice)
    message, button = alice.find_button(alice.current_question(), "90")
    stranger = harness.user(team_id="T0OTHER")  # same user id, another workspace
    stranger.click_button(message, button)
    assert any("can't find that check-in" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().answers == {}


def test_assess_while_open_offers_resume_or_restart(harness) -> None:
    alice = harness.user()
    assess(alice)
    alice.click("scripted.ops_80pct", "90")
    assess(alice)
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
    assess(alice)
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
    assess(alice)
    with session_scope(harness.engine) as s:
        s.execute(update(Assessment).values(updated_at=utcnow() - timedelta(days=8)))
    alice.click("scripted.ops_80pct", "90")
    assert any("has ended" in t for t in ephemeral_texts(harness.standin))
    with session_scope(harness.engine) as s:
        assert s.exec(select(Assessment)).one().status == AssessmentStatus.EXPIRED


def test_share_posts_the_result_in_the_team_channel_once(harness) -> None:
    alice = harness.user()
    assess(alice)
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
    assess(alice)
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
    assess(alice)
    run_checkin(alice, team_at_level(1))
    assess(harness.user(user_id="U0BOB", channel_id="C0DATA", channel_name="data"))
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
    assess(alice)
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
    assess(alice)
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
    assess(alice)
    run_checkin(alice, _skip_level_policy())
    assert "nudge.skip_level" not in block_ids(result_message(alice))
    with session_scope(harness.engine) as s:
        assert (
            len(s.exec(select(NudgeRecord).where(NudgeRecord.rule_id == "skip_level")).all()) == 1
        )


def test_start_over_abandons_the_open_checkin_and_asks_again_from_the_top(harness) -> None:
    alice = harness.user()
    assess(alice)
    alice.click("scripted.ops_80pct", "90")
    assess(alice)
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
    assess(alice)
    run_checkin(alice, team_at_level(1))
    alice.command("board")
    board = harness.standin.ephemerals()[-1]
    text = str(board["blocks"])
    assert "Criteria board · platform" in text
    assert "*Level 1 — Scripted* · done" in text
    assert "(120 min)" in text  # a number typed is recorded, with who answered it
    assert "(90%)" not in text  # a range clicked ("80% or more") is never made a number
    assert "<@U0ALICE>" in text and "check-in" in text
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
    assert "not answered yet" in text.lower()


# --- issue 11: the check-in tells the truth, takes what people type, and can be corrected ---


def posted(harness, block_id: str) -> int:
    """How many times a message holding ``block_id`` was posted (not updated)."""
    return sum(
        1
        for c in harness.standin.calls_to("chat.postMessage")
        if any(b.get("block_id") == block_id for b in c.params.get("blocks") or [])
    )


def last_dm_text(harness, user) -> str:
    return harness.standin.messages(user.dm)[-1]["text"]


def row(harness) -> Assessment:
    with session_scope(harness.engine) as s:
        a = s.exec(select(Assessment).order_by(Assessment.id.desc())).first()  # type: ignore[union-attr]
        s.expunge(a)
        return a


def test_the_intro_says_honestly_how_many_questions_to_expect(harness) -> None:
    alice = harness.user()
    assess(alice)
    intro = next(m for m in alice.dm_messages() if "automation ladder" in str(m.get("blocks")))
    text = str(intro["blocks"])
    assert "5 to 20 questions" in text and "handful" not in text
    assert "*stop*" in text and "*help*" in text


def test_a_range_button_is_shown_as_the_range_chosen(harness) -> None:
    """Item 2: "50–79%" reads back as 50–79%, the team is on its way, no "65%" anywhere."""
    alice = harness.user()
    assess(alice)
    alice.click("scripted.ops_80pct", "65")
    record = next(m for m in alice.dm_messages() if "answered.scripted.ops_80pct" in block_ids(m))
    assert "*50–79%*" in str(record["blocks"])
    answers = {"scripted.newcomers_use_scripts": "no", "scripted.in_version_control": "yes"}
    run_checkin(alice, lambda q: answers.get(q.id, "no" if q.kind == "yes_no" else "skip"))
    result = str(result_message(alice)["blocks"])
    assert header(result_message(alice)) == "Level 0 — Manual"
    assert "on the way to Level 1: 50–79% of routine operations scripted (the bar is 80%)" in (
        result
    )
    assert "not yet: 50–79% today" in result
    assert "65%" not in result and "most of the work is still done by hand" not in result
    assert row(harness).answers["scripted.ops_80pct"] == "50-79"
    alice.command("board")
    assert "65%" not in str(harness.standin.ephemerals()[-1]["blocks"])


def test_a_two_person_team_aiming_two_levels_up_is_asked_its_scale_and_warned(harness) -> None:
    """Item 3: the issue's 2-engineer, 1-environment team aiming at level 4."""
    alice = harness.user()
    assess(alice)
    small = {
        "context.engineers": "3",  # the "1–5" button
        "context.environments": "2",
        "context.target_level": "4",
        "context.deploys_per_day": "1",
        "context.needs_24x7": "no",
    }
    asked = run_checkin(alice, team_at_level(1, small))
    assert {"context.deploys_per_day", "context.needs_24x7"} <= set(asked)
    result = result_message(alice)
    assert "nudge.over_automation" in block_ids(result)
    text = str(result["blocks"])
    assert "Levels 3–4 give most organisations the best return" in text
    assert "you deploy fewer than 2 times a day" in text  # the range they picked
    assert "prereq.infra_understanding" not in asked  # level 2 doesn't pay off at their size
    assert "Get these in place first" not in text  # so its groundwork isn't pressed on them


def test_changing_an_earlier_answer_keeps_the_later_answers_still_asked(harness) -> None:
    """Item 4: a level-0 team corrects its scripted share; the step-2 questions that opens
    are asked, and the probes answered before are kept, not asked again."""
    alice = harness.user()
    assess(alice)
    for qid, value in [
        ("scripted.ops_80pct", "30"),
        ("scripted.newcomers_use_scripts", "yes"),
        ("scripted.in_version_control", "yes"),
        ("iac.all_infra_as_code", "partly"),
        ("cd.automated_rollback", "partly"),
        ("cdeploy.prod_without_approval", "no"),
    ]:
        assert alice.current_question() == qid
        alice.click(qid, value)
    assert alice.current_question() == "context.target_level"
    alice.click("scripted.ops_80pct", "90")  # on its answered record: 80% or more after all
    assert alice.current_question() == "iac.env_from_scratch_1h"
    kept = ("iac.all_infra_as_code", "cd.automated_rollback", "cdeploy.prod_without_approval")
    answers = row(harness).answers
    assert {k: answers[k] for k in kept} == {
        "iac.all_infra_as_code": "partly",
        "cd.automated_rollback": "partly",
        "cdeploy.prod_without_approval": "no",
    }
    rest = {"context.target_level": "2", "context.environments": "2", "context.engineers": "3"}
    asked = run_checkin(alice, team_at_level(1, rest))
    assert asked[:2] == ["iac.env_from_scratch_1h", "iac.no_manual_changes"]
    assert not set(asked) & set(kept)
    assert all(posted(harness, qid) == 1 for qid in kept)  # each asked once, ever
    assert header(result_message(alice)) == "Level 1 — Scripted"
    dropped = [m for m in alice.dm_messages() if m.get("text") == "Not needed after your change"]
    assert [str(m["blocks"]) for m in dropped if "target" in str(m["blocks"])] == []


def test_absurd_numbers_are_refused_and_numbers_as_people_type_them_are_taken(harness) -> None:
    """Item 5, through typed DM lines."""
    alice = harness.user()
    assess(alice)
    alice.say("150%")
    assert "from 0 to 100" in last_dm_text(harness, alice)
    assert alice.current_question() == "scripted.ops_80pct"
    alice.say("about 85%")
    assert alice.current_question() == "scripted.newcomers_use_scripts"
    alice.click("scripted.newcomers_use_scripts", "yes")
    alice.click("scripted.in_version_control", "yes")
    alice.click("iac.all_infra_as_code", "no")
    assert alice.current_question() == "iac.env_from_scratch_1h"
    alice.say("1000000000")
    assert "up to 90 days" in last_dm_text(harness, alice)
    assert alice.current_question() == "iac.env_from_scratch_1h"
    alice.say("3 days")
    record = next(
        m for m in alice.dm_messages() if "answered.iac.env_from_scratch_1h" in block_ids(m)
    )
    assert "*3 days*" in str(record["blocks"])
    alice.click("iac.no_manual_changes", "no")
    alice.click("cd.automated_rollback", "no")
    alice.click("context.target_level", "2")
    alice.say("2")  # environments
    assert alice.current_question() == "context.engineers"
    alice.say("-3")
    assert "negative" in last_dm_text(harness, alice)
    alice.say("2.5")
    assert "whole number from 1 to 10,000" in last_dm_text(harness, alice)
    assert alice.current_question() == "context.engineers"
    alice.say("about 12")
    answers = row(harness).answers
    assert answers["scripted.ops_80pct"] == "85"
    assert answers["iac.env_from_scratch_1h"] == "4320"
    assert answers["context.engineers"] == "12"


def test_the_target_question_sits_with_the_goal_and_offers_only_levels_above(harness) -> None:
    """Item 13."""
    alice = harness.user()
    assess(alice)
    policy = team_at_level(2)
    while (qid := alice.current_question()) != "context.target_level":
        value = policy(question(qid))
        if any(o.value == value for o in question(qid).options):
            alice.click(qid, value)
        else:
            alice.say(value)
    message, _ = alice.find_button("context.target_level")
    values = [
        el["value"]
        for b in message["blocks"]
        if b.get("block_id") == "context.target_level"
        for el in b["elements"]
    ]
    assert values == ["3", "4", "5", "skip"]
    assert "Where you're heading" in str(message["blocks"])
    assert "Your scale" not in str(message["blocks"])


def test_a_finished_checkin_can_be_corrected_by_its_owner_within_a_week(harness) -> None:
    """Item 7: the level, the board and the result follow the corrected answer."""
    alice = harness.user()
    assess(alice)
    run_checkin(alice, team_at_level(1))
    assert header(result_message(alice)) == "Level 1 — Scripted"
    alice.click("scripted.newcomers_use_scripts", "no")  # on its record, after the result
    result = result_message(alice)
    assert header(result) == "Level 0 — Manual"
    assert "updated after an answer changed" in str(result["blocks"])
    replaced = [m for m in alice.dm_messages() if "was replaced" in str(m.get("blocks"))]
    assert len(replaced) == 1  # the first result says it was replaced
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        assert team.level == 0
        board = criteria_board(session=s, workspace_id=team.workspace_id, team_id=team.id)
        assert board["scripted.newcomers_use_scripts"].status == "not_met"
        assessment = s.exec(select(Assessment)).one()
        assert assessment.status == AssessmentStatus.COMPLETED
        assert assessment.result_level == 0
    # Back to yes: level 1's own questions are needed again, so the check-in reopens.
    alice.click("scripted.newcomers_use_scripts", "yes")
    assert row(harness).status == AssessmentStatus.OPEN
    assert alice.current_question() == "iac.env_from_scratch_1h"  # IaC's probe answer: kept
    run_checkin(alice, team_at_level(1))
    assert header(result_message(alice)) == "Level 1 — Scripted"
    with session_scope(harness.engine) as s:
        assert s.exec(select(Team)).one().level == 1


def test_a_correction_is_refused_after_a_week_or_once_a_newer_checkin_exists(harness) -> None:
    alice = harness.user()
    assess(alice)
    run_checkin(alice, team_at_level(1))
    with session_scope(harness.engine) as s:
        s.execute(update(Assessment).values(completed_at=utcnow() - timedelta(days=8)))
    alice.click("scripted.newcomers_use_scripts", "no")
    assert "more than a week ago" in ephemeral_texts(harness.standin)[-1]
    with session_scope(harness.engine) as s:
        s.execute(update(Assessment).values(completed_at=utcnow() - timedelta(days=1)))
    assess(alice)  # a newer check-in for the same team
    message, button = next(
        (m, el | {"block_id": b["block_id"]})
        for m in alice.dm_messages()
        for b in m.get("blocks") or []
        if b.get("block_id") == "scripted.newcomers_use_scripts"
        for el in b.get("elements") or []
        if el.get("value") == "no"
    )
    alice.click_button(message, button)
    assert "newer check-in" in ephemeral_texts(harness.standin)[-1]
    with session_scope(harness.engine) as s:
        assert s.exec(select(Team)).one().level == 1


def test_typing_help_explains_and_stop_pauses_the_checkin(harness) -> None:
    """Item 8."""
    alice = harness.user()
    assess(alice)
    alice.click("scripted.ops_80pct", "90")
    alice.say("help")
    reply = last_dm_text(harness, alice)
    assert "type *stop*" in reply.lower() and "skip" in reply
    assert alice.current_question() == "scripted.newcomers_use_scripts"
    alice.say("cancle")
    reply = last_dm_text(harness, alice)
    assert "Stopped the check-in for platform" in reply and "your 1 answer is saved" in reply
    assert "/maturity assess" in reply
    assert alice.current_question() is None  # the waiting question no longer asks
    assert any("stopped here" in str(m.get("blocks")) for m in alice.dm_messages())
    alice.say("yes")  # no longer taken as an answer
    assert "I mostly talk through buttons" in last_dm_text(harness, alice)
    assert row(harness).answers == {"scripted.ops_80pct": "80+"}
    assess(alice)
    offer = harness.standin.ephemerals()[-1]
    assert "You stopped a check-in" in offer["text"]
    resume = next(
        el
        for b in offer["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["text"]["text"] == "Resume"
    )
    alice.click_button(
        {"ts": "", "channel": "C0PLATFORM", "blocks": offer["blocks"]},
        {**resume, "block_id": "assess.open"},
    )
    assert alice.current_question() == "scripted.newcomers_use_scripts"
    alice.say("yep")
    assert alice.current_question() == "scripted.in_version_control"


def test_a_target_the_team_has_since_reached_is_asked_again(harness) -> None:
    """Item 13 with item 7: a level-0 team aiming at level 1 corrects itself up to level 1;
    "Level 1" is no target any more, so the target is asked afresh, above level 1."""
    alice = harness.user()
    assess(alice)
    run_checkin(alice, team_at_level(0, {"context.target_level": "1"}))
    alice.click("scripted.ops_80pct", "90")
    alice.click("scripted.newcomers_use_scripts", "yes")
    alice.click("scripted.in_version_control", "yes")
    for qid, value in [
        ("iac.env_from_scratch_1h", "240"),
        ("iac.no_manual_changes", "no"),
        ("cd.automated_rollback", "no"),
    ]:
        assert alice.current_question() == qid
        alice.click(qid, value)
    assert alice.current_question() == "context.target_level"
    message, _ = alice.find_button("context.target_level")
    values = [
        el["value"]
        for b in message["blocks"]
        if b.get("block_id") == "context.target_level"
        for el in b["elements"]
    ]
    assert values == ["2", "3", "4", "5", "skip"]
    assert posted(harness, "context.target_level") == 2  # asked at level 0, then again
