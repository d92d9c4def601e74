"""What a runbook's scripted share is evidence of, and when it stands in for an answer.

A runbook lists the operations a team wrote down — often exactly the manual ones it wants to
get rid of — so "3 of 12 scripted" is a fact about those 12, not a census of the team's
work. Its share replaces the team's ``scripted.ops_80pct`` answer only when the team said
the runbook lists *all* of its operations (:attr:`Coverage.ALL`). Otherwise it is evidence,
shown beside the answer a person gave (a check-in), which stands.

No Slack, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.runbook.ranking import scripted_share
from conversations.scoring import Status, criterion_status
from conversations.text import format_number, plural

# The criterion a runbook's share speaks to.
SCRIPTED_CRITERION = "scripted.ops_80pct"


class Coverage(StrEnum):
    """What the team said its runbook lists."""

    UNKNOWN = "unknown"  # not asked yet
    ALL = "all"  # every operation the team runs
    SOME = "some"  # some of them (the ones written down)


def coverage_of(complete: bool | None) -> Coverage:
    """The stored answer (``None``: never asked) as a :class:`Coverage`."""
    if complete is None:
        return Coverage.UNKNOWN
    return Coverage.ALL if complete else Coverage.SOME


@dataclass(frozen=True, slots=True)
class RunbookEvidence:
    """A runbook's scripted count, and what the team said it covers."""

    scripted: int
    total: int
    coverage: Coverage = Coverage.UNKNOWN

    @property
    def share(self) -> float | None:
        return scripted_share(self.scripted, self.total)

    @property
    def stands_in(self) -> bool:
        """The share is the team's answer: the runbook lists every operation, and has some."""
        return self.coverage is Coverage.ALL and self.total > 0

    @property
    def status(self) -> Status:
        """Where the share alone would put the criterion."""
        share = self.share
        if share is None:
            return Status.UNKNOWN
        return criterion_status(SCRIPTED_CRITERION, format_number(share))

    def counts(self) -> str:
        """``"3 of 12 operations scripted"`` (plain text)."""
        return f"{format_number(self.scripted)} of {plural(self.total, 'operation')} scripted"

    def phrase(self) -> str:
        """``"from your runbook: 3 of 12 operations scripted (25%)"`` (plain text)."""
        share = self.share
        percent = f" ({format_number(round(share))}%)" if share is not None else ""
        return f"from your runbook: {self.counts()}{percent}"

    def standing(self) -> str:
        """What the share counts for, in a sentence (plain text)."""
        if self.total == 0:
            return "The runbook is empty, so it says nothing about your scripted share."
        if self.coverage is Coverage.ALL:
            return "It lists all of your operations, so this is your scripted share."
        if self.coverage is Coverage.SOME:
            return (
                "It lists only some of your operations, so this is evidence: "
                "the answer from your check-in stands."
            )
        return (
            "Nobody has said yet whether it lists all of your operations, so this is evidence: "
            "the answer from your check-in stands."
        )
