"""The check-in flow: adaptive, bounded, deterministic, and consistent when answers change."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.assessment import (
    MAX_QUESTIONS,
    InvalidAnswer,
    Result,
    apply_answer,
    is_on_path,
    next_step,
    questions_asked,
    questions_asked_for,
    run_flow,
    team_at_level,
)
from conversations.model import CRITERIA, Question, QuestionKind, Section, criterion, question
from conversations.nudges import NudgeId
from conversations.scoring import criterion_met, score

TYPED = {
    QuestionKind.YES_NO: ["Yep", "partially", "not sure"],
    QuestionKind.PERCENT: ["79", "80%", "0"],
    QuestionKind.MINUTES: ["9", "10 min", "59", "1h"],
    QuestionKind.COUNT: ["0", "3", "6", "11", "51", "201", "1000"],
    QuestionKind.LEVEL: ["level 5", "0", "3"],
}


def any_answer(q: Question) -> st.SearchStrategy[str]:
    return st.sampled_from([o.value for o in q.options] + TYPED[q.kind])


def met_answers(q: Question) -> list[str]:
    c = criterion(q.id)
    return [v for v in [o.value for o in q.options] + TYPED[q.kind] if criterion_met(c, v)]


def unmet_answers(q: Question) -> list[str]:
    c = criterion(q.id)
    return [v for v in [o.value for o in q.options] + TYPED[q.kind] if not criterion_met(c, v)]


def play(data: st.DataObject, *, climb_to: int = 0, criteria_met: bool | None = None):
    """Run a check-in with drawn answers; criteria of steps <= climb_to are answered met."""
    answers: dict[str, str] = {}
    while not isinstance(step := next_step(answers), Result):
        if step.section is Section.CRITERIA and criterion(step.id).step <= climb_to:
            raw = data.draw(st.sampled_from(met_answers(step)))
        elif step.section is Section.CRITERIA and criteria_met is False:
            raw = data.draw(st.sampled_from(unmet_answers(step)))
        else:
            raw = data.draw(any_answer(step))
        answers = apply_answer(answers, step.id, raw)
    return answers, step


def all_no() -> tuple[dict[str, str], Result]:
    answers: dict[str, str] = {}
    while not isinstance(step := next_step(answers), Result):
        answers[step.id] = "no"
    return answers, step


# --- the path -----------------------------------------------------------------------------


def test_the_check_in_starts_with_the_first_scripting_criterion():
    step = next_step({})
    assert isinstance(step, Question) and step.id == "scripted.ops_80pct"


def test_the_ladder_climbs_step_by_step_while_everything_is_met():
    answers = {"scripted.ops_80pct": "85", "scripted.newcomers_use_scripts": "yes"}
    assert next_step(answers).id == "scripted.in_version_control"  # type: ignore[union-attr]
    answers["scripted.in_version_control"] = "yes"
    assert next_step(answers).id == "iac.all_infra_as_code"  # type: ignore[union-attr]


def test_once_the_level_settles_the_rest_of_the_step_then_one_probe_per_step_are_asked():
    answers, result = all_no()
    assert list(answers) == [
        "scripted.ops_80pct",
        "scripted.newcomers_use_scripts",
        "scripted.in_version_control",
        "iac.all_infra_as_code",
        "cd.automated_rollback",
        "cdeploy.prod_without_approval",
        "selfheal.incidents_auto_80pct",
        "context.target_level",
    ]
    assert result.level == 0 and result.questions_asked == 8


def test_an_all_no_team_is_done_within_10_questions():
    answers, result = all_no()
    assert len(answers) <= 10 and result.questions_asked <= 10


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4, 5])
def test_every_level_is_reachable_through_the_flow(level):
    answers, result = run_flow(team_at_level(level))
    assert result.level == level == result.explanation.level
    assert result.questions_asked == len(answers) <= MAX_QUESTIONS


def test_question_counts_for_typical_teams():
    assert questions_asked_for(team_at_level(0)) == 8
    assert questions_asked_for(team_at_level(2)) == 18
    assert questions_asked_for(team_at_level(5)) == 15


def test_a_probe_catches_a_team_practising_two_levels_up():
    policy = team_at_level(1)

    def with_rollback(q: Question) -> str:
        return "yes" if q.id == "cd.automated_rollback" else policy(q)

    answers, result = run_flow(with_rollback)
    assert result.level == 1
    assert "cd.automated_rollback" in answers
    assert NudgeId.SKIP_LEVEL in [n.id for n in result.nudges]


def test_scale_questions_stop_as_soon_as_the_answer_is_clear():
    answers, _ = run_flow(team_at_level(1, {"context.environments": "5"}))
    assert "context.environments" in answers
    assert "context.engineers" not in answers  # more than 3 environments already decides it
    answers, _ = run_flow(team_at_level(1, {"context.environments": "2"}))
    assert "context.engineers" in answers


def test_culture_is_asked_only_when_heading_for_level_3_or_higher():
    low, _ = run_flow(team_at_level(1, {"context.target_level": "2"}))
    assert not any(k.startswith("culture.") for k in low)
    high, _ = run_flow(team_at_level(1, {"context.target_level": "3"}))
    assert [k for k in high if k.startswith("culture.")] == [
        "culture.blameless_reviews",
        "culture.trusts_automation",
    ]
    at_two, _ = run_flow(team_at_level(2))
    assert "culture.blameless_reviews" in at_two


def test_what_the_team_already_showed_is_not_asked_again():
    level_1, _ = run_flow(team_at_level(1))
    assert "prereq.version_control" not in level_1  # their scripts are in version control
    assert "prereq.infra_understanding" in level_1
    level_4, _ = run_flow(team_at_level(4))
    assert "culture.trusts_automation" not in level_4  # they ship with no sign-off
    assert "culture.blameless_reviews" in level_4


def test_a_level_4_team_aiming_high_meets_the_cap_and_hears_about_scale():
    others = {
        "context.target_level": "5",
        "context.strict_sla": "yes",
        "context.servers": "300",
        "context.deploys_per_day": "40",
        "culture.blameless_reviews": "yes",
    }
    answers, result = run_flow(team_at_level(4, others))
    assert result.questions_asked == MAX_QUESTIONS
    assert "context.servers" in answers
    assert [p.id for p in result.explanation.unknown_prerequisites] == [
        "prereq.advanced_observability",
        "prereq.ml_capability",
    ]
    assert NudgeId.OVER_AUTOMATION in [n.id for n in result.nudges]


def test_target_scale_facts_are_asked_only_for_the_next_step():
    near, _ = run_flow(team_at_level(3, {"context.target_level": "4"}))
    assert {"context.deploys_per_day", "context.needs_24x7"} <= set(near)
    far, _ = run_flow(team_at_level(1, {"context.target_level": "5"}))
    assert "context.strict_sla" not in far and "context.servers" not in far


# --- bounds (properties) ------------------------------------------------------------------


@settings(max_examples=200)
@given(st.data(), st.integers(min_value=0, max_value=5))
def test_nobody_is_ever_asked_more_than_20_questions(data, climb_to):
    answers, result = play(data, climb_to=climb_to)
    assert result.questions_asked == len(answers) <= MAX_QUESTIONS
    assert result.level == score(answers) >= climb_to
    assert result.level == result.explanation.level


@given(st.data())
def test_a_level_0_team_with_no_higher_practices_is_done_within_10(data):
    _, result = play(data, criteria_met=False)
    assert result.level == 0
    assert result.questions_asked <= 10


@given(st.data(), st.integers(min_value=0, max_value=5))
def test_the_flow_is_deterministic(data, climb_to):
    answers, result = play(data, climb_to=climb_to)
    assert next_step(answers) == result
    for n in range(len(answers)):
        prefix = dict(list(answers.items())[:n])
        step = next_step(prefix)
        assert isinstance(step, Question) and step.id == list(answers)[n]


# --- known facts --------------------------------------------------------------------------


def test_a_measured_fact_is_never_asked_and_does_not_count():
    known = {"scripted.ops_80pct": "85"}
    step = next_step({}, known)
    assert isinstance(step, Question) and step.id == "scripted.newcomers_use_scripts"
    answers, result = run_flow(team_at_level(5), known)
    assert "scripted.ops_80pct" not in answers
    assert result.questions_asked == 14
    assert result.facts["scripted.ops_80pct"] == "85"


def test_a_low_measured_ratio_settles_level_0_without_asking():
    answers, result = run_flow(team_at_level(5), {"scripted.ops_80pct": "40"})
    assert result.level == 0
    assert "scripted.ops_80pct" not in answers


def test_a_measured_fact_wins_over_a_typed_answer():
    known = {"scripted.ops_80pct": "40"}
    assert questions_asked({"scripted.ops_80pct": "95"}, known) == 0
    step = next_step({"scripted.ops_80pct": "95"}, known)
    assert isinstance(step, Question) and step.id == "scripted.newcomers_use_scripts"


# --- answers and re-flow ------------------------------------------------------------------


def test_answers_are_stored_in_canonical_form():
    assert apply_answer({}, "scripted.ops_80pct", "85%") == {"scripted.ops_80pct": "85"}


def test_an_unreadable_answer_is_refused_with_a_friendly_message():
    with pytest.raises(InvalidAnswer) as caught:
        apply_answer({}, "scripted.ops_80pct", "lots")
    assert "like 65" in str(caught.value)
    assert caught.value.error.example == "65"
    with pytest.raises(KeyError):
        apply_answer({}, "scripted.nope", "yes")


def test_changing_an_early_answer_drops_what_no_longer_applies_and_keeps_the_rest():
    answers, result = run_flow(team_at_level(3))
    assert result.level == 3
    changed = apply_answer(answers, "scripted.newcomers_use_scripts", "no")
    assert changed["scripted.newcomers_use_scripts"] == "no"
    # still on the path as probes: kept, with their answers
    for probe in ("iac.all_infra_as_code", "cd.automated_rollback", "context.target_level"):
        assert changed[probe] == answers[probe]
    # no longer asked: dropped
    for gone in ("iac.env_from_scratch_1h", "cd.deploy_under_10min", "prereq.feature_flags"):
        assert gone not in changed
    assert changed["scripted.in_version_control"] == "yes"  # rest of the open step: kept
    result = next_step(changed)
    assert isinstance(result, Result) and result.level == 0
    assert NudgeId.SKIP_LEVEL in [n.id for n in result.nudges]  # their IaC and CD still show


def test_a_stale_answer_to_a_question_off_the_path_changes_nothing():
    answers, _ = all_no()
    assert not is_on_path(answers, "iac.env_from_scratch_1h")
    assert apply_answer(answers, "iac.env_from_scratch_1h", "30") == answers


def test_is_on_path_covers_answered_and_next_questions():
    answers = {"scripted.ops_80pct": "85"}
    assert is_on_path(answers, "scripted.ops_80pct")
    assert is_on_path(answers, "scripted.newcomers_use_scripts")  # the next question
    assert not is_on_path(answers, "scripted.in_version_control")


@settings(max_examples=150)
@given(st.data(), st.integers(min_value=0, max_value=5))
def test_changing_any_answer_reflows_consistently(data, climb_to):
    answers, _ = play(data, climb_to=climb_to)
    order = list(answers)
    qid = data.draw(st.sampled_from(order))
    raw = data.draw(any_answer(question(qid)))
    updated = apply_answer(answers, qid, raw)

    before = order[: order.index(qid)]
    assert list(updated)[: len(before)] == before  # earlier answers untouched
    assert qid in updated
    assert all(updated[k] == answers[k] for k in updated if k != qid)
    assert all(is_on_path(updated, k) for k in updated)
    assert apply_answer(updated, qid, raw) == updated  # idempotent
    step = next_step(updated)
    assert isinstance(step, Result) or step.id not in updated
    assert questions_asked(updated) == len(updated) <= MAX_QUESTIONS


def test_criteria_of_every_step_can_be_reached():
    reached = set()
    for level in range(6):
        answers, _ = run_flow(team_at_level(level))
        reached |= set(answers)
    assert {c.id for c in CRITERIA} <= reached
