"""The criteria board as the domain sees it: where each criterion stands, and its changes.

Plain values (storage maps its rows to these): the board renderer and the rules read them
without knowing how they are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.scoring import Status


@dataclass(frozen=True)
class BoardEntry:
    """One criterion's current status on a team's board, and who moved it last."""

    criterion_id: str
    status: Status
    value: float | None
    source: str
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class BoardChange:
    """One change in a criterion's history."""

    criterion_id: str
    status: Status
    value: float | None
    source: str
    user_id: str
    created_at: datetime
    evidence: str = ""
