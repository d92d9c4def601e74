from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import session_scope
from storage.models import ScheduleKind
from storage.schedules import (
    advance,
    claim,
    create_schedule,
    due_schedules,
    finish_claim,
    get_claim,
    save_progress,
)
from storage.workspaces import get_or_create_workspace

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _schedule(engine) -> int:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T1")
        return create_schedule(
            session=s,
            workspace_id=ws.id,
            kind=ScheduleKind.DIGEST,
            next_due_at=DUE,
            channel_id="C1",
            weekday=0,
            time_of_day="09:00",
        ).id


def test_a_period_is_claimed_once(engine) -> None:
    sid = _schedule(engine)
    with session_scope(engine) as s:
        first = claim(session=s, schedule_id=sid, period="2026-W49", owner="a", now=DUE)
    with session_scope(engine) as s:
        second = claim(session=s, schedule_id=sid, period="2026-W49", owner="b", now=DUE)
        other_week = claim(session=s, schedule_id=sid, period="2026-W50", owner="b", now=DUE)
    assert first is not None and second is None and other_week is not None


def test_a_crashed_claim_is_taken_over_after_its_lease_with_its_progress(engine) -> None:
    sid = _schedule(engine)
    with session_scope(engine) as s:
        held = claim(
            session=s, schedule_id=sid, period="W", owner="a", now=DUE, lease=timedelta(minutes=10)
        )
        save_progress(
            session=s, claim_id=held.id, progress={"parent_ts": "1.2"}, lease=timedelta(minutes=10)
        )
    # Within the (renewed) lease nobody else may take it ...
    with session_scope(engine) as s:
        assert (
            claim(session=s, schedule_id=sid, period="W", owner="b", now=datetime.now(UTC)) is None
        )
    # ... after it, the next sender continues from the checkpoint.
    later = datetime.now(UTC) + timedelta(minutes=11)
    with session_scope(engine) as s:
        taken = claim(session=s, schedule_id=sid, period="W", owner="b", now=later)
        assert taken is not None
        assert (taken.owner, taken.attempts, taken.progress) == ("b", 2, {"parent_ts": "1.2"})
        finish_claim(session=s, claim_id=taken.id, outcome="sent")
    # A finished claim is never taken again, however late.
    with session_scope(engine) as s:
        assert (
            claim(session=s, schedule_id=sid, period="W", owner="c", now=later + timedelta(days=30))
            is None
        )
        assert get_claim(session=s, schedule_id=sid, period="W").outcome == "sent"


def test_advance_is_a_compare_and_set_and_none_ends_a_one_off(engine) -> None:
    sid = _schedule(engine)
    with session_scope(engine) as s:
        assert advance(
            session=s, schedule_id=sid, expected_due=DUE, next_due_at=DUE + timedelta(weeks=1)
        )
        assert not advance(
            session=s, schedule_id=sid, expected_due=DUE, next_due_at=DUE + timedelta(weeks=2)
        )
    with session_scope(engine) as s:
        assert [x.id for x in due_schedules(session=s, now=DUE + timedelta(weeks=1))] == [sid]
        assert advance(
            session=s, schedule_id=sid, expected_due=DUE + timedelta(weeks=1), next_due_at=None
        )
    with session_scope(engine) as s:
        assert due_schedules(session=s, now=DUE + timedelta(weeks=5)) == []
