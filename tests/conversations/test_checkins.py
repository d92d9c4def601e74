"""The weekly check-in's domain: which few criteria to ask, what an answer puts on the
board, how long someone is away."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.checkins import (
    FEWEST,
    MOST,
    SKIP,
    AwayFor,
    BoardAnswer,
    Known,
    confirmations_first,
    pick_questions,
    read_answer,
    read_away,
)
from conversations.evidence import Measurement, still_kept, to_confirm
from conversations.model import CRITERIA, criteria_for_step
from conversations.scoring import Status

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)
FRESH = NOW - timedelta(days=3)


def step(n: int) -> list[str]:
    return [c.id for c in criteria_for_step(n)]


def met(*ids: str, at: datetime = FRESH) -> dict[str, Known]:
    return {cid: Known(Status.MET, at) for cid in ids}


def test_a_new_team_is_asked_its_first_step() -> None:
    assert pick_questions({}, NOW) == step(1)


def test_only_the_open_criteria_of_the_current_step() -> None:
    board = met(*step(1), step(2)[0])
    assert pick_questions(board, NOW) == step(2)[1:]


def test_a_criterion_met_above_a_gap_does_not_count_and_is_not_asked() -> None:
    board = met(step(1)[0], *step(3))
    assert pick_questions(board, NOW) == step(1)[1:]


def test_unconfirmed_for_90_days_is_asked_again_after_the_open_ones() -> None:
    old = NOW - timedelta(days=91)
    board = {**met(*step(1)), **met(step(1)[2], at=old), **met(step(2)[0], at=old)}
    assert pick_questions(board, NOW) == [*step(2)[1:], step(1)[2], step(2)[0]][:MOST]
    # 89 days is still fresh enough.
    recent = {**met(*step(1)), **met(step(1)[2], at=NOW - timedelta(days=89))}
    assert pick_questions(recent, NOW) == step(2)


def test_one_open_criterion_is_padded_with_the_longest_unconfirmed() -> None:
    board = {**met(*step(1)), **met(step(1)[1], at=FRESH - timedelta(days=5))}
    board.update(met(*step(2)[:2]))
    assert pick_questions(board, NOW) == [step(2)[2], step(1)[1]]


def test_a_team_at_the_top_is_still_asked_two_things() -> None:
    board = met(*(c.id for c in CRITERIA))
    asked = pick_questions(board, NOW)
    assert len(asked) == FEWEST


statuses = st.sampled_from([Status.MET, Status.NOT_MET, Status.PARTLY, Status.BLOCKED])


@given(
    st.dictionaries(
        st.sampled_from([c.id for c in CRITERIA]),
        st.tuples(statuses, st.integers(min_value=0, max_value=400)),
    )
)
def test_always_two_to_five_distinct_known_criteria(board) -> None:
    known = {cid: Known(s, NOW - timedelta(days=d)) for cid, (s, d) in board.items()}
    asked = pick_questions(known, NOW)
    assert FEWEST <= len(asked) <= MOST
    assert len(set(asked)) == len(asked)
    assert set(asked) <= {c.id for c in CRITERIA}


@pytest.mark.parametrize(
    ("cid", "given", "button", "expected"),
    [
        (
            "scripted.in_version_control",
            "yes",
            True,
            BoardAnswer("scripted.in_version_control", "yes", Status.MET),
        ),
        (
            "scripted.in_version_control",
            "partly",
            True,
            BoardAnswer("scripted.in_version_control", "partly", Status.PARTLY),
        ),
        (
            "scripted.in_version_control",
            "skip",
            True,
            BoardAnswer("scripted.in_version_control", SKIP, None),
        ),
        (
            "scripted.ops_80pct",
            "90",
            True,
            BoardAnswer("scripted.ops_80pct", "80+", Status.MET, 90),
        ),
        (
            "scripted.ops_80pct",
            "about 65%",
            False,
            BoardAnswer("scripted.ops_80pct", "65", Status.NOT_MET, 65),
        ),
        (
            "cd.deploy_under_10min",
            "7 min",
            False,
            BoardAnswer("cd.deploy_under_10min", "7", Status.MET, 7),
        ),
    ],
)
def test_an_answer_is_what_the_board_gets(cid, given, button, expected) -> None:
    assert read_answer(cid, given, button=button) == expected


def test_an_unreadable_answer_says_what_to_type() -> None:
    said = read_answer("scripted.ops_80pct", "lots", button=False)
    assert isinstance(said, str) and "percentage" in said


TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("typed", "back"),
    [
        ("2w", date(2026, 12, 21)),
        ("3d", date(2026, 12, 10)),
        ("3 days", date(2026, 12, 10)),
        ("1 week", date(2026, 12, 14)),
        ("2026-12-24", date(2026, 12, 25)),
        ("until 2026-12-07", date(2026, 12, 8)),
        ("off", None),
        ("Back", None),
    ],
)
def test_away_reads_weeks_days_dates_and_off(typed, back) -> None:
    assert read_away(typed, TODAY) == AwayFor(back)


@pytest.mark.parametrize("typed", ["soon", "0d", "2026-12-01", "2026-02-30", "60w", "2x"])
def test_away_refuses_what_it_cannot_use(typed) -> None:
    assert isinstance(read_away(typed, TODAY), str)


# ------------------------------------------------------------------ measurements to confirm


def test_measurements_to_confirm_come_first_within_the_budget() -> None:
    asked = ["a", "b", "c", "d", "e"]
    assert confirmations_first(["d", "x"], asked) == ["d", "x", "a", "b", "c"]
    assert confirmations_first([], asked) == asked
    assert len(confirmations_first(list("uvwxyz"), asked)) == MOST


def test_a_kept_override_is_not_asked_again_until_the_measurement_changes() -> None:
    seven = Measurement("cd.deploy_under_10min", Status.MET, 7.0, "median 7 min", 31)
    kept = still_kept(seven, "met", 7.0)
    assert kept and not still_kept(seven, "met", 8.0) and not still_kept(seven, "", None)
    assert to_confirm(seven, status="not_met", value=25.0, by_person=True, kept=False)
    assert not to_confirm(seven, status="not_met", value=25.0, by_person=True, kept=kept)
    assert not to_confirm(seven, status="not_met", value=25.0, by_person=False, kept=False)
    assert not to_confirm(seven, status="met", value=7.0, by_person=True, kept=False)
