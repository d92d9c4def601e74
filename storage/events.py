"""Slack Events API deliveries, deduplicated by ``event_id`` (Slack retries on timeouts)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from storage.models import ProcessedEvent
from storage.types import utcnow

KEEP = timedelta(days=2)


def first_delivery(*, session: Session, event_id: str) -> bool:
    """Record ``event_id``; True the first time it is seen, False for a retry."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id[:64]))
    except IntegrityError:
        return False
    return True


def forget_old_events(*, session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP
    result = session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
