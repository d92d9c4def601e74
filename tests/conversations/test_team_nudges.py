"""Issue 14: the rules over a team's state — each with its minimal trigger and its near
miss, fingerprints, and the property that they never contradict each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.model import CRITERIA, STEPS, level_name
from conversations.nudges import (
    NudgeId,
    OperationState,
    TeamState,
    team_nudges,
)
from conversations.scoring import Status

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def met(*steps: int) -> dict[str, str]:
    return {c.id: Status.MET.value for s in steps for c in STEPS[s - 1].criteria}


def ids(state: TeamState) -> set[str]:
    return {n.id.value for n in team_nudges(state)}


OLD = NOW - timedelta(days=91)
FRESH = NOW - timedelta(days=89)
BROKEN = OperationState(7, "Restore the database", broken_fails=True)

# (rule, the minimal state that triggers it, its near miss)
CASES: list[tuple[NudgeId, TeamState, TeamState]] = [
    (
        NudgeId.SKIP_LEVEL,
        TeamState(NOW, statuses={**met(1), "cd.automated_rollback": "met"}),
        TeamState(NOW, statuses={**met(1), "iac.no_manual_changes": "met"}),  # next step
    ),
    (
        NudgeId.SKIP_LEVEL,
        TeamState(NOW, statuses=met(1), target=3),
        TeamState(NOW, statuses=met(1), target=2),
    ),
    (
        NudgeId.OVER_AUTOMATION,
        TeamState(NOW, statuses=met(1, 2, 3), target=5, facts={"context.strict_sla": "no"}),
        TeamState(NOW, statuses=met(1, 2, 3), target=5),  # unknown SLA: no verdict
    ),
    (
        NudgeId.CULTURAL_READINESS,
        TeamState(NOW, statuses=met(1, 2), facts={"culture.blameless_reviews": "no"}),
        TeamState(NOW, statuses=met(1, 2), facts={"culture.blameless_reviews": "yes"}),
    ),
    (
        NudgeId.READY_TO_ADVANCE,
        TeamState(NOW, statuses=met(1), facts={"context.environments": "4"}),
        TeamState(NOW, statuses=met(1), facts={"context.environments": "3"}),
    ),
    (
        NudgeId.APPROACHING_THRESHOLD,
        TeamState(NOW, statuses=met(1), facts={"context.environments": "3"}),
        TeamState(NOW, statuses=met(1), facts={"context.environments": "2"}),
    ),
    (
        NudgeId.APPROACHING_THRESHOLD,
        TeamState(NOW, statuses=met(1, 2), facts={"context.deploys_per_day": "1"}),
        TeamState(NOW, statuses=met(1, 2), facts={"context.deploys_per_day": "0"}),
    ),
    (
        NudgeId.STALE_EVIDENCE,
        TeamState(NOW, statuses=met(1), confirmed_at={"scripted.in_version_control": OLD}),
        TeamState(NOW, statuses=met(1), confirmed_at={"scripted.in_version_control": FRESH}),
    ),
    (
        NudgeId.STALE_EVIDENCE,
        TeamState(NOW, statuses=met(1), confirmed_at={"scripted.in_version_control": OLD}),
        # An old criterion the level does not rest on (the next step's) is not stale news.
        TeamState(
            NOW,
            statuses={**met(1), "iac.no_manual_changes": "met"},
            confirmed_at={"iac.no_manual_changes": OLD},
        ),
    ),
    (
        NudgeId.BROKEN_PROCESS,
        TeamState(NOW, operations=(BROKEN,)),
        TeamState(
            NOW,
            operations=(
                OperationState(7, "Restore the database", scripted=True, broken_fails=True),
            ),
        ),
    ),
]


@pytest.mark.parametrize(("rule", "trigger", "near_miss"), CASES)
def test_each_rule_has_a_trigger_and_a_near_miss(
    rule: NudgeId, trigger: TeamState, near_miss: TeamState
) -> None:
    assert rule.value in ids(trigger)
    assert rule.value not in ids(near_miss)


def test_approaching_threshold_speaks_in_the_teams_numbers() -> None:
    (nudge,) = [
        n
        for n in team_nudges(TeamState(NOW, statuses=met(1), facts={"context.environments": "3"}))
        if n.id is NudgeId.APPROACHING_THRESHOLD
    ]
    assert "3 environments" in nudge.seen
    assert "A fourth environment" in nudge.seen
    assert level_name(2).lower() in nudge.seen.lower()
    assert nudge.block_id == "nudge.approaching_threshold"
    assert nudge.step == 2


def test_stale_evidence_names_the_days_and_the_criteria() -> None:
    state = TeamState(NOW, statuses=met(1), confirmed_at={"scripted.in_version_control": OLD})
    (nudge,) = [n for n in team_nudges(state) if n.id is NudgeId.STALE_EVIDENCE]
    assert "91 days" in nudge.seen
    assert nudge.fingerprint == "stale_evidence:scripted.in_version_control"


def test_fingerprints_follow_the_trigger_not_the_moment() -> None:
    a = TeamState(NOW, statuses=met(1), facts={"context.environments": "5"})
    b = TeamState(NOW + timedelta(days=3), statuses=met(1), facts={"context.environments": "5"})
    c = TeamState(NOW, statuses=met(1, 2), facts={"context.services": "20"})
    fa, fb, fc = ([n.fingerprint for n in team_nudges(s)] for s in (a, b, c))
    assert fa == fb == ["ready_to_advance:into2"]
    assert fc == ["ready_to_advance:into3"]


def test_a_second_broken_operation_changes_the_fingerprint() -> None:
    one = TeamState(NOW, operations=(BROKEN,))
    two = TeamState(NOW, operations=(BROKEN, OperationState(9, "Rotate keys", broken_differs=True)))
    (f1,) = [n.fingerprint for n in team_nudges(one)]
    (f2,) = [n.fingerprint for n in team_nudges(two)]
    assert f1 != f2


# --- no contradictions ------------------------------------------------------------------

STATUS = st.sampled_from(["met", "partly", "not_met", "blocked", "unknown", ""])
NUMBER = st.sampled_from(
    [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "9",
        "10",
        "11",
        "49",
        "50",
        "51",
        "199",
        "200",
        "201",
        "999",
        "1000",
        "skip",
    ]
)
YES_NO = st.sampled_from(["yes", "no", "partly", "skip"])
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "context.engineers": NUMBER,
        "context.environments": NUMBER,
        "context.services": NUMBER,
        "context.deploys_per_day": NUMBER,
        "context.servers": NUMBER,
        "context.needs_24x7": YES_NO,
        "context.strict_sla": YES_NO,
        "culture.blameless_reviews": YES_NO,
        "culture.trusts_automation": YES_NO,
        "prereq.comprehensive_tests": YES_NO,
    },
)


@st.composite
def team_states(draw: st.DrawFn) -> TeamState:
    # Mostly climbing boards (a lower step done more often than a higher), some chaos.
    reach = draw(st.integers(0, 5))
    statuses = {
        c.id: ("met" if c.step <= reach and draw(st.integers(0, 9)) else draw(STATUS))
        for c in CRITERIA
    }
    ages = st.sampled_from([1, 30, 89, 91, 400])
    confirmed = {c.id: NOW - timedelta(days=draw(ages)) for c in CRITERIA}
    ops = tuple(
        OperationState(i, f"op {i}", scripted=draw(st.booleans()), broken_fails=draw(st.booleans()))
        for i in range(draw(st.integers(0, 3)))
    )
    return TeamState(
        NOW,
        statuses=statuses,
        confirmed_at=confirmed,
        facts=draw(FACTS),
        target=draw(st.none() | st.integers(0, 5)),
        operations=ops,
    )


@settings(max_examples=400, deadline=None)
@given(team_states())
def test_rules_never_tell_a_team_two_opposite_things(state: TeamState) -> None:
    nudges = team_nudges(state)
    by_id = {n.id: n for n in nudges}
    level = state.level
    # One block per rule id in a message; every nudge has its fingerprint.
    assert len(by_id) == len(nudges)
    assert all(n.fingerprint.startswith(n.id.value + ":") for n in nudges)
    ready = by_id.get(NudgeId.READY_TO_ADVANCE)
    if ready is not None:
        assert ready.step == level + 1
        # "go up" and "you're over-reaching / skipping" never together...
        assert NudgeId.OVER_AUTOMATION not in by_id
        assert NudgeId.SKIP_LEVEL not in by_id
        # ...nor "ready for N" and "nearly time for N".
        assert NudgeId.APPROACHING_THRESHOLD not in by_id
    over = by_id.get(NudgeId.OVER_AUTOMATION)
    if over is not None:
        assert over.step is not None and over.step > level  # never about a level reached
    approaching = by_id.get(NudgeId.APPROACHING_THRESHOLD)
    if approaching is not None:
        assert approaching.step == level + 1
    skip = by_id.get(NudgeId.SKIP_LEVEL)
    if skip is not None:
        assert skip.step == level + 1 and level < 5
    stale = by_id.get(NudgeId.STALE_EVIDENCE)
    if stale is not None:
        assert stale.step is not None and stale.step <= level  # only what the level rests on
    assert [n.fingerprint for n in team_nudges(state)] == [n.fingerprint for n in nudges]
