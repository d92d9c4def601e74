"""What an export reads: a team's check-ins, criterion and level changes and nudges — and,
for a workspace export, every row kept for the workspace — streamed in chunks, never whole.

Every reader here is a generator that pages through its table with a keyset (``WHERE
(created_at, id) > (last seen) ORDER BY created_at, id LIMIT n`` on the tables' own
``(workspace_id, team_id, created_at)`` indexes), so a history of any length costs one
chunk of memory and each query stays short (no server-side cursor, no statement anywhere
near PostgreSQL's statement timeout). Rows are read as plain tuples, not ORM objects: none
of them lands in the session's identity map.

The file formats built from these records are documented in ``bot/usecases/export.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Select, Table, bindparam, select, tuple_
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as select_models

from storage.models import (
    Assessment,
    CriterionEvent,
    LevelChange,
    NudgeRecord,
    Team,
    Workspace,
)

CHUNK = 1000
# Columns never exported, whatever table they sit in (a hashed hook token is still a
# credential's fingerprint).
SECRET_MARKERS = ("token", "secret")


@dataclass(frozen=True)
class TeamRecord:
    id: int
    name: str
    level: int | None
    target_level: int | None
    channel_id: str | None
    owners: list[str]
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    user_id: str
    status: str
    started_at: datetime
    completed_at: datetime | None
    level: int | None
    answers: dict[str, str]


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    at: datetime
    user_id: str
    criterion_id: str
    status: str
    value: float | None
    source: str
    evidence: str
    old_status: str | None = None
    old_value: float | None = None
    note: str = ""
    link: str = ""


@dataclass(frozen=True)
class LevelRecord:
    id: int
    at: datetime
    from_level: int | None
    to_level: int
    criterion_id: str
    user_id: str
    source: str


@dataclass(frozen=True)
class NudgeExportRecord:
    id: int
    at: datetime
    rule_id: str
    source: str
    subject: str
    dismissed_at: datetime | None
    dismissed_by: str


def _team(row: Team) -> TeamRecord:
    assert row.id is not None
    return TeamRecord(
        id=row.id,
        name=row.name,
        level=row.level,
        target_level=row.target_level,
        channel_id=row.channel_id,
        owners=[str(o) for o in row.owners or []],
        created_by=row.created_by,
        created_at=row.created_at,
    )


def export_teams(
    *, session: Session, workspace_id: int, team_id: int | None = None
) -> list[TeamRecord]:
    """The team (or, without ``team_id``, every team of the workspace, A to Z)."""
    stmt = select_models(Team).where(Team.workspace_id == workspace_id)
    if team_id is not None:
        stmt = stmt.where(Team.id == team_id)
    return [_team(row) for row in session.exec(stmt.order_by(col(Team.name_key), col(Team.id)))]


def _pages(session: Session, base: Select[Any], at: Any, key: Any, chunk: int) -> Iterator[Any]:
    """Rows of ``base`` ordered by (``at``, ``key``), ``chunk`` at a time."""
    last: tuple[Any, Any] | None = None
    connection = session.connection()
    while True:
        stmt = base
        if last is not None:
            after = tuple_(bindparam(None, last[0], type_=at.type), bindparam(None, last[1]))
            stmt = stmt.where(tuple_(at, key) > after)
        rows = connection.execute(stmt.order_by(at, key).limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        last = (rows[-1]._mapping[at.key], rows[-1]._mapping[key.key])


def assessments(
    *, session: Session, workspace_id: int, team_id: int, chunk: int = CHUNK
) -> Iterator[AssessmentRecord]:
    """The team's check-ins, oldest first."""
    c = Assessment.__table__.c  # type: ignore[attr-defined]
    base = select(
        c.id, c.user_id, c.status, c.started_at, c.completed_at, c.result_level, c.answers
    ).where(c.workspace_id == workspace_id, c.team_id == team_id)
    for row in _pages(session, base, c.started_at, c.id, chunk):
        yield AssessmentRecord(
            id=row.id,
            user_id=row.user_id,
            status=row.status,
            started_at=row.started_at,
            completed_at=row.completed_at,
            level=row.result_level,
            answers={str(k): str(v) for k, v in (row.answers or {}).items()},
        )


def changes(
    *, session: Session, workspace_id: int, team_id: int, chunk: int = CHUNK
) -> Iterator[ChangeRecord]:
    """The team's criterion history, oldest first."""
    c = CriterionEvent.__table__.c  # type: ignore[attr-defined]
    base = select(
        c.id,
        c.created_at,
        c.user_id,
        c.criterion_id,
        c.status,
        c.value,
        c.source,
        c.evidence,
        c.old_status,
        c.old_value,
        c.note,
        c.link,
    ).where(c.workspace_id == workspace_id, c.team_id == team_id)
    for row in _pages(session, base, c.created_at, c.id, chunk):
        yield ChangeRecord(
            id=row.id,
            at=row.created_at,
            user_id=row.user_id,
            criterion_id=row.criterion_id,
            status=row.status,
            value=row.value,
            source=row.source,
            evidence=row.evidence,
            old_status=row.old_status,
            old_value=row.old_value,
            note=row.note or "",
            link=row.link or "",
        )


def level_changes(
    *, session: Session, workspace_id: int, team_id: int, chunk: int = CHUNK
) -> Iterator[LevelRecord]:
    """The team's level changes, oldest first."""
    c = LevelChange.__table__.c  # type: ignore[attr-defined]
    base = select(
        c.id, c.created_at, c.from_level, c.to_level, c.criterion_id, c.user_id, c.source
    ).where(c.workspace_id == workspace_id, c.team_id == team_id)
    for row in _pages(session, base, c.created_at, c.id, chunk):
        yield LevelRecord(
            id=row.id,
            at=row.created_at,
            from_level=row.from_level,
            to_level=row.to_level,
            criterion_id=row.criterion_id,
            user_id=row.user_id,
            source=row.source,
        )


def nudges(
    *, session: Session, workspace_id: int, team_id: int, chunk: int = CHUNK
) -> Iterator[NudgeExportRecord]:
    """The nudges the team was shown, oldest first."""
    c = NudgeRecord.__table__.c  # type: ignore[attr-defined]
    base = select(
        c.id, c.created_at, c.rule_id, c.source, c.subject, c.dismissed_at, c.dismissed_by
    ).where(c.workspace_id == workspace_id, c.team_id == team_id)
    for row in _pages(session, base, c.created_at, c.id, chunk):
        yield NudgeExportRecord(
            id=row.id,
            at=row.created_at,
            rule_id=row.rule_id,
            source=row.source,
            subject=row.subject,
            dismissed_at=row.dismissed_at,
            dismissed_by=row.dismissed_by,
        )


# ------------------------------------------------------------------ everything of a workspace


def workspace_tables() -> list[Table]:
    """Every table keyed by the workspace, parents first (teams before their check-ins).
    Read from the models, so a table added later is exported without touching this."""
    out = []
    for table in SQLModel.metadata.sorted_tables:
        key = table.c.get("workspace_id")
        if key is not None and any(fk.column.table.name == "workspaces" for fk in key.foreign_keys):
            out.append(table)
    return out


def exported_columns(table: Table) -> list[Column[Any]]:
    """The table's columns, less any that hold a credential."""
    return [
        column
        for column in table.columns
        if not any(marker in column.name.lower() for marker in SECRET_MARKERS)
    ]


def workspace_row(*, session: Session, workspace_id: int) -> dict[str, Any] | None:
    table = Workspace.__table__  # type: ignore[attr-defined]
    row = (
        session.connection()
        .execute(select(*exported_columns(table)).where(table.c.id == workspace_id))
        .first()
    )
    return None if row is None else dict(row._mapping)


def table_rows(
    *, session: Session, table: Table, workspace_id: int, chunk: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """Every row ``table`` keeps for the workspace, as column → value, by id."""
    key = table.c.id
    base = select(*exported_columns(table)).where(table.c.workspace_id == workspace_id)
    last: Any = None
    connection = session.connection()
    while True:
        stmt = base if last is None else base.where(key > last)
        rows = connection.execute(stmt.order_by(key).limit(chunk)).all()
        for row in rows:
            yield dict(row._mapping)
        if len(rows) < chunk:
            return
        last = rows[-1]._mapping["id"]
