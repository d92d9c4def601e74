"""When a weekly check-in is due, and which week it belongs to (its claim's period): the
check-in kind's own ``next_due`` and ``period``, across daylight-saving changes and week
and year boundaries, in each owner's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduling.scheduler import KINDS
from bot.usecases import checkins
from storage.models import Schedule, ScheduleKind


@pytest.fixture(scope="module")
def kind():
    checkins.register_kinds()
    return KINDS[ScheduleKind.CHECKIN]


def owner(tz: str, weekday: int = 0, at: str = "10:00") -> Schedule:
    return Schedule(
        workspace_id=1,
        kind=ScheduleKind.CHECKIN,
        user_id="U0OWNER",
        tz=tz,
        weekday=weekday,
        time_of_day=at,
        payload={"team_id": 1},
    )


def weeks(kind, schedule: Schedule, start: datetime, n: int) -> list[datetime]:
    out, after = [], start
    for _ in range(n):
        after = kind.next_due(schedule, after)
        out.append(after)
    return out


@pytest.mark.parametrize(
    ("tz", "start", "expected"),
    [
        # Berlin springs forward on Sunday 29 March 2026: Monday 10:00 is 09:00 UTC, then 08:00.
        (
            "Europe/Berlin",
            datetime(2026, 3, 20, tzinfo=UTC),
            [datetime(2026, 3, 23, 9, tzinfo=UTC), datetime(2026, 3, 30, 8, tzinfo=UTC)],
        ),
        # ... and falls back on Sunday 25 October 2026: 08:00 UTC, then 09:00.
        (
            "Europe/Berlin",
            datetime(2026, 10, 16, tzinfo=UTC),
            [datetime(2026, 10, 19, 8, tzinfo=UTC), datetime(2026, 10, 26, 9, tzinfo=UTC)],
        ),
        # New York springs forward on Sunday 8 March 2026: 15:00 UTC, then 14:00.
        (
            "America/New_York",
            datetime(2026, 2, 27, tzinfo=UTC),
            [datetime(2026, 3, 2, 15, tzinfo=UTC), datetime(2026, 3, 9, 14, tzinfo=UTC)],
        ),
        # ... and falls back on Sunday 1 November 2026: 14:00 UTC, then 15:00.
        (
            "America/New_York",
            datetime(2026, 10, 23, tzinfo=UTC),
            [datetime(2026, 10, 26, 14, tzinfo=UTC), datetime(2026, 11, 2, 15, tzinfo=UTC)],
        ),
    ],
)
def test_monday_ten_stays_ten_oclock_local_across_daylight_saving(
    kind, tz, start, expected
) -> None:
    schedule = owner(tz)
    due = weeks(kind, schedule, start, 2)
    assert due == expected
    assert [kind.period(schedule, d) for d in due] == [
        f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in expected
    ]


@pytest.mark.parametrize(
    ("tz", "day", "local"),
    [
        ("Europe/Berlin", datetime(2026, 3, 29), "10:00"),
        ("America/New_York", datetime(2026, 3, 8), "10:00"),
    ],
)
def test_a_sunday_checkin_on_the_day_the_clocks_change_is_at_its_local_time(
    kind, tz, day, local
) -> None:
    from zoneinfo import ZoneInfo

    schedule = owner(tz, weekday=6)
    [due] = weeks(kind, schedule, (day - timedelta(days=2)).replace(tzinfo=UTC), 1)
    assert due.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") == f"{day:%Y-%m-%d} {local}"


def test_an_hour_that_happens_twice_falls_in_one_week(kind) -> None:
    """Berlin's 02:30 on 25 October 2026 happens twice (summer time, then winter time): the
    trigger fires at both, and both are the same week — the claim lets one through."""
    schedule = owner("Europe/Berlin", weekday=6, at="02:30")
    first, second, third = weeks(kind, schedule, datetime(2026, 10, 24, tzinfo=UTC), 3)
    assert (first, second) == (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    assert kind.period(schedule, first) == kind.period(schedule, second) == "2026-W43"
    assert kind.period(schedule, third) == "2026-W44"


def test_the_week_is_the_owners_own_not_utcs(kind) -> None:
    """Monday 00:30 in Berlin is still Sunday in UTC; Sunday 23:30 in New York is Monday in
    UTC. Each belongs to the owner's own week."""
    berlin = owner("Europe/Berlin", at="00:30")
    [due] = weeks(kind, berlin, datetime(2026, 12, 4, tzinfo=UTC), 1)
    assert due == datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # a Sunday in UTC
    assert kind.period(berlin, due) == "2026-W50"  # Berlin's Monday 7 December
    new_york = owner("America/New_York", weekday=6, at="23:30")
    [due] = weeks(kind, new_york, datetime(2026, 12, 4, tzinfo=UTC), 1)
    assert due == datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # a Monday in UTC
    assert kind.period(new_york, due) == "2026-W49"  # New York's Sunday 6 December


def test_the_year_turns_over_into_week_one(kind) -> None:
    schedule = owner("Pacific/Auckland")
    due = weeks(kind, schedule, datetime(2026, 12, 20, tzinfo=UTC), 3)
    assert [kind.period(schedule, d) for d in due] == ["2026-W52", "2026-W53", "2027-W01"]


def test_a_due_time_exactly_now_moves_on_a_week(kind) -> None:
    schedule = owner("UTC")
    due = datetime(2026, 12, 7, 10, tzinfo=UTC)
    assert kind.next_due(schedule, due) == due + timedelta(weeks=1)
    assert kind.next_due(schedule, due - timedelta(seconds=1)) == due
