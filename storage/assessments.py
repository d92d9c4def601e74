"""Assessment state. The whole check-in lives in its row, updated after every answer.

Changes go through :func:`update_assessment`, a compare-and-set on ``version``: a double
click (two requests carrying the same version) advances the flow exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Assessment, AssessmentStatus
from storage.types import utcnow

IDLE_EXPIRY = timedelta(days=7)


def get_assessment(*, session: Session, workspace_id: int, assessment_id: int) -> Assessment | None:
    return session.exec(
        select(Assessment).where(
            Assessment.workspace_id == workspace_id, Assessment.id == assessment_id
        )
    ).first()


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
        update(Assessment)
        .where(
            col(Assessment.workspace_id) == workspace_id,
            col(Assessment.id) == assessment_id,
            col(Assessment.version) == expected_version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


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
