"""The criteria board (current status per team and criterion) and its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from conversations.board import BoardChange, BoardEntry
from conversations.runbook.coverage import SCRIPTED_CRITERION, Coverage, RunbookEvidence
from conversations.scoring import Status
from storage.models import CriterionEvent, CriterionStatus
from storage.runbook import declared_counts
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


def answer_back(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    criterion_id: str,
    source: str,
    user_id: str = "",
    evidence: str = "",
) -> CriterionStatus | None:
    """When ``source`` (e.g. the runbook) set the criterion's current status, give it back to
    the latest answer from anyone else (a person's check-in), unchanged: its status, value,
    source, who gave it and when. With no such answer the criterion is "not answered yet"
    again. The change goes into the history with ``evidence``, under the source of the answer
    that is back; the row, or None when it went.

    Nothing happens when the current status is not ``source``'s (its last change came from
    someone else): a person's answer stands.
    """
    board = criteria_board(session=session, workspace_id=workspace_id, team_id=team_id)
    row = board.get(criterion_id)
    if row is None:
        return None
    events = select(CriterionEvent).where(
        CriterionEvent.workspace_id == workspace_id,
        CriterionEvent.team_id == team_id,
        CriterionEvent.criterion_id == criterion_id,
    )
    newest = (col(CriterionEvent.created_at).desc(), col(CriterionEvent.id).desc())
    last = session.exec(events.order_by(*newest)).first()
    # A check-in that took ``source``'s figure as known records it again as its own, with no
    # change and so no history: the status is still ``source``'s when its last change is.
    echoed = last is not None and last.source == source
    if row.source != source and not echoed:
        return row
    answer = session.exec(events.where(CriterionEvent.source != source).order_by(*newest)).first()
    if answer is None:
        session.delete(row)
        status, value, back_to = str(Status.UNKNOWN), None, source
    else:
        row.status, row.value, row.source = answer.status, answer.value, answer.source
        row.updated_by, row.updated_at = answer.user_id, answer.created_at
        session.add(row)
        status, value, back_to = answer.status, answer.value, answer.source
    session.add(  # in the name of the answer that is back (not ``source``'s: it is not theirs)
        CriterionEvent(
            workspace_id=workspace_id,
            team_id=team_id,
            criterion_id=criterion_id,
            status=status,
            value=value,
            evidence=evidence[:EVIDENCE_MAX],
            source=back_to,
            user_id=user_id,
            created_at=utcnow(),
        )
    )
    session.flush()
    return None if answer is None else row


def criteria_board(
    *, session: Session, workspace_id: int, team_id: int
) -> dict[str, CriterionStatus]:
    rows = session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id, CriterionStatus.team_id == team_id
        )
    )
    return {row.criterion_id: row for row in rows}


def runbook_facts(*, session: Session, workspace_id: int, team_id: int) -> dict[str, float]:
    """What the team's runbook measures that a check-in may take as known instead of asking:
    its scripted share as ``scripted.ops_80pct`` — only when the team said the runbook lists
    all of its operations (and it lists some); otherwise nothing, and the check-in asks.

    Read from the runbook itself (one query), not from the board, so a check-in that took
    the share as known, and recorded it, does not make the next one ask again."""
    counts = declared_counts(session=session, workspace_id=workspace_id, team_id=team_id)
    if counts is None:
        return {}
    share = RunbookEvidence(*counts, Coverage.ALL).share
    return {} if share is None else {SCRIPTED_CRITERION: share}


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
