"""Nudges shown to teams: recorded so they can be counted, dismissed and cooled down."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.models import NudgeRecord
from storage.types import utcnow


def record_nudge(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    rule_id: str,
    source: str,
    subject: str = "",
    at: datetime | None = None,
) -> NudgeRecord:
    row = NudgeRecord(
        workspace_id=workspace_id,
        team_id=team_id,
        rule_id=rule_id,
        source=source,
        subject=subject[:255],
        created_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def dismiss_nudge(
    *, session: Session, workspace_id: int, nudge_id: int, user_id: str
) -> NudgeRecord | None:
    row = session.exec(
        select(NudgeRecord).where(
            NudgeRecord.workspace_id == workspace_id, NudgeRecord.id == nudge_id
        )
    ).first()
    if row is None:
        return None
    if row.dismissed_at is None:
        row.dismissed_at = utcnow()
        row.dismissed_by = user_id
        session.add(row)
    return row


def recently_dismissed(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    rule_id: str,
    cooldown: timedelta,
    now: datetime | None = None,
) -> bool:
    """True while a dismissal of this rule for this team is within its cooldown."""
    since = (now or utcnow()) - cooldown
    row = session.exec(
        select(NudgeRecord.id).where(
            NudgeRecord.workspace_id == workspace_id,
            NudgeRecord.team_id == team_id,
            NudgeRecord.rule_id == rule_id,
            col(NudgeRecord.dismissed_at) >= since,
        )
    ).first()
    return row is not None
