"""The criteria board (current status per team and criterion), its history (every change,
old → new, who, when, from where, why), and the team's level changes.

Every change that moves a criterion is written here in the caller's unit of work; the
level is recomputed from the board afterwards (``bot/usecases/levels.py``) under the
team's row lock (:func:`lock_team`), so two changes at once never both miss a new level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from conversations.board import BoardChange, BoardEntry, LevelMove, status_of
from conversations.runbook.coverage import SCRIPTED_CRITERION, Coverage, RunbookEvidence
from conversations.scoring import Status
from storage.models import CriterionEvent, CriterionStatus, LevelChange, Team
from storage.runbook import declared_counts
from storage.types import utcnow

EVIDENCE_MAX = 2000
NOTE_MAX = 500
LINK_MAX = 2000


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
    note: str = "",
    link: str = "",
    at: datetime | None = None,
) -> CriterionStatus:
    """Set a criterion's status and append the change to its history (old → new).

    A report that changes nothing (same status and value) still refreshes ``updated_at``
    (the team is keeping the board alive) but adds no history row — unless it comes with
    evidence, a note or a link, which are worth keeping.
    """
    return change_criterion(
        session=session,
        workspace_id=workspace_id,
        team_id=team_id,
        criterion_id=criterion_id,
        status=status,
        value=value,
        user_id=user_id,
        source=source,
        evidence=evidence,
        note=note,
        link=link,
        at=at,
    )[0]


def change_criterion(
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
    note: str = "",
    link: str = "",
    at: datetime | None = None,
) -> tuple[CriterionStatus, CriterionEvent | None]:
    """:func:`record_criterion`, returning the history row it added too (None: none)."""
    when = at or utcnow()
    row = session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id,
            CriterionStatus.team_id == team_id,
            CriterionStatus.criterion_id == criterion_id,
        )
    ).first()
    return _apply(
        session,
        row,
        workspace_id=workspace_id,
        team_id=team_id,
        criterion_id=criterion_id,
        status=status,
        value=value,
        user_id=user_id,
        source=source,
        at=when,
        evidence=evidence,
        note=note,
        link=link,
    )


def _apply(
    session: Session,
    row: CriterionStatus | None,
    *,
    workspace_id: int,
    team_id: int,
    criterion_id: str,
    status: Status | str,
    value: float | None,
    user_id: str,
    source: str,
    at: datetime,
    evidence: str = "",
    note: str = "",
    link: str = "",
) -> tuple[CriterionStatus, CriterionEvent | None]:
    """Put one status on the board (``row``: the criterion's current one, if any) and, when
    it changes something (or says why), the change into the history."""
    changed = row is None or row.status != status or row.value != value
    old_status = str(Status.UNKNOWN) if row is None else row.status  # none yet: not answered
    old_value = None if row is None else row.value
    if row is None:
        row = CriterionStatus(workspace_id=workspace_id, team_id=team_id, criterion_id=criterion_id)
    row.status, row.value, row.source = str(status), value, source
    row.updated_by, row.updated_at = user_id, at
    session.add(row)
    if not (changed or evidence or note or link):
        return row, None
    event = CriterionEvent(
        workspace_id=workspace_id,
        team_id=team_id,
        criterion_id=criterion_id,
        status=str(status),
        value=value,
        evidence=evidence[:EVIDENCE_MAX],
        source=source,
        user_id=user_id,
        created_at=at,
        old_status=old_status,
        old_value=old_value,
        note=note[:NOTE_MAX],
        link=link[:LINK_MAX],
    )
    session.add(event)
    return row, event


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
        _apply(
            session,
            board.get(criterion_id),
            workspace_id=workspace_id,
            team_id=team_id,
            criterion_id=criterion_id,
            status=status,
            value=value,
            user_id=user_id,
            source=source,
            at=when,
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
    old_status, old_value = row.status, row.value
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
            old_status=old_status,
            old_value=old_value,
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


def to_entry(row: CriterionStatus) -> BoardEntry:
    return BoardEntry(
        criterion_id=row.criterion_id,
        status=status_of(row.status),
        value=row.value,
        source=row.source,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def to_change(row: CriterionEvent) -> BoardChange:
    return BoardChange(
        criterion_id=row.criterion_id,
        status=status_of(row.status),
        value=row.value,
        source=row.source,
        user_id=row.user_id,
        created_at=row.created_at,
        evidence=row.evidence,
        old_status=None if row.old_status is None else status_of(row.old_status),
        old_value=row.old_value,
        note=row.note,
        link=row.link,
        id=row.id or 0,
    )


def board_entries(*, session: Session, workspace_id: int, team_id: int) -> dict[str, BoardEntry]:
    """The team's board as domain values."""
    board = criteria_board(session=session, workspace_id=workspace_id, team_id=team_id)
    return {cid: to_entry(row) for cid, row in board.items()}


def board_changes(*, session: Session, workspace_id: int, team_id: int) -> list[BoardChange]:
    """The team's board history as domain values, oldest first."""
    rows = criterion_history(session=session, workspace_id=workspace_id, team_id=team_id)
    return [to_change(row) for row in rows]


def board_history(
    *, session: Session, workspace_id: int, team_id: int, recent: int = 8
) -> list[BoardChange]:
    """What the board shows of the history, oldest first: each criterion's latest change
    (who moved it, with its evidence) and the ``recent`` newest changes overall — two
    indexed queries, however long the history is."""
    ranked = (
        select(
            col(CriterionEvent.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(CriterionEvent.criterion_id),
                order_by=(col(CriterionEvent.created_at).desc(), col(CriterionEvent.id).desc()),
            )
            .label("n"),
        )
        .where(CriterionEvent.workspace_id == workspace_id, CriterionEvent.team_id == team_id)
        .subquery()
    )
    latest = select(ranked.c.id).where(ranked.c.n == 1)
    newest = (
        select(CriterionEvent.id)
        .where(CriterionEvent.workspace_id == workspace_id, CriterionEvent.team_id == team_id)
        .order_by(col(CriterionEvent.created_at).desc(), col(CriterionEvent.id).desc())
        .limit(recent)
    )
    ids = set(session.exec(latest).all()) | set(session.exec(newest).all())
    if not ids:
        return []
    rows = session.exec(
        select(CriterionEvent)
        .where(col(CriterionEvent.id).in_(ids))
        .order_by(col(CriterionEvent.created_at), col(CriterionEvent.id))
    )
    return [to_change(row) for row in rows]


def changes_between(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    start: datetime,
    end: datetime,
    after: datetime | None = None,
    limit: int = 200,
) -> list[BoardChange]:
    """The team's criterion changes from ``start`` to ``end`` (inclusive) and strictly
    after ``after`` (when given), oldest first."""
    conditions = [
        col(CriterionEvent.workspace_id) == workspace_id,
        col(CriterionEvent.team_id) == team_id,
        col(CriterionEvent.created_at) >= start,
        col(CriterionEvent.created_at) <= end,
    ]
    if after is not None:
        conditions.append(col(CriterionEvent.created_at) > after)
    rows = session.exec(
        select(CriterionEvent)
        .where(*conditions)
        .order_by(col(CriterionEvent.created_at), col(CriterionEvent.id))
        .limit(limit)
    )
    return [to_change(row) for row in rows]


# ------------------------------------------------------------------ the team's level


def lock_team(*, session: Session, workspace_id: int, team_id: int) -> Team | None:
    """The team's row, locked until the unit of work ends, so changes to one team's board
    are decided one at a time: whoever comes second reads the board with the first one's
    change in it. (SQLite has one writer at a time anyway.)

    ``FOR NO KEY UPDATE`` on PostgreSQL: writing a board row or a history row already holds
    a key-share lock on the team (their foreign key); a plain ``FOR UPDATE`` would wait on
    the other writer's, and two changes at once would deadlock."""
    return session.exec(
        select(Team)
        .where(Team.workspace_id == workspace_id, Team.id == team_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()


def record_level_change(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    from_level: int | None,
    to_level: int,
    user_id: str,
    source: str,
    criterion_id: str = "",
    at: datetime | None = None,
    announced: str = "",
) -> LevelChange:
    """Write down a change of the team's level. ``announced`` (an outcome) marks it as
    settled at once (nothing to post); otherwise it waits for its announcement."""
    when = at or utcnow()
    row = LevelChange(
        workspace_id=workspace_id,
        team_id=team_id,
        from_level=from_level,
        to_level=to_level,
        user_id=user_id,
        source=source,
        criterion_id=criterion_id,
        created_at=when,
        announced_at=when if announced else None,
        outcome=announced,
    )
    session.add(row)
    session.flush()
    return row


def waiting_for_announcement(*, session: Session, workspace_id: int, team_id: int) -> int:
    """How many of the team's level changes no announcement has taken yet."""
    return int(
        session.exec(
            select(func.count())
            .select_from(LevelChange)
            .where(
                LevelChange.workspace_id == workspace_id,
                LevelChange.team_id == team_id,
                col(LevelChange.announced_at).is_(None),
                col(LevelChange.schedule_id).is_(None),
            )
        ).one()
    )


def take_for_announcement(
    *, session: Session, workspace_id: int, team_id: int, schedule_id: int
) -> list[LevelChange]:
    """The team's unannounced level changes, taken by announcement ``schedule_id``: those
    nobody took yet, and those it took before (a retry), oldest first."""
    session.execute(
        update(LevelChange)
        .where(
            col(LevelChange.workspace_id) == workspace_id,
            col(LevelChange.team_id) == team_id,
            col(LevelChange.announced_at).is_(None),
            col(LevelChange.schedule_id).is_(None),
        )
        .values(schedule_id=schedule_id)
        .execution_options(synchronize_session=False)
    )
    return list(
        session.exec(
            select(LevelChange)
            .where(
                LevelChange.workspace_id == workspace_id,
                LevelChange.team_id == team_id,
                LevelChange.schedule_id == schedule_id,
                col(LevelChange.announced_at).is_(None),
            )
            .order_by(col(LevelChange.created_at), col(LevelChange.id))
        )
    )


def mark_announced(
    *,
    session: Session,
    change_ids: Sequence[int],
    outcome: str,
    message_ts: str = "",
    at: datetime | None = None,
) -> None:
    if not change_ids:
        return
    session.execute(
        update(LevelChange)
        .where(col(LevelChange.id).in_(list(change_ids)), col(LevelChange.announced_at).is_(None))
        .values(announced_at=at or utcnow(), outcome=outcome[:32], message_ts=message_ts[:32])
        .execution_options(synchronize_session=False)
    )


def level_change_before(
    *, session: Session, workspace_id: int, team_id: int, change_id: int, not_outcome: str = ""
) -> LevelChange | None:
    """The team's level change just before ``change_id`` (None: it was the first), leaving
    out those settled with ``not_outcome``."""
    return session.exec(
        select(LevelChange)
        .where(
            LevelChange.workspace_id == workspace_id,
            LevelChange.team_id == team_id,
            col(LevelChange.id) < change_id,
            LevelChange.outcome != not_outcome if not_outcome else col(LevelChange.id) > 0,
        )
        .order_by(col(LevelChange.id).desc())
        .limit(1)
    ).first()


def to_level_move(row: LevelChange) -> LevelMove:
    return LevelMove(
        from_level=row.from_level,
        to_level=row.to_level,
        user_id=row.user_id,
        source=row.source,
        criterion_id=row.criterion_id,
        created_at=row.created_at,
        id=row.id or 0,
    )


def level_changes(*, session: Session, workspace_id: int, team_id: int) -> list[LevelMove]:
    """Every level change of the team, oldest first."""
    rows = session.exec(
        select(LevelChange)
        .where(LevelChange.workspace_id == workspace_id, LevelChange.team_id == team_id)
        .order_by(col(LevelChange.created_at), col(LevelChange.id))
    )
    return [to_level_move(row) for row in rows]


# ------------------------------------------------------------------ the history, paged

CRITERION_CHANGE, LEVEL_CHANGE = 0, 1  # at one instant, a level change follows its cause


@dataclass(frozen=True)
class Cursor:
    """A place in the history: newest first by time, then kind, then id."""

    at: datetime
    kind: int
    id: int


HistoryItem = BoardChange | LevelMove


def cursor_of(item: HistoryItem) -> Cursor:
    kind = LEVEL_CHANGE if isinstance(item, LevelMove) else CRITERION_CHANGE
    return Cursor(item.created_at, kind, item.id)


def _key(item: HistoryItem) -> tuple[datetime, int, int]:
    c = cursor_of(item)
    return c.at, c.kind, c.id


def _beyond(
    model: type[CriterionEvent] | type[LevelChange], kind: int, cursor: Cursor, *, older: bool
) -> ColumnElement[bool]:
    """Rows of ``model`` (of ``kind``) strictly older (or newer) than ``cursor``."""
    at, row_id = col(model.created_at), col(model.id)
    if kind == cursor.kind:
        if older:
            return or_(at < cursor.at, and_(at == cursor.at, row_id < cursor.id))
        return or_(at > cursor.at, and_(at == cursor.at, row_id > cursor.id))
    if older:
        return at <= cursor.at if kind < cursor.kind else at < cursor.at
    return at >= cursor.at if kind > cursor.kind else at > cursor.at


def history_page(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    size: int,
    before: Cursor | None = None,
    after: Cursor | None = None,
    since: datetime | None = None,
) -> tuple[list[HistoryItem], bool]:
    """One page of the team's criterion and level changes, newest first: the ``size``
    items just older than ``before`` (or the newest), or just newer than ``after``; and
    whether there are more beyond the page in the direction it went. Keyset paging: as
    quick on page 500 as on page 1."""
    newer_first = after is None
    cursor = after if after is not None else before
    fetched: list[HistoryItem] = []
    for model, kind in ((CriterionEvent, CRITERION_CHANGE), (LevelChange, LEVEL_CHANGE)):
        conditions: list[ColumnElement[bool]] = [
            col(model.workspace_id) == workspace_id,
            col(model.team_id) == team_id,
        ]
        if since is not None:
            conditions.append(col(model.created_at) >= since)
        if cursor is not None:
            conditions.append(_beyond(model, kind, cursor, older=newer_first))
        order = (
            (col(model.created_at).desc(), col(model.id).desc())
            if newer_first
            else (col(model.created_at), col(model.id))
        )
        rows = session.exec(select(model).where(*conditions).order_by(*order).limit(size + 1))
        for row in rows:
            if isinstance(row, LevelChange):
                fetched.append(to_level_move(row))
            elif isinstance(row, CriterionEvent):
                fetched.append(to_change(row))
    fetched.sort(key=_key, reverse=newer_first)
    more = len(fetched) > size
    page = fetched[:size]
    if not newer_first:
        page.reverse()
    return page, more


def history_count(
    *, session: Session, workspace_id: int, team_id: int, since: datetime | None = None
) -> int:
    """How many criterion and level changes the team's history holds (since ``since``)."""
    total = 0
    for model in (CriterionEvent, LevelChange):
        conditions = [col(model.workspace_id) == workspace_id, col(model.team_id) == team_id]
        if since is not None:
            conditions.append(col(model.created_at) >= since)
        total += int(session.exec(select(func.count()).select_from(model).where(*conditions)).one())
    return total
