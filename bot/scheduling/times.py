"""When things are due, computed by APScheduler's triggers in the schedule's own time zone,
so daylight-saving changes are handled by a well-kept library rather than by us."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from conversations.scoring import parse_time_of_day

_MINUTE = timedelta(minutes=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """A day, time or zone we cannot use; the message names the bad part."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"“{name}” is not a time zone I know. Use an IANA name like Europe/Berlin."
        ) from None


def parse_time(text: str) -> tuple[int, int]:
    """A time of day as people type it (``09:30``, ``9:30``, ``4pm``, ``4:30 pm``, ``noon``),
    read by the domain's one parser; a :class:`ScheduleError` naming it otherwise."""
    found = parse_time_of_day(text)
    if found is None:
        raise ScheduleError(
            f"“{text}” is not a time of day I can read. Use 24-hour HH:MM like 09:30, or 9:30am."
        )
    return found


def parse_weekday(text: str) -> int:
    key = text.strip().lower()[:3]
    if len(text.strip()) < 3 or key not in WEEKDAYS:
        raise ScheduleError(f"“{text}” is not a day of the week. Use Monday … Sunday (or Mon).")
    return WEEKDAYS.index(key)


def next_weekly(weekday: int, time_of_day: str, tz: str, after: datetime) -> datetime:
    """The first ``weekday`` at ``time_of_day`` in ``tz`` strictly after ``after`` (UTC out)."""
    hour, minute = parse_time(time_of_day)
    trigger = CronTrigger(
        day_of_week=WEEKDAYS[weekday], hour=hour, minute=minute, timezone=zone(tz)
    )
    fire = trigger.get_next_fire_time(None, after.astimezone(zone(tz)))
    if fire is None:  # pragma: no cover - a weekly cron always fires again
        raise ScheduleError("that schedule never fires")
    # CronTrigger may return ``after`` itself when it matches exactly: move past it. The
    # step is taken in UTC: a wall-clock step would not leave an hour that happens twice
    # (02:30 on the night clocks go back), and the schedule would stay stuck on it.
    if fire <= after:
        past = after.astimezone(UTC).replace(second=0, microsecond=0) + _MINUTE
        fire = trigger.get_next_fire_time(None, past.astimezone(zone(tz)))
        assert fire is not None
    return fire.astimezone(UTC)


def week_period(due: datetime, tz: str) -> str:
    """The ISO week a due time falls in, in the schedule's zone: ``2026-W48``."""
    local = due.astimezone(zone(tz))
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"
