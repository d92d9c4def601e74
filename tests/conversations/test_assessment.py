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
    position,
    question_for,
    question_range,
    questions_asked,
    questions_asked_for,
    run_flow,
    team_at_level,
)
from conversations.model import CRITERIA, Question, QuestionKind, Section, criterion
from conversations.nudges import NudgeId
from conversations.scoring import AnswerError, criterion_met, parse_answer, score

TYPED = {
    QuestionKind.YES_NO: ["Yep", "partially", "not sure"],
    QuestionKind.PERCENT: ["79", "80%", "0", "about 60%", "50-79"],
    QuestionKind.MINUTES: ["9", "10 min", "59", "1h", "3 days"],
    QuestionKind.COUNT: ["0", "3", "6", "11", "51", "201", "1000"],
    QuestionKind.LEVEL: ["level 5", "5"],
}


def valid(q: Question) -> list[str]:
    """Buttons and typed answers this question (as the flow asks it) takes."""
    values = [o.value for o in q.options] + TYPED[q.kind]
    if q.kind is QuestionKind.LEVEL:
        offered = {o.value for o in q.options}
        values = [v for v in values if v.split()[-1] in offered]
    return [v for v in values if not isinstance(parse_answer(q, v), AnswerError)]


def any_answer(q: Question) -> st.SearchStrategy[str]:
    return st.sampled_from(valid(q))


def met_answers(q: Question) -> list[str]:
    c = criterion(q.id)
    return [v for v in valid(q) if criterion_met(c, v)]


def unmet_answers(q: Question) -> list[str]:
    c = criterion(q.id)
    return [v for v in valid(q) if not criterion_met(c, v)]


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


def test_a_team_with_no_sign_of_any_step_gets_one_probe_and_the_target():
    answers, result = all_no()
    assert list(answers) == [
        "scripted.ops_80pct",
        "scripted.newcomers_use_scripts",
        "scripted.in_version_control",
        "iac.all_infra_as_code",  # the single probe of the step above
        "context.target_level",
    ]
    assert result.level == 0 and result.questions_asked == 5


@pytest.mark.parametrize(
    ("probe_answers", "probes_asked"),
    [
        # No sign of infrastructure as code: nothing further up is asked about.
        ({"iac.all_infra_as_code": "no"}, ["iac.all_infra_as_code"]),
        # A sign (partly) two levels up: the next step's probe is asked, and so on.
        (
            {"iac.all_infra_as_code": "partly", "cd.automated_rollback": "no"},
            ["iac.all_infra_as_code", "cd.automated_rollback"],
        ),
        (
            {
                "iac.all_infra_as_code": "yes",
                "cd.automated_rollback": "yes",
                "cdeploy.prod_without_approval": "partly",
                "selfheal.incidents_auto_80pct": "30",
            },
            [
                "iac.all_infra_as_code",
                "cd.automated_rollback",
                "cdeploy.prod_without_approval",
                "selfheal.incidents_auto_80pct",
            ],
        ),
    ],
)
def test_probes_climb_only_while_the_team_shows_signs(probe_answers, probes_asked):
    base = team_at_level(0)
    answers, result = run_flow(lambda q: probe_answers.get(q.id, base(q)))
    above = [k for k in answers if k.split(".")[0] in ("iac", "cd", "cdeploy", "selfheal")]
    assert above == probes_asked
    assert result.level == 0


def test_a_level_0_team_is_never_asked_about_self_healing():
    answers, _ = all_no()
    assert "selfheal.incidents_auto_80pct" not in answers
    answers, _ = run_flow(team_at_level(0, {"context.target_level": "1"}))
    assert "selfheal.incidents_auto_80pct" not in answers


def test_an_all_no_team_is_done_within_5_questions():
    answers, result = all_no()
    assert len(answers) <= 5 and result.questions_asked <= 5


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4, 5])
def test_every_level_is_reachable_through_the_flow(level):
    answers, result = run_flow(team_at_level(level))
    assert result.level == level == result.explanation.level
    assert result.questions_asked == len(answers) <= MAX_QUESTIONS


@pytest.mark.parametrize(("level", "asked"), [(0, 5), (1, 11), (2, 17), (3, 20), (5, 15)])
def test_question_counts_for_teams_exactly_at_a_level(level, asked):
    assert questions_asked_for(team_at_level(level)) == asked


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


@pytest.mark.parametrize(
    ("level", "others", "culture"),
    [
        (2, {}, True),  # the next step is into 3
        (3, {"context.target_level": "4", "context.needs_24x7": "yes"}, True),
        # near misses: the next step is into 2, whatever the target
        (1, {"context.target_level": "2"}, False),
        (1, {"context.target_level": "3", "context.environments": "5"}, False),
        (0, {"context.target_level": "3"}, False),
    ],
)
def test_culture_is_asked_only_when_the_next_step_is_into_level_3_or_higher(level, others, culture):
    answers, _ = run_flow(team_at_level(level, others))
    asked = [k for k in answers if k.startswith("culture.")]
    assert bool(asked) is culture


@pytest.mark.parametrize(
    ("others", "ready"),
    [
        ({"context.services": "25"}, True),  # the step into 3 pays off
        ({"context.services": "skip", "context.deploys_per_day": "skip"}, True),  # can't tell
        ({"context.services": "5", "context.deploys_per_day": "1"}, True),  # but they aim at 3
        # near misses: it doesn't pay off and the target is none, or one their scale
        # doesn't justify
        (
            {
                "context.services": "5",
                "context.deploys_per_day": "1",
                "context.target_level": "skip",
            },
            False,
        ),
        (
            {
                "context.services": "5",
                "context.deploys_per_day": "1",
                "context.target_level": "5",
                "context.strict_sla": "no",
            },
            False,
        ),
    ],
)
def test_getting_ready_is_asked_only_when_the_team_is_going_to_take_the_step(others, ready):
    answers, _ = run_flow(team_at_level(2, {"context.target_level": "3", **others}))
    asked = [k for k in answers if k.startswith(("culture.", "prereq."))]
    assert bool(asked) is ready


def test_what_the_team_already_showed_is_not_asked_again():
    level_1, _ = run_flow(team_at_level(1))
    assert "prereq.version_control" not in level_1  # their scripts are in version control
    assert "prereq.infra_understanding" in level_1
    iac_done = team_at_level(1)
    answers, _ = run_flow(lambda q: "yes" if q.id == "iac.all_infra_as_code" else iac_done(q))
    assert "prereq.infra_understanding" not in answers  # all their infrastructure is code
    level_4, _ = run_flow(team_at_level(4, {"context.strict_sla": "yes"}))
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


# --- item 3: the target's scale is asked however far away it is -------------------------


SMALL = {
    "context.engineers": "2",
    "context.environments": "1",
    "context.deploys_per_day": "1",
    "context.needs_24x7": "no",
}


@pytest.mark.parametrize(
    ("level", "target", "asked", "warned"),
    [
        # the target two or more levels up: its scale facts are asked, and it is judged
        (0, "4", {"context.deploys_per_day", "context.needs_24x7"}, True),
        (1, "4", {"context.deploys_per_day", "context.needs_24x7"}, True),
        (1, "5", {"context.strict_sla"}, True),
        (2, "5", {"context.strict_sla"}, True),
        (3, "4", {"context.deploys_per_day", "context.needs_24x7"}, True),  # the next step
        # near misses: a target no scale rule weighs (2, 3) asks nothing of the kind
        (0, "2", set(), False),
        (1, "3", set(), False),
    ],
)
def test_the_targets_scale_is_asked_and_judged_whenever_it_is_above(level, target, asked, warned):
    others = {**SMALL, "context.target_level": target, "context.needs_24x7": "no"}
    others["context.strict_sla"] = "no"
    answers, result = run_flow(team_at_level(level, others))
    fit_facts = {"context.deploys_per_day", "context.needs_24x7", "context.strict_sla"}
    assert asked <= set(answers)
    if not asked:
        assert not ({"context.needs_24x7", "context.strict_sla"} & set(answers))
    assert (NudgeId.OVER_AUTOMATION in [n.id for n in result.nudges]) is warned
    assert fit_facts


def test_a_two_person_team_aiming_at_level_4_hears_about_over_automation():
    """The issue's case: 2 engineers, 1 environment, aiming at level 4 from level 1."""
    answers, result = run_flow(team_at_level(1, {**SMALL, "context.target_level": "4"}))
    assert {"context.deploys_per_day", "context.needs_24x7"} <= set(answers)
    over = next(n for n in result.nudges if n.id is NudgeId.OVER_AUTOMATION)
    assert "level 4" in over.seen
    assert "Levels 3–4" in result.explanation.target_note


# --- item 6: how many questions to expect ------------------------------------------------


def test_the_range_at_the_start_spans_the_shortest_and_longest_check_ins():
    low, high = question_range({})
    assert (low, high) == (5, MAX_QUESTIONS)
    assert all_no()[1].questions_asked == low
    assert questions_asked_for(team_at_level(3)) == high


def test_the_range_narrows_once_the_level_is_known():
    answers, result = all_no()
    prefix = dict(list(answers.items())[:3])  # level 0 settled
    low, high = question_range(prefix)
    assert low <= result.questions_asked <= high < MAX_QUESTIONS


@settings(max_examples=60, deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=12))
def test_every_check_in_ends_within_the_range_quoted_on_the_way(data, climb_to, cut):
    answers, result = play(data, climb_to=climb_to)
    prefix = dict(list(answers.items())[:cut])
    low, high = question_range(prefix)
    assert low <= result.questions_asked <= high


# --- item 13: the target question ---------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_the_target_offers_only_levels_above_the_teams(level):
    answers: dict[str, str] = {}
    policy = team_at_level(level)
    while not isinstance(step := next_step(answers), Result) and step.id != "context.target_level":
        answers = apply_answer(answers, step.id, policy(step))
    assert isinstance(step, Question)
    assert step.section is Section.GOAL
    assert [o.value for o in step.options] == [*(str(n) for n in range(level + 1, 6)), "skip"]
    assert step.options[0].label == f"Level {level + 1}"
    assert question_for("context.target_level", answers) == step
    with pytest.raises(InvalidAnswer, match=f"level {level} already"):
        apply_answer(answers, "context.target_level", str(level))  # near miss: not above
    assert apply_answer(answers, "context.target_level", str(level + 1))


def test_a_target_overtaken_by_a_changed_answer_is_asked_again():
    answers, _ = run_flow(team_at_level(0, {"context.target_level": "1"}))
    climbed = apply_answer(answers, "scripted.ops_80pct", "90")
    climbed = apply_answer(climbed, "scripted.newcomers_use_scripts", "yes")
    climbed = apply_answer(climbed, "scripted.in_version_control", "yes")
    climbed = apply_answer(climbed, "iac.env_from_scratch_1h", "2h")
    climbed = apply_answer(climbed, "iac.no_manual_changes", "no")
    assert climbed["context.target_level"] == "1"  # not reached yet: kept for now
    climbed = apply_answer(climbed, "cd.automated_rollback", "no")
    assert "context.target_level" not in climbed  # "level 1" is no target for a level-1 team
    step = next_step(climbed)
    assert isinstance(step, Question) and step.id == "context.target_level"
    assert [o.value for o in step.options] == ["2", "3", "4", "5", "skip"]


# --- bounds (properties) ------------------------------------------------------------------


@settings(max_examples=200)
@given(st.data(), st.integers(min_value=0, max_value=5))
def test_nobody_is_ever_asked_more_than_20_questions(data, climb_to):
    answers, result = play(data, climb_to=climb_to)
    assert result.questions_asked == len(answers) <= MAX_QUESTIONS
    assert result.level == score(answers) >= climb_to
    assert result.level == result.explanation.level


@given(st.data())
def test_a_level_0_team_with_no_higher_practices_is_done_within_11(data):
    _, result = play(data, criteria_met=False)
    assert result.level == 0
    assert result.questions_asked <= 11  # 3 + at most 4 probes + target + 3 scale facts


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


def test_climbing_after_a_change_keeps_the_answers_still_asked_later():
    """The issue's case: a level-0 team corrects its scripted share; the step-2 questions
    the change opens are asked, and the probes and target answered before are not."""
    base = team_at_level(0, {"context.target_level": "3"})
    signs = {"iac.all_infra_as_code": "partly", "cd.automated_rollback": "partly"}
    answers, _ = run_flow(lambda q: signs.get(q.id, base(q)))
    changed = apply_answer(
        {**answers, "scripted.newcomers_use_scripts": "yes", "scripted.in_version_control": "yes"},
        "scripted.ops_80pct",
        "90",
    )
    for kept in ("cd.automated_rollback", "cdeploy.prod_without_approval", "context.target_level"):
        assert changed[kept] == answers[kept]
    step = next_step(changed)
    assert isinstance(step, Question) and step.id == "iac.env_from_scratch_1h"
    asked_again = []
    while not isinstance(step := next_step(changed), Result):
        asked_again.append(step.id)
        changed = apply_answer(changed, step.id, base(step))
    assert not set(asked_again) & set(answers)  # nothing answered before is asked again
    assert asked_again[:2] == ["iac.env_from_scratch_1h", "iac.no_manual_changes"]


def test_a_stale_answer_to_a_question_off_the_path_changes_nothing():
    answers, _ = all_no()
    assert not is_on_path(answers, "iac.env_from_scratch_1h")
    assert apply_answer(answers, "iac.env_from_scratch_1h", "30") == answers


def test_is_on_path_covers_answered_and_next_questions():
    answers = {"scripted.ops_80pct": "85"}
    assert is_on_path(answers, "scripted.ops_80pct")
    assert is_on_path(answers, "scripted.newcomers_use_scripts")  # the next question
    assert not is_on_path(answers, "scripted.in_version_control")


def test_questions_are_numbered_by_their_place_on_the_path():
    answers, _ = all_no()
    assert [position(answers, k) for k in answers] == [1, 2, 3, 4, 5]
    assert position({"scripted.ops_80pct": "85"}, "scripted.newcomers_use_scripts") == 2


@settings(max_examples=150, deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=5))
def test_changing_any_answer_reflows_consistently(data, climb_to):
    answers, _ = play(data, climb_to=climb_to)
    order = list(answers)
    qid = data.draw(st.sampled_from(order))
    raw = data.draw(any_answer(question_for(qid, answers)))
    updated = apply_answer(answers, qid, raw)

    before = order[: order.index(qid)]
    assert list(updated)[: len(before)] == before  # earlier answers untouched
    assert qid in updated
    assert all(updated[k] == answers[k] for k in updated if k != qid)
    assert apply_answer(updated, qid, raw) == updated  # idempotent
    step = next_step(updated)
    assert isinstance(step, Result) or step.id not in updated
    assert questions_asked(updated) <= len(updated)
    # Carrying on with the same answers as before asks nothing that was answered before.
    carried, asked = dict(updated), []
    while not isinstance(step := next_step(carried), Result):
        asked.append(step.id)
        again = answers.get(step.id)
        raw = again if again in valid(step) else data.draw(any_answer(step))
        carried = apply_answer(carried, step.id, raw)
    assert not [k for k in asked if k in answers and k != qid]
    assert questions_asked(carried) == len(carried) <= MAX_QUESTIONS


def test_criteria_of_every_step_can_be_reached():
    reached = set()
    for level in range(6):
        answers, _ = run_flow(team_at_level(level))
        reached |= set(answers)
    assert {c.id for c in CRITERIA} <= reached
