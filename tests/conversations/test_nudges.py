"""Every nudge rule: a minimal case that fires it and a near miss that does not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.model import CRITERIA
from conversations.nudges import (
    COOLDOWNS,
    NudgeId,
    assessment_nudges,
    broken_process_nudge,
    monthly_toil,
    over_automation_runbook_nudge,
)

MET = {"yes_no": "yes", "percent": "90", "minutes": "5"}
NOT_MET = {"yes_no": "no", "percent": "30", "minutes": "120"}


def at_level(level: int, **facts: str) -> dict[str, str]:
    """A team exactly at ``level`` (the next step's first criterion answered no)."""
    answers = {c.id: MET[c.kind.value] for c in CRITERIA if c.step <= level}
    if level < 5:
        first = next(c for c in CRITERIA if c.step == level + 1)
        answers[first.id] = NOT_MET[first.kind.value]
    answers.update({f"context.{k}" if "." not in k else k: v for k, v in facts.items()})
    return answers


def ids(answers: dict[str, str]) -> list[NudgeId]:
    return [n.id for n in assessment_nudges(answers)]


def the(nudge_id: NudgeId, answers: dict[str, str]):
    return next(n for n in assessment_nudges(answers) if n.id is nudge_id)


def test_rule_ids_block_ids_and_cooldowns():
    assert [n.value for n in NudgeId] == [
        "skip_level",
        "over_automation",
        "broken_process",
        "cultural_readiness",
        "ready_to_advance",
        # Issue 14 names these two (DESIGN.md's model section lists the five above).
        "approaching_threshold",
        "stale_evidence",
    ]
    assert set(COOLDOWNS) == set(NudgeId)
    assert COOLDOWNS[NudgeId.READY_TO_ADVANCE] == timedelta(days=14)
    assert all(c >= timedelta(days=1) for c in COOLDOWNS.values())
    nudge = broken_process_nudge("Rotate certs")
    assert nudge.block_id == "nudge.broken_process"
    assert nudge.fallback_text.startswith(nudge.title)


def test_a_level_0_team_with_nothing_to_say_gets_no_nudges():
    assert assessment_nudges({}) == []


# --- skip_level ---------------------------------------------------------------------------


def test_skip_level_fires_for_a_practice_two_levels_up():
    answers = at_level(1) | {"cdeploy.prod_without_approval": "yes"}
    nudge = the(NudgeId.SKIP_LEVEL, answers)
    assert "production deploys go out with no sign-off" in nudge.seen
    assert "level 2" in nudge.action  # finish the next step first
    assert "all infrastructure is declared in code" in nudge.action


def test_skip_level_near_miss_a_practice_from_the_very_next_step():
    answers = at_level(1) | {"iac.env_from_scratch_1h": "30"}
    assert NudgeId.SKIP_LEVEL not in ids(answers)


def test_skip_level_fires_for_a_target_two_levels_up():
    nudge = the(NudgeId.SKIP_LEVEL, at_level(1, target_level="3"))
    assert "aiming for level 3, 2 levels above" in nudge.seen


def test_skip_level_near_miss_a_target_one_level_up():
    assert NudgeId.SKIP_LEVEL not in ids(at_level(1, target_level="2"))


def test_skip_level_never_at_level_5():
    assert NudgeId.SKIP_LEVEL not in ids(at_level(5, target_level="5"))


# --- over_automation ----------------------------------------------------------------------


def test_over_automation_fires_for_level_5_without_a_strict_sla():
    nudge = the(NudgeId.OVER_AUTOMATION, at_level(4, target_level="5", strict_sla="no"))
    assert "no strict SLA" in nudge.seen
    assert "level 4" in nudge.action


def test_over_automation_fires_for_level_5_without_high_scale():
    answers = at_level(4, target_level="5", strict_sla="yes", servers="300", deploys_per_day="40")
    nudge = the(NudgeId.OVER_AUTOMATION, answers)
    assert "300 servers" in nudge.seen


@pytest.mark.parametrize(
    "facts",
    [
        {"strict_sla": "yes", "servers": "1000"},
        {"strict_sla": "yes", "deploys_per_day": "201"},
        {"strict_sla": "skip"},
        {"strict_sla": "yes", "servers": "300"},  # deploys unknown: can't judge scale
    ],
)
def test_over_automation_near_misses_for_level_5(facts):
    assert NudgeId.OVER_AUTOMATION not in ids(at_level(4, target_level="5", **facts))


def test_over_automation_fires_for_level_4_without_volume_or_24x7():
    answers = at_level(3, target_level="4", deploys_per_day="10", needs_24x7="no")
    nudge = the(NudgeId.OVER_AUTOMATION, answers)
    assert "10 times a day" in nudge.seen and "level 3" in nudge.action


@pytest.mark.parametrize(
    "facts",
    [
        {"deploys_per_day": "51", "needs_24x7": "no"},
        {"deploys_per_day": "10", "needs_24x7": "yes"},
        {"deploys_per_day": "10"},
        {"target_level": "3", "deploys_per_day": "1", "needs_24x7": "no"},
    ],
)
def test_over_automation_near_misses_for_level_4(facts):
    answers = at_level(3, **({"target_level": "4"} | facts))
    assert NudgeId.OVER_AUTOMATION not in ids(answers)


def test_over_automation_is_about_targets_above_the_current_level():
    assert NudgeId.OVER_AUTOMATION not in ids(at_level(4, target_level="4", deploys_per_day="1"))


# --- cultural_readiness -------------------------------------------------------------------


def test_cultural_readiness_fires_when_heading_for_level_3_with_blame():
    nudge = the(NudgeId.CULTURAL_READINESS, at_level(2, **{"culture.blameless_reviews": "no"}))
    assert "heading for level 3" in nudge.seen
    assert "blameless" in nudge.action


def test_cultural_readiness_near_miss_heading_for_level_2():
    answers = at_level(1, **{"culture.blameless_reviews": "no"})
    assert NudgeId.CULTURAL_READINESS not in ids(answers)


def test_cultural_readiness_fires_for_a_target_of_3_with_half_trust():
    answers = at_level(1, target_level="3", **{"culture.trusts_automation": "partly"})
    nudge = the(NudgeId.CULTURAL_READINESS, answers)
    assert "only half trusts" in nudge.seen
    assert "unattended" in nudge.action


@pytest.mark.parametrize(
    "culture",
    [
        {"culture.blameless_reviews": "yes", "culture.trusts_automation": "yes"},
        {"culture.blameless_reviews": "skip"},
        {},
    ],
)
def test_cultural_readiness_near_misses_when_culture_is_fine_or_unknown(culture):
    assert NudgeId.CULTURAL_READINESS not in ids(at_level(2, **culture))


def test_trust_shown_by_unattended_production_deploys_counts():
    answers = at_level(3) | {"cdeploy.prod_without_approval": "yes"}
    assert NudgeId.CULTURAL_READINESS not in ids(answers)
    told = answers | {"culture.trusts_automation": "no"}
    assert NudgeId.CULTURAL_READINESS in ids(told)


# --- ready_to_advance ---------------------------------------------------------------------


def test_ready_to_advance_fires_when_the_step_is_done_and_scale_passes_the_bar():
    nudge = the(NudgeId.READY_TO_ADVANCE, at_level(1, environments="4"))
    assert nudge.title == "Ready for level 2"
    assert "4 environments" in nudge.seen and "more than 3 environments" in nudge.seen
    assert "Terraform" in nudge.action


def test_ready_to_advance_puts_a_missing_prerequisite_first():
    answers = at_level(2, services="30", **{"prereq.staging_env": "no"})
    nudge = the(NudgeId.READY_TO_ADVANCE, answers)
    assert "staging environment" in nudge.action


def test_ready_while_the_culture_is_not_starts_its_next_action_with_the_team():
    answers = at_level(2, services="30", **{"culture.trusts_automation": "partly"})
    culture = the(NudgeId.CULTURAL_READINESS, answers)
    ready = the(NudgeId.READY_TO_ADVANCE, answers)
    assert ready.action.startswith(culture.action)  # one story: the team, then the step
    assert "Then start small" in ready.action
    fine = at_level(2, services="30", **{"culture.trusts_automation": "yes"})
    assert the(NudgeId.READY_TO_ADVANCE, fine).action.startswith("Start small")


@pytest.mark.parametrize(
    "facts",
    [
        {"environments": "3", "engineers": "5"},  # just under both bars
        {"environments": "skip"},
        {},
    ],
)
def test_ready_to_advance_near_misses_below_or_without_the_bar(facts):
    assert NudgeId.READY_TO_ADVANCE not in ids(at_level(1, **facts))


def test_ready_to_advance_not_for_level_5_at_a_scale_it_does_not_fit():
    small = at_level(4, strict_sla="yes", servers="200", deploys_per_day="20")
    assert NudgeId.READY_TO_ADVANCE not in ids(small)
    big = at_level(4, strict_sla="yes", servers="2000", deploys_per_day="20")
    assert NudgeId.READY_TO_ADVANCE in ids(big)


def test_ready_to_advance_never_for_level_0_or_5():
    assert NudgeId.READY_TO_ADVANCE not in ids(at_level(0, engineers="50", environments="9"))
    assert NudgeId.READY_TO_ADVANCE not in ids(at_level(5, strict_sla="yes"))


def test_ready_to_advance_gives_way_to_skip_level_and_over_automation():
    skipping = at_level(1, environments="4") | {"cd.automated_rollback": "yes"}
    assert ids(skipping) == [NudgeId.SKIP_LEVEL]
    over = at_level(4, target_level="5", deploys_per_day="300", strict_sla="no")
    assert NudgeId.READY_TO_ADVANCE not in ids(over)
    assert NudgeId.OVER_AUTOMATION in ids(over)


def test_every_assessment_nudge_says_what_why_and_one_action():
    cases = [
        at_level(1) | {"cdeploy.prod_without_approval": "yes"},
        at_level(4, target_level="5", strict_sla="no"),
        at_level(2, **{"culture.blameless_reviews": "no"}),
        at_level(1, environments="4"),
    ]
    for answers in cases:
        for nudge in assessment_nudges(answers):
            assert nudge.title and nudge.seen and nudge.why and nudge.action
            assert nudge.seen != nudge.why != nudge.action


# --- runbook rules ------------------------------------------------------------------------


def test_broken_process_names_the_operation_and_what_is_wrong():
    nudge = broken_process_nudge("Restore the DB", fails=True, differs=True)
    assert nudge.id is NudgeId.BROKEN_PROCESS
    assert "“Restore the DB”" in nudge.seen
    assert "sometimes fails" in nudge.seen and "who runs it" in nudge.seen
    assert "flaky" in broken_process_nudge("x").seen


def test_over_automation_runbook_nudge_quotes_the_toil():
    nudge = over_automation_runbook_nudge("Renew the wildcard cert", 0.25, 40)
    assert nudge.id is NudgeId.OVER_AUTOMATION
    assert "once every 4 months" in nudge.seen and "10 minutes of work a month" in nudge.seen
    assert "about 3 times a month" in over_automation_runbook_nudge("x", 3, 5).seen


def test_monthly_toil_rejects_negative_input():
    with pytest.raises(ValueError):
        monthly_toil(-1, 10)
