"""Assessment state. The whole check-in lives in its row, updated after every answer.

Changes go through :func:`update_assessment`, a compare-and-set on ``version``: a double
click (two requests carrying the same version) advances the flow exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.models import Assessment, AssessmentStatus, Team, Workspace
from storage.types import utcnow

IDLE_EXPIRY = timedelta(days=7)


def get_assessment(*, session: Session, workspace_id: int, assessment_id: int) -> Assessment | None:
    return session.exec(
        select(Assessment).where(
            Assessment.workspace_id == workspace_id, Assessment.id == assessment_id
        )
    ).first()


@dataclass(frozen=True)
class AnswerState:
    """What answering a check-in needs of its row, and its team's name: plain values read
    in one statement (an answer is the hot path; no ORM object is built for it)."""

    id: int
    workspace_id: int
    team_id: int
    team_name: str
    user_id: str
    status: str
    answers: dict[str, str]
    messages: dict[str, str]
    dm_channel: str
    version: int
    updated_at: datetime


_ANSWER_STATE = select(  # type: ignore[call-overload]
    Assessment.id,
    Assessment.workspace_id,
    Assessment.team_id,
    Team.name,
    Assessment.user_id,
    Assessment.status,
    Assessment.answers,
    Assessment.messages,
    Assessment.dm_channel,
    Assessment.version,
    Assessment.updated_at,
).join(Team, col(Team.id) == col(Assessment.team_id))
# Built once with bound parameters: every answer reuses the statement and its compiled form.
_ANSWER_STATE_BY_ID = _ANSWER_STATE.where(
    col(Assessment.workspace_id) == bindparam("workspace_id"),
    col(Assessment.id) == bindparam("assessment_id"),
)


def answer_state(*, session: Session, workspace_id: int, assessment_id: int) -> AnswerState | None:
    row = session.exec(
        _ANSWER_STATE_BY_ID,
        params={"workspace_id": workspace_id, "assessment_id": assessment_id},
    ).first()
    if row is None:
        return None
    return AnswerState(
        id=row[0],
        workspace_id=row[1],
        team_id=row[2],
        team_name=row[3],
        user_id=row[4],
        status=row[5],
        answers=dict(row[6] or {}),
        messages=dict(row[7] or {}),
        dm_channel=row[8] or "",
        version=row[9],
        updated_at=row[10],
    )


def open_assessment(
    *, session: Session, workspace_id: int, team_id: int, user_id: str | None = None
) -> Assessment | None:
    """The team's open check-in (by ``user_id`` when given), if any."""
    stmt = select(Assessment).where(
        Assessment.workspace_id == workspace_id,
        Assessment.team_id == team_id,
        Assessment.status == AssessmentStatus.OPEN,
    )
    if user_id is not None:
        stmt = stmt.where(Assessment.user_id == user_id)
    return session.exec(stmt.order_by(col(Assessment.id).desc())).first()


def current_question(*, session: Session, slack_team_id: str, user_id: str) -> str | None:
    """The question ``user_id``'s newest open check-in in workspace ``slack_team_id`` waits
    on, if any (the local shell's demo answers it)."""
    stmt = (
        select(Assessment.current_question)
        .join(Workspace, col(Workspace.id) == col(Assessment.workspace_id))
        .where(
            Workspace.slack_team_id == slack_team_id,
            Assessment.user_id == user_id,
            Assessment.status == AssessmentStatus.OPEN,
        )
        .order_by(col(Assessment.id).desc())
    )
    return session.exec(stmt).first()


def start_assessment(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    user_id: str,
    origin_channel: str | None,
    answers: Mapping[str, str] | None = None,
) -> Assessment:
    assessment = Assessment(
        workspace_id=workspace_id,
        team_id=team_id,
        user_id=user_id,
        origin_channel=origin_channel,
        answers=dict(answers or {}),
    )
    session.add(assessment)
    session.flush()
    return assessment


def update_assessment(
    *,
    session: Session,
    workspace_id: int,
    assessment_id: int,
    expected_version: int,
    **changes: object,
) -> bool:
    """Apply ``changes`` only if nobody changed the row since ``expected_version``.

    Returns False (and changes nothing) when the row moved on: the caller lost a race,
    typically the second of a double click.
    """
    values = dict(changes)
    values["version"] = expected_version + 1
    values["updated_at"] = utcnow()
    result = session.execute(
        _update_for(frozenset(values)),
        {
            "b_workspace_id": workspace_id,
            "b_assessment_id": assessment_id,
            "b_expected_version": expected_version,
            **{f"v_{k}": v for k, v in values.items()},
        },
        execution_options={"synchronize_session": False},
    )
    if result.rowcount:  # type: ignore[attr-defined]
        session.expire_all()  # loaded rows are stale now
    return bool(result.rowcount)  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def _update_for(columns: frozenset[str]) -> Any:
    """The compare-and-set UPDATE of ``columns``, built once per set of columns (an answer
    always changes the same few), so it is compiled once and reused."""
    return (
        update(Assessment)
        .where(
            col(Assessment.workspace_id) == bindparam("b_workspace_id"),
            col(Assessment.id) == bindparam("b_assessment_id"),
            col(Assessment.version) == bindparam("b_expected_version"),
        )
        .values({name: bindparam(f"v_{name}") for name in sorted(columns)})
    )


def expire_idle_assessments(
    *, session: Session, workspace_id: int | None = None, now: datetime | None = None
) -> list[Assessment]:
    """Mark check-ins idle for 7 days as expired and return them (to notify their owners).

    ``workspace_id=None`` is the scheduler's sweep over every workspace.
    """
    cutoff = (now or utcnow()) - IDLE_EXPIRY
    stmt = select(Assessment).where(
        Assessment.status == AssessmentStatus.OPEN, col(Assessment.updated_at) < cutoff
    )
    if workspace_id is not None:
        stmt = stmt.where(Assessment.workspace_id == workspace_id)
    expired = list(session.exec(stmt))
    for row in expired:
        row.status = AssessmentStatus.EXPIRED
        row.version += 1
        session.add(row)
    return expired
