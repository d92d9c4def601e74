"""Runbook operations, import previews, and the reminders (schedules) that point at them.

Every function takes the workspace it works in; a row of another workspace is never found.
:func:`to_operation` turns a stored operation into the domain's value
(``conversations.runbook.Operation``) that ranking, summaries and nudges take.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from conversations.runbook.ranking import Frequency, Operation
from storage.models import (
    Assessment,
    AssessmentStatus,
    RunbookImport,
    RunbookImportStatus,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.types import utcnow

TITLE_MAX = 200
SECTION_MAX = 120
NOTE_MAX = 500
URL_MAX = 2000
# Fields an edit may change (everything else is identity or bookkeeping).
EDITABLE = frozenset(
    {
        "title",
        "section",
        "frequency",
        "minutes",
        "minutes_guessed",
        "scripted",
        "script_url",
        "owner",
        "broken_fails",
        "broken_differs",
        "broken_note",
        "keep_manual_reason",
    }
)


class DuplicateOperation(Exception):
    """The team already has an operation with this title in this section."""


def operation_key(text: str, limit: int = TITLE_MAX) -> str:
    """Case-, width- and spacing-insensitive: "Rotate  Certs" and "rotate certs" are one."""
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()[:limit]


def _clip(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def to_operation(row: RunbookOperation) -> Operation:
    """The domain's view of a stored operation (an unknown frequency reads as monthly)."""
    try:
        frequency = Frequency(row.frequency)
    except ValueError:
        frequency = Frequency.MONTHLY
    return Operation(
        id=row.id or 0,
        title=row.title,
        frequency=frequency,
        minutes=row.minutes,
        scripted=row.scripted,
        kept_manual=bool(row.keep_manual_reason),
        fails=row.broken_fails,
        differs=row.broken_differs,
        minutes_guessed=row.minutes_guessed,
    )


# ------------------------------------------------------------------ operations


def add_operation(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    title: str,
    frequency: str,
    minutes: int,
    section: str = "",
    scripted: bool = False,
    script_url: str = "",
    owner: str = "",
    created_by: str = "",
    source: str = "",
    minutes_guessed: bool = False,
) -> RunbookOperation | None:
    """Add an operation; None when the team already has one of this title in this section."""
    title = _clip(title, TITLE_MAX)
    section = _clip(section, SECTION_MAX)
    row = RunbookOperation(
        workspace_id=workspace_id,
        team_id=team_id,
        title=title,
        title_key=operation_key(title),
        section=section,
        section_key=operation_key(section, SECTION_MAX),
        frequency=frequency,
        minutes=minutes,
        minutes_guessed=minutes_guessed,
        scripted=scripted,
        script_url=script_url[:URL_MAX],
        owner=owner,
        created_by=created_by,
        source=source,
        scripted_at=utcnow() if scripted else None,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def add_operations(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    steps: Iterable[Mapping[str, Any]],
    owner: str,
    created_by: str,
    source: str,
) -> tuple[list[RunbookOperation], int]:
    """Add imported steps (``title``, ``section``, ``frequency``, ``minutes``, ``scripted``,
    ``minutes_guessed``).

    Returns the added rows and how many were skipped because the team already had them.
    """
    existing = {
        (op.section_key, op.title_key)
        for op in list_operations(session=session, workspace_id=workspace_id, team_id=team_id)
    }
    added: list[RunbookOperation] = []
    skipped = 0
    for step in steps:
        title = _clip(str(step.get("title", "")), TITLE_MAX)
        section = _clip(str(step.get("section", "")), SECTION_MAX)
        key = (operation_key(section, SECTION_MAX), operation_key(title))
        if not title or key in existing:
            skipped += 1
            continue
        row = add_operation(
            session=session,
            workspace_id=workspace_id,
            team_id=team_id,
            title=title,
            section=section,
            frequency=str(step["frequency"]),
            minutes=int(step["minutes"]),
            minutes_guessed=bool(step.get("minutes_guessed")),
            scripted=bool(step.get("scripted")),
            owner=owner,
            created_by=created_by,
            source=source,
        )
        existing.add(key)
        if row is None:
            skipped += 1
        else:
            added.append(row)
    session.flush()
    return added, skipped


def operation_counts(*, session: Session, workspace_id: int, team_id: int) -> tuple[int, int]:
    """(scripted, total) operations of a team's runbook, counted by the database."""
    scripted, total = session.exec(
        select(_SCRIPTED, func.count(col(RunbookOperation.id))).where(
            col(RunbookOperation.workspace_id) == workspace_id,
            col(RunbookOperation.team_id) == team_id,
        )
    ).one()
    return int(scripted or 0), int(total or 0)


_SCRIPTED = func.sum(case((col(RunbookOperation.scripted), 1), else_=0))


def declared_counts(*, session: Session, workspace_id: int, team_id: int) -> tuple[int, int] | None:
    """(scripted, total) of the team's runbook when the team said it lists all of its
    operations and it lists some; None otherwise (one query)."""
    row = session.exec(
        select(_SCRIPTED, func.count(col(RunbookOperation.id)))
        .select_from(Team)
        .join(RunbookOperation, col(RunbookOperation.team_id) == col(Team.id))
        .where(
            col(Team.id) == team_id,
            col(Team.workspace_id) == workspace_id,
            col(Team.runbook_complete).is_(True),
            col(RunbookOperation.workspace_id) == workspace_id,
        )
    ).one()
    scripted, total = int(row[0] or 0), int(row[1] or 0)
    return (scripted, total) if total else None


def set_runbook_complete(
    *, session: Session, workspace_id: int, team_id: int, complete: bool | None
) -> Team | None:
    """Record whether the team's runbook lists all of its operations; the team, or None."""
    team = session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id)
    ).first()
    if team is None:
        return None
    team.runbook_complete = complete
    team.updated_at = utcnow()
    session.add(team)
    session.flush()
    return team


def runbook_owners(*, session: Session, workspace_id: int, team_id: int) -> set[str]:
    """Everyone who owns an operation of the team's runbook."""
    rows = session.exec(
        select(RunbookOperation.owner)
        .where(
            RunbookOperation.workspace_id == workspace_id,
            RunbookOperation.team_id == team_id,
        )
        .distinct()
    )
    return {owner for owner in rows if owner}


def get_operation(
    *, session: Session, workspace_id: int, operation_id: int, lock: bool = False
) -> RunbookOperation | None:
    """One operation; ``lock`` holds its row until the transaction ends (PostgreSQL;
    SQLite's writer lock already serialises)."""
    stmt = select(RunbookOperation).where(
        RunbookOperation.workspace_id == workspace_id, RunbookOperation.id == operation_id
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def list_operations(*, session: Session, workspace_id: int, team_id: int) -> list[RunbookOperation]:
    return list(
        session.exec(
            select(RunbookOperation)
            .where(
                RunbookOperation.workspace_id == workspace_id,
                RunbookOperation.team_id == team_id,
            )
            .order_by(col(RunbookOperation.id))
        )
    )


def update_operation(
    *,
    session: Session,
    workspace_id: int,
    operation_id: int,
    expected_version: int | None = None,
    **changes: Any,
) -> RunbookOperation | None:
    """Change an operation (a compare-and-set on ``version`` when ``expected_version``).

    None when it is gone or someone else changed it first. Raises
    :class:`DuplicateOperation` when the new title/section is taken in the team.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    row = get_operation(session=session, workspace_id=workspace_id, operation_id=operation_id)
    if row is None or (expected_version is not None and row.version != expected_version):
        return None
    values: dict[str, Any] = dict(changes)
    if "title" in values:
        values["title"] = _clip(values["title"], TITLE_MAX)
        values["title_key"] = operation_key(values["title"])
    if "section" in values:
        values["section"] = _clip(values["section"], SECTION_MAX)
        values["section_key"] = operation_key(values["section"], SECTION_MAX)
    for name in ("broken_note", "keep_manual_reason"):
        if name in values:
            values[name] = str(values[name])[:NOTE_MAX]
    if "script_url" in values:
        values["script_url"] = str(values["script_url"])[:URL_MAX]
    if values.get("scripted") and not row.scripted:
        values["scripted_at"] = utcnow()
    elif values.get("scripted") is False:
        values["scripted_at"] = None
    values["version"] = row.version + 1
    values["updated_at"] = utcnow()
    try:
        with session.begin_nested():
            result = session.execute(
                update(RunbookOperation)
                .where(
                    col(RunbookOperation.id) == operation_id,
                    col(RunbookOperation.version) == row.version,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        raise DuplicateOperation(values.get("title", row.title)) from None
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    session.refresh(row)
    return row


def delete_operation(
    *, session: Session, workspace_id: int, operation_id: int
) -> RunbookOperation | None:
    """Remove an operation (and stop its reminders); the removed row, or None if gone."""
    row = get_operation(session=session, workspace_id=workspace_id, operation_id=operation_id)
    if row is None:
        return None
    stop_reminders(session=session, workspace_id=workspace_id, operation_id=operation_id)
    session.delete(row)
    session.flush()
    return row


# ------------------------------------------------------------------ import previews


def create_import(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    user_id: str,
    key: str,
    source: str,
    source_label: str,
    steps: list[dict[str, Any]],
) -> RunbookImport:
    row = RunbookImport(
        key=key,
        workspace_id=workspace_id,
        team_id=team_id,
        user_id=user_id,
        source=source,
        source_label=source_label[:255],
        steps=steps,
    )
    session.add(row)
    session.flush()
    return row


def get_import(*, session: Session, workspace_id: int, key: str) -> RunbookImport | None:
    return session.exec(
        select(RunbookImport).where(
            RunbookImport.workspace_id == workspace_id, RunbookImport.key == key
        )
    ).first()


def save_import_steps(
    *, session: Session, workspace_id: int, key: str, steps: list[dict[str, Any]]
) -> bool:
    """Keep the choices made on a page of a pending preview (its steps as adjusted so far);
    False when the preview is not pending any more."""
    result = session.execute(
        update(RunbookImport)
        .where(
            col(RunbookImport.workspace_id) == workspace_id,
            col(RunbookImport.key) == key,
            col(RunbookImport.status) == RunbookImportStatus.PENDING,
        )
        .values(steps=steps, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish_import(
    *,
    session: Session,
    workspace_id: int,
    key: str,
    status: RunbookImportStatus,
    steps: list[dict[str, Any]] | None = None,
    added: int = 0,
    skipped: int = 0,
) -> bool:
    """Move a pending preview to ``status`` (compare-and-set: False when it was not
    pending any more, e.g. the second of a double click)."""
    values: dict[str, Any] = {
        "status": status,
        "added": added,
        "skipped": skipped,
        "updated_at": utcnow(),
    }
    if steps is not None:
        values["steps"] = steps
    result = session.execute(
        update(RunbookImport)
        .where(
            col(RunbookImport.workspace_id) == workspace_id,
            col(RunbookImport.key) == key,
            col(RunbookImport.status) == RunbookImportStatus.PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_import_counts(
    *, session: Session, workspace_id: int, key: str, added: int, skipped: int
) -> None:
    session.execute(
        update(RunbookImport)
        .where(col(RunbookImport.workspace_id) == workspace_id, col(RunbookImport.key) == key)
        .values(added=added, skipped=skipped)
        .execution_options(synchronize_session=False)
    )


# ------------------------------------------------------------------ reminders


def reminders_for(
    *,
    session: Session,
    workspace_id: int,
    operation_id: int | None = None,
    user_id: str | None = None,
    active_only: bool = True,
) -> list[Schedule]:
    """Reminder schedules (kind ``reminder``) about an operation and/or for a person."""
    stmt = select(Schedule).where(
        Schedule.workspace_id == workspace_id, Schedule.kind == ScheduleKind.REMINDER
    )
    if user_id is not None:
        stmt = stmt.where(Schedule.user_id == user_id)
    if active_only:
        stmt = stmt.where(col(Schedule.active).is_(True))
    rows = list(session.exec(stmt.order_by(col(Schedule.id))))
    if operation_id is None:
        return rows
    return [r for r in rows if _operation_of(r) == operation_id]


def _operation_of(schedule: Schedule) -> int | None:
    value = (schedule.payload or {}).get("operation_id")
    return value if isinstance(value, int) else None


def move_reminder(
    *, session: Session, workspace_id: int, schedule_id: int, next_due_at: datetime
) -> None:
    session.execute(
        update(Schedule)
        .where(col(Schedule.workspace_id) == workspace_id, col(Schedule.id) == schedule_id)
        .values(next_due_at=next_due_at, active=True, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def stop_reminders(
    *, session: Session, workspace_id: int, operation_id: int, user_id: str | None = None
) -> int:
    """Deactivate the active reminders about an operation (of one person, or everyone's)."""
    rows = reminders_for(
        session=session, workspace_id=workspace_id, operation_id=operation_id, user_id=user_id
    )
    ids = [r.id for r in rows if r.id is not None]
    if ids:
        session.execute(
            update(Schedule)
            .where(col(Schedule.id).in_(ids))
            .values(active=False, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return len(ids)


# ------------------------------------------------------------------ the team's scale


CHECKINS_READ = 20  # finished check-ins looked through for the latest answer to a question


def latest_answer(*, session: Session, workspace_id: int, team_id: int, qid: str) -> str | None:
    """The latest answer the team's finished check-ins gave to ``qid`` (a later check-in that
    skipped it, or did not ask it, does not forget it); None when none did."""
    rows = session.exec(
        select(Assessment.answers)
        .where(
            Assessment.workspace_id == workspace_id,
            Assessment.team_id == team_id,
            Assessment.status == AssessmentStatus.COMPLETED,
        )
        .order_by(col(Assessment.completed_at).desc(), col(Assessment.id).desc())
        .limit(CHECKINS_READ)
    )
    for answers in rows:
        value = (answers or {}).get(qid)
        if value and value != "skip":
            return str(value)
    return None
