"""The maturity model: ids are contracts, the questions are answerable, the limits hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations import model
from conversations.model import (
    ADVANCE_RULES,
    CONTEXT_IDS,
    CRITERIA,
    CULTURE_IDS,
    IMPLIED_BY,
    PREREQUISITES,
    QUESTIONS,
    STEPS,
    TARGET_FIT,
    Comparison,
    CriterionKind,
    Level,
    QuestionKind,
    Section,
    criteria_for_step,
    criterion,
    level_name,
    prerequisites_for_step,
    question,
    step_into,
    target_question,
)
from conversations.scoring import AnswerError, condition_holds, criterion_met, parse_answer

_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"
SEED_DIR_EXISTS = _SEED.is_dir()
SEED_TEXT = " ".join(p.read_text() for p in _SEED.glob("*.txt")) if SEED_DIR_EXISTS else ""

DESIGN_CRITERIA = {
    1: ["scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control"],
    2: ["iac.all_infra_as_code", "iac.env_from_scratch_1h", "iac.no_manual_changes"],
    3: ["cd.deploy_under_10min", "cd.automated_rollback", "cd.all_services_pipelines"],
    4: [
        "cdeploy.prod_without_approval",
        "cdeploy.auto_rollback_on_errors",
        "cdeploy.flags_control_releases",
    ],
    5: [
        "selfheal.incidents_auto_80pct",
        "selfheal.predictive_scaling",
        "selfheal.auto_cost_optimization",
    ],
}


def test_levels_are_named_as_in_the_design():
    assert [level_name(n) for n in range(6)] == [
        "Manual",
        "Scripted",
        "Infrastructure as code",
        "Continuous delivery",
        "Continuous deployment",
        "Self-healing",
    ]
    assert Level(3).label == "Continuous delivery"


@pytest.mark.parametrize("bad", [-1, 6, 10])
def test_level_name_rejects_levels_off_the_ladder(bad):
    with pytest.raises(ValueError, match="0 to 5"):
        level_name(bad)


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_each_step_has_the_design_criteria_in_order(step):
    assert [c.id for c in criteria_for_step(step)] == DESIGN_CRITERIA[step]
    assert all(c.step == step for c in criteria_for_step(step))


def test_all_fifteen_criteria_in_ladder_order():
    assert [c.id for c in CRITERIA] == [cid for s in range(1, 6) for cid in DESIGN_CRITERIA[s]]


@pytest.mark.parametrize(
    ("cid", "kind", "threshold", "comparison"),
    [
        ("scripted.ops_80pct", CriterionKind.PERCENT, 80, Comparison.AT_LEAST),
        ("iac.env_from_scratch_1h", CriterionKind.MINUTES, 60, Comparison.LESS_THAN),
        ("cd.deploy_under_10min", CriterionKind.MINUTES, 10, Comparison.LESS_THAN),
        ("selfheal.incidents_auto_80pct", CriterionKind.PERCENT, 80, Comparison.AT_LEAST),
        ("cd.automated_rollback", CriterionKind.YES_NO, None, Comparison.IS_YES),
    ],
)
def test_numeric_criteria_carry_the_seed_thresholds(cid, kind, threshold, comparison):
    c = criterion(cid)
    assert (c.kind, c.threshold, c.comparison) == (kind, threshold, comparison)


def test_unknown_ids_are_reported_by_name():
    with pytest.raises(KeyError, match=r"iac\.nope"):
        criterion("iac.nope")
    with pytest.raises(KeyError, match=r"context\.nope"):
        question("context.nope")
    with pytest.raises(ValueError):
        criteria_for_step(6)
    with pytest.raises(ValueError):
        step_into(0)


def test_steps_carry_names_durations_and_probes():
    assert [s.into for s in STEPS] == [1, 2, 3, 4, 5]
    assert [s.name for s in STEPS] == [level_name(n) for n in range(1, 6)]
    assert [s.typical_duration for s in STEPS] == [
        "about 1 month",
        "about 3 months",
        "about 3–6 months",
        "about 6–12 months",
        "12 months or more",
    ]
    assert [s.duration_months for s in STEPS] == [(1, 1), (3, 3), (3, 6), (6, 12), (12, None)]
    assert [s.probe for s in STEPS[1:]] == [
        "iac.all_infra_as_code",
        "cd.automated_rollback",
        "cdeploy.prod_without_approval",
        "selfheal.incidents_auto_80pct",
    ]
    for s in STEPS:
        assert s.probe in s.criterion_ids
        assert s.first_move


def test_context_prerequisite_and_culture_ids():
    assert CONTEXT_IDS == (
        "context.engineers",
        "context.environments",
        "context.services",
        "context.deploys_per_day",
        "context.needs_24x7",
        "context.strict_sla",
        "context.servers",
        "context.target_level",
    )
    assert {s: [p.id for p in prerequisites_for_step(s)] for s in range(1, 6)} == {
        1: [],
        2: ["prereq.version_control", "prereq.infra_understanding"],
        3: ["prereq.comprehensive_tests", "prereq.staging_env"],
        4: ["prereq.feature_flags", "prereq.metrics_monitoring"],
        5: ["prereq.advanced_observability", "prereq.ml_capability"],
    }
    assert CULTURE_IDS == ("culture.blameless_reviews", "culture.trusts_automation")


def test_every_id_has_exactly_one_question():
    ids = [c.id for c in CRITERIA] + list(CONTEXT_IDS) + [p.id for p in PREREQUISITES]
    ids += list(CULTURE_IDS)
    assert sorted(ids) == sorted(QUESTIONS)
    assert len(QUESTIONS) == 33
    assert question("context.needs_24x7").kind is QuestionKind.YES_NO
    assert question("context.target_level").kind is QuestionKind.LEVEL
    assert question("context.servers").kind is QuestionKind.COUNT
    assert question("iac.env_from_scratch_1h").kind is QuestionKind.MINUTES
    assert question("prereq.staging_env").section is Section.PREREQUISITES


def test_yes_no_questions_offer_yes_no_partly_skip():
    for q in QUESTIONS.values():
        if q.kind is QuestionKind.YES_NO:
            assert [o.value for o in q.options] == ["yes", "no", "partly", "skip"]
            assert not q.accepts_typing


@pytest.mark.parametrize("q", list(QUESTIONS.values()), ids=lambda q: q.id)
def test_every_button_and_the_hint_example_read_back_as_valid_answers(q):
    values = [o.value for o in q.options]
    assert values[-1] == "skip"
    assert len(set(values)) == len(values)
    assert len({o.label for o in q.options}) == len(q.options)
    for value in [*values, q.example]:
        assert not isinstance(parse_answer(q, value), AnswerError), (q.id, value)
    if q.kind in (QuestionKind.PERCENT, QuestionKind.MINUTES, QuestionKind.COUNT):
        assert len(values) >= 3  # at least two ranges and skip
        assert q.hint and q.accepts_typing


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.id)
def test_buttons_let_a_team_answer_a_criterion_either_way(c):
    values = [o.value for o in question(c.id).options]
    outcomes = {criterion_met(c, v) for v in values if v != "skip"}
    assert outcomes == {True, False}


def test_range_buttons_sit_on_both_sides_of_every_scale_bar():
    conditions = [
        cond
        for req in (*ADVANCE_RULES.values(), *TARGET_FIT.values())
        for clause in req.clauses
        for cond in clause
    ]
    for cond in conditions:
        values = [o.value for o in question(cond.fact_id).options if o.value != "skip"]
        outcomes = {condition_holds(cond, {cond.fact_id: v}) for v in values}
        assert outcomes == {True, False}, cond.text


def test_range_buttons_read_the_way_their_labels_say():
    deploy = {o.label: o.value for o in question("cd.deploy_under_10min").options}
    assert criterion_met("cd.deploy_under_10min", deploy["under 10 min"])
    assert not criterion_met("cd.deploy_under_10min", deploy["10–30 min"])
    share = {o.label: o.value for o in question("scripted.ops_80pct").options}
    assert criterion_met("scripted.ops_80pct", share["80% or more"])
    assert not criterion_met("scripted.ops_80pct", share["50–79%"])


def test_questions_fit_slack_limits():
    for q in QUESTIONS.values():
        assert len(q.id) <= 255  # block_id
        assert len(q.prompt) <= 300  # short enough to read in a message
        for o in q.options:
            assert len(o.label) <= 75  # button text
            assert len(o.value) <= 2000  # button value


def test_scale_rules_cover_steps_two_to_five_and_targets_four_and_five():
    assert sorted(ADVANCE_RULES) == [2, 3, 4, 5]
    assert ADVANCE_RULES[2].fact_ids == ("context.environments", "context.engineers")
    assert ADVANCE_RULES[3].fact_ids == ("context.services", "context.deploys_per_day")
    assert set(ADVANCE_RULES[4].fact_ids) == {"context.deploys_per_day", "context.needs_24x7"}
    assert set(ADVANCE_RULES[5].fact_ids) == {"context.deploys_per_day", "context.strict_sla"}
    assert sorted(TARGET_FIT) == [4, 5]
    assert set(TARGET_FIT[5].fact_ids) == {
        "context.strict_sla",
        "context.servers",
        "context.deploys_per_day",
    }


@pytest.mark.parametrize("q", list(QUESTIONS.values()), ids=lambda q: q.id)
def test_each_range_button_stands_for_its_range_on_every_bar(q):
    """A band never straddles a bar its number is held against: the representative number
    gives the same verdict as every number in the range would."""
    bars = [
        (cond.comparison, cond.value)
        for req in (*ADVANCE_RULES.values(), *TARGET_FIT.values())
        for clause in req.clauses
        for cond in clause
        if cond.fact_id == q.id
    ]
    if q.section is Section.CRITERIA and criterion(q.id).is_numeric:
        c = criterion(q.id)
        bars.append((c.comparison, c.threshold))
    for option in q.options:
        if option.band is None:
            assert option.value == "skip" or q.kind in (QuestionKind.YES_NO, QuestionKind.LEVEL)
            continue
        parsed = parse_answer(q, option.band)
        assert not isinstance(parsed, AnswerError) and parsed.value == option.band
        low, high = _edges(option.band)
        assert low <= float(option.value) <= high, option
        for comparison, threshold in bars:
            verdict = {_holds(comparison, x, threshold) for x in (low, float(option.value), high)}
            assert len(verdict) == 1, (q.id, option.label, threshold)


def _edges(band: str) -> tuple[float, float]:
    if band.startswith("<"):
        return 0.0, float(band[1:]) - 0.001
    if band.startswith(">"):
        return float(band[1:]) + 0.001, 1e9
    if band.endswith("+"):
        return float(band[:-1]), 1e9
    low, high = band.split("-")
    return float(low), float(high)


def _holds(comparison: Comparison, x: float, threshold: float | None) -> bool:
    assert threshold is not None
    return {
        Comparison.AT_LEAST: x >= threshold,
        Comparison.MORE_THAN: x > threshold,
        Comparison.LESS_THAN: x < threshold,
    }[comparison]


def test_the_target_question_sits_with_the_goal_and_never_offers_level_0():
    q = question("context.target_level")
    assert q.section is Section.GOAL
    assert [o.value for o in q.options] == ["1", "2", "3", "4", "5", "skip"]
    assert [o.value for o in target_question(3).options] == ["4", "5", "skip"]
    assert target_question(3).id == "context.target_level"  # the block id contract
    assert [o.label for o in target_question(3).options] == ["Level 4", "Level 5", "Not sure"]


@pytest.mark.parametrize(
    ("qid", "low", "high"),
    [
        ("context.engineers", 1, 10_000),
        ("context.environments", 1, 1_000),
        ("context.services", 0, 100_000),
        ("context.servers", 0, 10_000_000),
        ("iac.env_from_scratch_1h", 0, 90 * 24 * 60),
        ("cd.deploy_under_10min", 0, 7 * 24 * 60),
    ],
)
def test_numeric_questions_know_what_a_sane_answer_is(qid, low, high):
    bounds = question(qid).bounds
    assert bounds is not None and (bounds.low, bounds.high) == (low, high)
    for option in question(qid).options:
        if option.value != "skip":
            assert bounds.holds(float(option.value))


# --- the facts, pinned to the article ------------------------------------------------------


@pytest.mark.skipif(not SEED_DIR_EXISTS, reason="../shared/seed is not here (a fresh clone)")
@pytest.mark.parametrize(
    ("phrase", "fact"),
    [
        ("80% of operations scripted", ("scripted.ops_80pct", 80)),
        ("from scratch in <1 hour", ("iac.env_from_scratch_1h", 60)),
        ("Deployment time <10 minutes", ("cd.deploy_under_10min", 10)),
        ("80% incidents auto-remediated", ("selfheal.incidents_auto_80pct", 80)),
    ],
)
def test_each_criterion_threshold_is_the_articles(phrase, fact):
    assert phrase in " ".join(SEED_TEXT.split())
    cid, threshold = fact
    assert criterion(cid).threshold == threshold


@pytest.mark.skipif(not SEED_DIR_EXISTS, reason="../shared/seed is not here (a fresh clone)")
@pytest.mark.parametrize(
    ("phrase", "rule", "conditions"),
    [
        (">3 environments or >5 engineers", ADVANCE_RULES[2], {(">", 3), (">", 5)}),
        (">10 services or multiple daily deployments", ADVANCE_RULES[3], {(">", 10), (">=", 2)}),
        (
            ">50 deployments/day or need 24/7 availability",
            ADVANCE_RULES[4],
            {(">", 50), ("yes", None)},
        ),
        (">200 deployments/day or strict SLA", ADVANCE_RULES[5], {(">", 200), ("yes", None)}),
        (
            "High-scale operations (1000+ servers), strict SLAs",
            TARGET_FIT[5],
            {("yes", None), (">=", 1000), (">", 200)},
        ),
    ],
)
def test_each_scale_bar_is_the_articles(phrase, rule, conditions):
    assert phrase in " ".join(SEED_TEXT.split())
    found = {(c.comparison.value, c.value) for clause in rule.clauses for c in clause}
    assert found == conditions


@pytest.mark.skipif(not SEED_DIR_EXISTS, reason="../shared/seed is not here (a fresh clone)")
def test_the_sweet_spot_is_the_articles():
    assert "Level 3-4 is the sweet spot" in SEED_TEXT
    assert model.SWEET_SPOT == (3, 4)


def test_implied_facts_point_from_questions_to_criteria():
    for fact_id, criterion_id in IMPLIED_BY.items():
        assert fact_id in QUESTIONS
        assert criterion(criterion_id).kind is CriterionKind.YES_NO


# --- our own words ------------------------------------------------------------------------

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%]+", text.lower())


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _our_strings() -> list[str]:
    from conversations.nudges import broken_process_nudge, over_automation_runbook_nudge

    texts = []
    for q in QUESTIONS.values():
        texts += [q.prompt, q.hint, *(o.label for o in q.options)]
    texts += [c.label for c in CRITERIA] + [p.label for p in PREREQUISITES]
    texts += [s.first_move for s in STEPS]
    from conversations.assessment import run_flow, team_at_level
    from conversations.explain import explain

    nudges = [broken_process_nudge("x"), over_automation_runbook_nudge("x", 1, 1)]
    others = {
        "context.target_level": "5",
        "context.strict_sla": "no",
        "culture.blameless_reviews": "no",
        "culture.trusts_automation": "partly",
        "context.environments": "9",
    }
    for level in range(6):
        answers, result = run_flow(team_at_level(level, others))
        answers_high = answers | {"cd.automated_rollback": "yes", "context.target_level": "4"}
        e = explain(answers)
        texts += [e.summary, *e.in_place, *(b.detail for b in e.blockers)]
        nudges += [*result.nudges, *next_step_nudges(answers_high)]
    for n in nudges:
        texts += [n.title, n.seen, n.why, n.action]
    return texts


def next_step_nudges(answers):
    from conversations.nudges import assessment_nudges

    return assessment_nudges(answers)


@pytest.mark.skipif(not SEED.is_dir(), reason="../shared/seed is not here (a fresh clone)")
def test_no_sentence_is_lifted_from_the_seed_text():
    seed = " ".join(p.read_text() for p in SEED.glob("*.txt"))
    seed_grams = _ngrams(seed, 6)
    ours = _our_strings()
    assert len(ours) > 100
    lifted = [t for t in ours if _ngrams(t, 6) & seed_grams]
    assert lifted == []


def test_model_module_has_no_slack_or_database_imports():
    source = Path(model.__file__).parent
    for path in source.glob("*.py"):
        text = path.read_text()
        for banned in ("slack_bolt", "slack_sdk", "sqlmodel", "sqlalchemy", "storage"):
            assert not re.search(rf"^\s*(from|import)\s+{banned}", text, re.M), (path, banned)
