"""The criteria board (current status per team and criterion) and its history."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from conversations.board import BoardChange, BoardEntry
from conversations.scoring import Status
from storage.models import CriterionEvent, CriterionStatus
from storage.types import utcnow

EVIDENCE_MAX = 2000


def record_criterion(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    criterion_id: str,
    status: Status,
    value: float | None = None,
    user_id: str = "",
    source: str,
    evidence: str = "",
    at: datetime | None = None,
) -> CriterionStatus:
    """Set a criterion's status and append the change to its history.

    A report that changes nothing (same status and value) still refreshes ``updated_at``
    (the team is keeping the board alive) but adds no history row.
    """
    when = at or utcnow()
    row = session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id,
            CriterionStatus.team_id == team_id,
            CriterionStatus.criterion_id == criterion_id,
        )
    ).first()
    changed = row is None or row.status != status or row.value != value
    if row is None:
        row = CriterionStatus(workspace_id=workspace_id, team_id=team_id, criterion_id=criterion_id)
    row.status = status
    row.value = value
    row.source = source
    row.updated_by = user_id
    row.updated_at = when
    session.add(row)
    if changed or evidence:
        session.add(
            CriterionEvent(
                workspace_id=workspace_id,
                team_id=team_id,
                criterion_id=criterion_id,
                status=status,
                value=value,
                evidence=evidence[:EVIDENCE_MAX],
                source=source,
                user_id=user_id,
                created_at=when,
            )
        )
    return row


def criteria_board(
    *, session: Session, workspace_id: int, team_id: int
) -> dict[str, CriterionStatus]:
    rows = session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id, CriterionStatus.team_id == team_id
        )
    )
    return {row.criterion_id: row for row in rows}


def criterion_history(
    *, session: Session, workspace_id: int, team_id: int, criterion_id: str | None = None
) -> list[CriterionEvent]:
    stmt = select(CriterionEvent).where(
        CriterionEvent.workspace_id == workspace_id, CriterionEvent.team_id == team_id
    )
    if criterion_id is not None:
        stmt = stmt.where(CriterionEvent.criterion_id == criterion_id)
    return list(session.exec(stmt.order_by(col(CriterionEvent.created_at), col(CriterionEvent.id))))


def _status(raw: str) -> Status:
    try:
        return Status(raw)
    except ValueError:
        return Status.UNKNOWN


def to_entry(row: CriterionStatus) -> BoardEntry:
    return BoardEntry(
        criterion_id=row.criterion_id,
        status=_status(row.status),
        value=row.value,
        source=row.source,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def to_change(row: CriterionEvent) -> BoardChange:
    return BoardChange(
        criterion_id=row.criterion_id,
        status=_status(row.status),
        value=row.value,
        source=row.source,
        user_id=row.user_id,
        created_at=row.created_at,
        evidence=row.evidence,
    )


def board_entries(*, session: Session, workspace_id: int, team_id: int) -> dict[str, BoardEntry]:
    """The team's board as domain values."""
    board = criteria_board(session=session, workspace_id=workspace_id, team_id=team_id)
    return {cid: to_entry(row) for cid, row in board.items()}


def board_changes(*, session: Session, workspace_id: int, team_id: int) -> list[BoardChange]:
    """The team's board history as domain values, oldest first."""
    rows = criterion_history(session=session, workspace_id=workspace_id, team_id=team_id)
    return [to_change(row) for row in rows]
