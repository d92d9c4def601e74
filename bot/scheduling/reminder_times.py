"""When a runbook reminder is due, in the person's own time zone.

Reminders land at 09:00 local time on the chosen day. Due times are computed with
APScheduler's ``CronTrigger`` in the person's ``ZoneInfo`` (as every schedule is, see
``bot/scheduling/times.py``), so daylight-saving changes are the library's business.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.times import ScheduleError, next_weekly, parse_time, zone
from storage.types import utcnow

REMIND_AT = "09:00"
MONDAY = 0
MAX_AHEAD = timedelta(days=366)


def local_today(tz: str, now: datetime) -> date:
    return now.astimezone(zone(tz)).date()


def day_at(day: date, tz: str, time_of_day: str = REMIND_AT) -> datetime:
    """``time_of_day`` on ``day`` in ``tz``, as a UTC datetime."""
    hour, minute = parse_time(time_of_day)
    where = zone(tz)
    trigger = CronTrigger(
        year=day.year, month=day.month, day=day.day, hour=hour, minute=minute, timezone=where
    )
    start = datetime(day.year, day.month, day.day, tzinfo=where)
    fire = trigger.get_next_fire_time(None, start)
    if fire is None:  # pragma: no cover - a date's own time always fires
        raise ScheduleError("that day has no such time")
    return fire.astimezone(UTC)


def next_monday(tz: str, now: datetime) -> datetime:
    """The coming Monday (a week on, when today is Monday) at 09:00 local time."""
    tomorrow = local_today(tz, now) + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone(tz))
    return next_weekly(MONDAY, REMIND_AT, tz, start - timedelta(minutes=1))


def in_days(days: int, tz: str, now: datetime) -> datetime:
    return day_at(local_today(tz, now) + timedelta(days=days), tz)


def on_date(day: date, tz: str, now: datetime) -> datetime:
    """09:00 local on a picked day, which must still be ahead and within a year."""
    due = day_at(day, tz)
    if due <= now:
        raise ScheduleError(
            "That day has passed (or it's already past 09:00 there). Pick a later one."
        )
    if due - now > MAX_AHEAD:
        raise ScheduleError("Pick a day within the next year.")
    return due


def local_phrase(when: datetime, tz: str, *, with_time: bool = True) -> str:
    """``Monday 2 June at 09:00`` in ``tz`` (``Monday 2 June`` without the time)."""
    try:
        local = when.astimezone(zone(tz))
    except ScheduleError:
        local = when.astimezone(UTC)
    day = f"{local:%A} {local.day} {local:%B}"
    if local.year != utcnow().astimezone(local.tzinfo).year:
        day += f" {local.year}"
    return f"{day} at {local:%H:%M}" if with_time else day
