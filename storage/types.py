"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The one clock of the app: everything that asks "what time is it" asks utcnow(). Serving
# runs on real time; the local shell moves it forward (`:clock +7d`) so scheduled posts,
# reminders and expiries happen in front of a person, through the same code and claims.
_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset


def move_clock(by: timedelta) -> datetime:
    """Move the app's clock forward by ``by`` (the local shell's time travel); the new now."""
    global _offset
    if by < timedelta(0):
        raise ValueError("the clock only moves forward")
    _offset += by
    return utcnow()


def set_clock(when: datetime) -> None:
    """Put the app's clock at ``when``, back or forth: the shell's demo workspace plays its
    past in at the times it happened. (Nothing serving calls this.)"""
    global _offset
    _offset = when - datetime.now(UTC)


def reset_clock() -> None:
    """Back to real time (tests)."""
    global _offset
    _offset = timedelta(0)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the zone (``timestamptz``); SQLite stores text without one, so values
    are normalised to UTC on the way in and get ``tzinfo=UTC`` back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use storage.types.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
