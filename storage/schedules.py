"""Schedules and their exactly-once claims.

A sender first *claims* ``(schedule, period)``: inserting the claim row succeeds for exactly
one process. A claim whose holder crashed (lease expired, not done) can be taken over.
Only the claim holder posts; it then marks the claim done with its outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Claim, ClaimOutcome, Schedule, Workspace
from storage.types import utcnow

DEFAULT_LEASE = timedelta(minutes=10)


def create_schedule(
    *,
    session: Session,
    workspace_id: int,
    kind: str,
    next_due_at: datetime,
    channel_id: str = "",
    user_id: str = "",
    tz: str = "UTC",
    weekday: int | None = None,
    time_of_day: str | None = None,
    payload: dict[str, Any] | None = None,
    created_by: str = "",
) -> Schedule:
    row = Schedule(
        workspace_id=workspace_id,
        kind=kind,
        channel_id=channel_id,
        user_id=user_id,
        tz=tz,
        weekday=weekday,
        time_of_day=time_of_day,
        payload=dict(payload or {}),
        next_due_at=next_due_at,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


def schedules_of(
    *,
    session: Session,
    workspace_id: int,
    kind: str,
    channel_id: str | None = None,
    user_id: str | None = None,
    active_only: bool = True,
) -> list[Schedule]:
    stmt = select(Schedule).where(Schedule.workspace_id == workspace_id, Schedule.kind == kind)
    if channel_id is not None:
        stmt = stmt.where(Schedule.channel_id == channel_id)
    if user_id is not None:
        stmt = stmt.where(Schedule.user_id == user_id)
    if active_only:
        stmt = stmt.where(col(Schedule.active).is_(True))
    return list(session.exec(stmt.order_by(col(Schedule.id))))


def due_schedules(*, session: Session, now: datetime, kind: str | None = None) -> list[Schedule]:
    """Every installed workspace's active schedules due at ``now`` (the scheduler's sweep):
    a workspace the app was uninstalled from gets nothing posted, quietly."""
    stmt = (
        select(Schedule)
        .join(Workspace, col(Workspace.id) == col(Schedule.workspace_id))
        .where(
            col(Schedule.active).is_(True),
            col(Schedule.next_due_at).is_not(None),
            col(Schedule.next_due_at) <= now,
            col(Workspace.uninstalled_at).is_(None),
        )
    )
    if kind is not None:
        stmt = stmt.where(Schedule.kind == kind)
    return list(session.exec(stmt.order_by(col(Schedule.next_due_at), col(Schedule.id))))


def claim(
    *,
    session: Session,
    schedule_id: int,
    period: str,
    owner: str,
    now: datetime | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> Claim | None:
    """Take ``(schedule_id, period)``: the claim if this caller may send, else None.

    None when another process holds a live lease or the period is already done.
    """
    now = now or utcnow()
    row = Claim(
        schedule_id=schedule_id, period=period, owner=owner, claimed_at=now, lease_until=now + lease
    )
    try:
        with session.begin_nested():
            session.add(row)
        return row
    except IntegrityError:
        pass
    # Taken before: steal it only if its holder's lease ran out without finishing.
    result = session.execute(
        update(Claim)
        .where(
            col(Claim.schedule_id) == schedule_id,
            col(Claim.period) == period,
            col(Claim.done_at).is_(None),
            col(Claim.lease_until) < now,
        )
        .values(owner=owner, claimed_at=now, lease_until=now + lease, attempts=Claim.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return session.exec(
        select(Claim).where(Claim.schedule_id == schedule_id, Claim.period == period)
    ).one()


def finish_claim(
    *, session: Session, claim_id: int, outcome: str, detail: str = "", now: datetime | None = None
) -> None:
    session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(done_at=now or utcnow(), outcome=outcome, detail=detail[:1000])
        .execution_options(synchronize_session=False)
    )


def release_claim(*, session: Session, claim_id: int) -> None:
    """Give a claim back unfinished (its send failed): the next attempt may take it over at
    once and carries on from its checkpointed progress."""
    session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id, col(Claim.done_at).is_(None))
        .values(lease_until=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )


def save_progress(
    *, session: Session, claim_id: int, progress: dict[str, Any], lease: timedelta = DEFAULT_LEASE
) -> None:
    """Checkpoint a send in progress, and renew its lease: a long send stays this holder's."""
    session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(progress=progress, lease_until=utcnow() + lease)
        .execution_options(synchronize_session=False)
    )


def failed_claims(*, session: Session, schedule_id: int) -> int:
    """How many sends of this schedule ended in failure (to bound retries of a one-off)."""
    return len(
        session.exec(
            select(Claim.id).where(
                Claim.schedule_id == schedule_id, Claim.outcome == ClaimOutcome.FAILED
            )
        ).all()
    )


def get_claim(*, session: Session, schedule_id: int, period: str) -> Claim | None:
    return session.exec(
        select(Claim).where(Claim.schedule_id == schedule_id, Claim.period == period)
    ).first()


def advance(
    *,
    session: Session,
    schedule_id: int,
    expected_due: datetime,
    next_due_at: datetime | None,
    failure: str | None = None,
) -> bool:
    """Move a schedule from ``expected_due`` to its next due time (``None`` ends a one-off).

    A compare-and-set: False when another process already moved it (or it was edited).
    """
    values: dict[str, Any] = {"next_due_at": next_due_at, "updated_at": utcnow()}
    if next_due_at is None:
        values["active"] = False
    if failure is not None:
        values["failure"] = failure[:255]
    result = session.execute(
        update(Schedule)
        .where(col(Schedule.id) == schedule_id, col(Schedule.next_due_at) == expected_due)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
