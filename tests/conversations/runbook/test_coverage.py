"""A runbook's scripted share is evidence about the operations it lists; it stands in for the
team's ``scripted.ops_80pct`` answer only when the team said it lists all of them."""

from __future__ import annotations

import pytest

from conversations.runbook.coverage import Coverage, RunbookEvidence, coverage_of
from conversations.scoring import Status


@pytest.mark.parametrize(
    ("complete", "coverage"),
    [(None, Coverage.UNKNOWN), (True, Coverage.ALL), (False, Coverage.SOME)],
)
def test_the_stored_answer_reads_as_a_coverage(complete: bool | None, coverage: Coverage) -> None:
    assert coverage_of(complete) is coverage


@pytest.mark.parametrize(
    ("scripted", "total", "coverage", "stands_in"),
    [
        (3, 12, Coverage.ALL, True),  # the minimal case: said to list everything
        (3, 12, Coverage.SOME, False),  # near miss: lists some
        (3, 12, Coverage.UNKNOWN, False),  # near miss: never asked
        (0, 0, Coverage.ALL, False),  # an empty runbook says nothing, whatever was said
    ],
)
def test_the_share_stands_in_only_for_a_runbook_said_to_list_everything(
    scripted: int, total: int, coverage: Coverage, stands_in: bool
) -> None:
    assert RunbookEvidence(scripted, total, coverage).stands_in is stands_in


@pytest.mark.parametrize(
    ("scripted", "total", "status"),
    [
        (8, 10, Status.MET),
        (79, 100, Status.NOT_MET),
        (0, 3, Status.NOT_MET),
        (0, 0, Status.UNKNOWN),
    ],
)
def test_where_the_share_alone_would_put_the_criterion(
    scripted: int, total: int, status: Status
) -> None:
    assert RunbookEvidence(scripted, total).status is status


def test_the_evidence_always_says_where_it_comes_from() -> None:
    e = RunbookEvidence(3, 12, Coverage.SOME)
    assert e.phrase() == "from your runbook: 3 of 12 operations scripted (25%)"
    assert "check-in stands" in e.standing()
    assert RunbookEvidence(1, 1, Coverage.ALL).phrase() == (
        "from your runbook: 1 of 1 operation scripted (100%)"
    )
    assert "this is your scripted share" in RunbookEvidence(1, 1, Coverage.ALL).standing()
    assert "Nobody has said yet" in RunbookEvidence(1, 2).standing()
