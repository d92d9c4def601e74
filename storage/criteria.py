"""The criteria board (current status per team and criterion) and its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam
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


def record_criteria(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    statuses: Sequence[tuple[str, Status, float | None]],
    user_id: str = "",
    source: str,
    at: datetime | None = None,
) -> None:
    """:func:`record_criterion` for several criteria at once (a finished check-in), with
    one read of the board instead of one per criterion."""
    when = at or utcnow()
    board = criteria_board(session=session, workspace_id=workspace_id, team_id=team_id)
    for criterion_id, status, value in statuses:
        row = board.get(criterion_id)
        changed = row is None or row.status != status or row.value != value
        if row is None:
            row = CriterionStatus(
                workspace_id=workspace_id, team_id=team_id, criterion_id=criterion_id
            )
        row.status, row.value, row.source = status, value, source
        row.updated_by, row.updated_at = user_id, when
        session.add(row)
        if changed:
            session.add(
                CriterionEvent(
                    workspace_id=workspace_id,
                    team_id=team_id,
                    criterion_id=criterion_id,
                    status=status,
                    value=value,
                    source=source,
                    user_id=user_id,
                    created_at=when,
                )
            )


def criteria_board(
    *, session: Session, workspace_id: int, team_id: int
) -> dict[str, CriterionStatus]:
    rows = session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id, CriterionStatus.team_id == team_id
        )
    )
    return {row.criterion_id: row for row in rows}


def measured_values(
    *, session: Session, workspace_id: int, team_id: int, source: str
) -> dict[str, float]:
    """The criteria a source measures for the team (e.g. the runbook's scripted share),
    with their values: what a check-in takes as known instead of asking."""
    rows = session.exec(
        _MEASURED,
        params={"workspace_id": workspace_id, "team_id": team_id, "source": source},
    )
    return {cid: float(value) for cid, value in rows if value is not None}


_MEASURED = select(CriterionStatus.criterion_id, CriterionStatus.value).where(
    col(CriterionStatus.workspace_id) == bindparam("workspace_id"),
    col(CriterionStatus.team_id) == bindparam("team_id"),
    col(CriterionStatus.source) == bindparam("source"),
    col(CriterionStatus.value).is_not(None),
)


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
