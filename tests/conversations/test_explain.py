"""What a team reads after a check-in: its level, what blocks the next one, whether it pays."""

from __future__ import annotations

import pytest

from conversations.explain import STATUS_WORDS, explain, fact_phrase, scale_reason
from conversations.model import CRITERIA
from conversations.scoring import Status

MET = {"yes_no": "yes", "percent": "90", "minutes": "5"}


def all_met(*steps: int) -> dict[str, str]:
    return {c.id: MET[c.kind.value] for c in CRITERIA if c.step in steps}


def test_a_team_with_nothing_in_place_is_at_level_0_with_scripting_next():
    e = explain({})
    assert (e.level, e.level_name) == (0, "Manual")
    assert e.in_place == ()
    assert e.next_step is not None and e.next_step.into == 1
    assert e.next_step.typical_duration == "about 1 month"
    assert [b.status for b in e.blockers] == [Status.UNKNOWN] * 3
    assert e.pays_off is True
    assert "no size bar" in e.pays_off_reason
    assert "Level 0" in e.summary


def test_blockers_show_each_open_criterion_with_the_teams_status_and_number():
    answers = all_met(1, 2) | {"cd.deploy_under_10min": "25", "cd.automated_rollback": "partly"}
    e = explain(answers)
    assert e.level == 2
    assert [(b.criterion.id, b.status, b.value) for b in e.blockers] == [
        ("cd.deploy_under_10min", Status.NOT_MET, 25.0),
        ("cd.automated_rollback", Status.PARTLY, None),
        ("cd.all_services_pipelines", Status.UNKNOWN, None),
    ]
    assert [b.detail for b in e.blockers] == ["not yet: 25 min today", "partly", "not answered"]
    assert e.next_step is not None
    assert (e.next_step.into, e.next_step.name) == (3, "Continuous delivery")
    assert e.next_step.typical_duration == "about 3–6 months"


def test_met_criteria_of_the_next_step_are_in_place_but_not_blockers():
    answers = all_met(1) | {"iac.all_infra_as_code": "yes", "iac.env_from_scratch_1h": "45"}
    e = explain(answers)
    assert e.level == 1
    assert [b.criterion.id for b in e.blockers] == ["iac.no_manual_changes"]
    assert e.next_step is not None
    assert [p.status for p in e.next_step.criteria] == [Status.MET, Status.MET, Status.UNKNOWN]
    assert "All infrastructure is declared in code" in e.in_place
    assert "Level 1 (Scripted): every check met" in e.in_place


def test_practices_above_the_next_step_are_noted_as_not_counted_yet():
    e = explain(all_met(1) | {"cd.automated_rollback": "yes"})
    assert e.level == 1
    assert [c.id for c in e.met_above] == ["cd.automated_rollback"]
    assert any("counted later" in line for line in e.in_place)


def test_pays_off_quotes_the_bar_and_the_teams_numbers():
    answers = all_met(1, 2) | {"context.services": "14", "context.deploys_per_day": "1"}
    e = explain(answers)
    assert e.pays_off is True
    assert "14 services" in e.pays_off_reason
    assert "more than 10 services or 2 or more deploys a day" in e.pays_off_reason


def test_not_paying_off_yet_says_so_with_the_numbers():
    answers = all_met(1, 2) | {"context.services": "4", "context.deploys_per_day": "1"}
    e = explain(answers)
    assert e.pays_off is False
    assert e.pays_off_reason.startswith("Not worth it yet")
    assert "4 services" in e.pays_off_reason and "once a day" in e.pays_off_reason


def test_unknown_scale_means_we_cannot_tell_and_ask_for_numbers():
    e = explain(all_met(1, 2, 3) | {"context.deploys_per_day": "12"})
    assert e.pays_off is None
    assert "Can't tell yet" in e.pays_off_reason
    assert "12 times a day" in e.pays_off_reason


def test_level_5_is_not_worth_it_on_a_small_estate_even_with_a_strict_sla():
    answers = all_met(1, 2, 3, 4) | {
        "context.strict_sla": "yes",
        "context.servers": "200",
        "context.deploys_per_day": "20",
    }
    e = explain(answers)
    assert e.pays_off is False
    assert "200 servers" in e.pays_off_reason and "1,000 or more servers" in e.pays_off_reason
    bigger = explain(answers | {"context.servers": "1500"})
    assert bigger.pays_off is True


def test_scale_reason_covers_yes_no_facts():
    reason = scale_reason(5, {"context.strict_sla": "no", "context.deploys_per_day": "30"})
    assert "no strict SLA" in reason and "30 times a day" in reason
    assert "24/7" in scale_reason(4, {"context.needs_24x7": "yes"})


def test_missing_prerequisites_are_the_ones_answered_no_or_partly():
    answers = all_met(1, 2) | {
        "prereq.comprehensive_tests": "no",
        "prereq.staging_env": "partly",
    }
    e = explain(answers)
    assert [p.id for p in e.missing_prerequisites] == [
        "prereq.comprehensive_tests",
        "prereq.staging_env",
    ]
    assert e.unknown_prerequisites == ()
    ready = explain(all_met(1, 2) | {"prereq.comprehensive_tests": "yes"})
    assert ready.missing_prerequisites == ()
    assert [p.id for p in ready.unknown_prerequisites] == ["prereq.staging_env"]


def test_a_prerequisite_already_shown_by_a_criterion_is_not_missing():
    e = explain(all_met(1))  # scripts in version control: version control is there
    assert "prereq.version_control" not in [p.id for p in e.missing_prerequisites]
    assert [p.id for p in e.unknown_prerequisites] == ["prereq.infra_understanding"]


def test_the_summary_is_two_or_three_plain_lines_naming_the_level():
    for answers in ({}, all_met(1), all_met(1, 2, 3), all_met(1, 2, 3, 4, 5)):
        e = explain(answers)
        lines = e.summary.splitlines()
        assert 2 <= len(lines) <= 3
        assert f"Level {e.level}" in lines[0]
        assert "<" not in e.summary


def test_level_5_has_no_next_step_and_says_so_kindly():
    e = explain(all_met(1, 2, 3, 4, 5))
    assert e.level == 5 and e.at_top
    assert e.next_step is None
    assert e.blockers == () and e.missing_prerequisites == ()
    assert e.pays_off is None
    assert "top of the ladder" in e.summary
    assert len(e.in_place) == 5


# --- item 2: partial progress, said as it is ----------------------------------------------

STEP_1_OPEN = {"scripted.newcomers_use_scripts": "no", "scripted.in_version_control": "yes"}


@pytest.mark.parametrize(
    ("share", "first_line", "detail"),
    [
        # the range button: the range, never the number the button carries
        (
            "50-79",
            "You're at Level 0, Manual, and on the way to Level 1: 50–79% of routine "
            "operations scripted (the bar is 80%) and 1 of 3 checks done.",
            "not yet: 50–79% today",
        ),
        # typed: what they typed
        (
            "65",
            "You're at Level 0, Manual, and on the way to Level 1: 65% of routine operations "
            "scripted (the bar is 80%) and 1 of 3 checks done.",
            "not yet: 65% today",
        ),
        # near miss: under half, nothing else done: most of it is still by hand
        ("<50", "You're at Level 0, Manual: most of the work is still done by hand.", None),
    ],
)
def test_partial_progress_is_described_as_progress(share, first_line, detail):
    answers = {"scripted.ops_80pct": share, **STEP_1_OPEN}
    if share == "<50":
        answers["scripted.in_version_control"] = "no"
    e = explain(answers)
    assert e.summary.splitlines()[0] == first_line
    ops = next(b for b in e.blockers if b.criterion.id == "scripted.ops_80pct")
    if detail is not None:
        assert ops.detail == detail
    assert "65%" not in e.summary or share == "65"


def test_a_range_button_never_turns_into_an_invented_figure():
    answers = all_met(1, 2) | {
        "cd.deploy_under_10min": "10-30",
        "context.services": "1-10",
        "context.deploys_per_day": "2-50",
    }
    e = explain(answers)
    deploy = next(b for b in e.blockers if b.criterion.id == "cd.deploy_under_10min")
    assert deploy.value is None and deploy.detail == "not yet: 10–30 min today"
    assert fact_phrase("context.deploys_per_day", answers) == "you deploy 2–50 times a day"
    assert fact_phrase("context.services", answers) == "you run 1–10 services"
    assert "10 times" not in e.pays_off_reason and "2–50" in e.pays_off_reason
    typed = answers | {"context.deploys_per_day": "12"}
    assert fact_phrase("context.deploys_per_day", typed) == "you deploy 12 times a day"


def test_every_criterion_line_says_its_status_in_words():
    e = explain(all_met(1) | {"iac.all_infra_as_code": "partly", "iac.env_from_scratch_1h": "45"})
    assert e.next_step is not None
    for p in e.next_step.criteria:
        assert p.detail.split(":")[0] == STATUS_WORDS[p.status]


# --- item 3: the sweet spot, when the target is 4 or 5 -------------------------------------


@pytest.mark.parametrize(
    ("facts", "says"),
    [
        (
            {
                "context.target_level": "4",
                "context.deploys_per_day": "<2",
                "context.needs_24x7": "no",
            },
            ["Levels 3–4 give most organisations the best return", "level 3 is the better aim"],
        ),
        (
            {"context.target_level": "4", "context.needs_24x7": "yes"},
            ["Levels 3–4", "level 4 is a sound aim"],
        ),
        (
            {"context.target_level": "5", "context.strict_sla": "no"},
            ["Levels 3–4", "level 4 is the better aim"],
        ),
        ({"context.target_level": "5"}, ["Levels 3–4", "depends on a strict SLA"]),
    ],
)
def test_a_target_of_4_or_5_hears_where_the_sweet_spot_is(facts, says):
    e = explain(all_met(1) | facts)
    assert e.target == int(facts["context.target_level"])
    for phrase in says:
        assert phrase in e.target_note


@pytest.mark.parametrize("target", ["2", "3", "skip"])
def test_near_miss_a_target_of_3_or_less_gets_no_sweet_spot_note(target):
    assert explain(all_met(1) | {"context.target_level": target}).target_note == ""
