"""Scheduled work: "send what is due" every minute, plus housekeeping.

APScheduler runs a few fixed, stable-id jobs in the serving process. It cannot share a job
store between processes, so exactly-once delivery comes from the database: every due item
is claimed under ``(schedule, period)`` before anything is posted (``storage.schedules``).
Two processes, a restart, or a crash mid-send never post the same thing twice, and a claim
whose holder died is retried once its lease runs out.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from storage.db import session_scope
from storage.events import forget_old_events
from storage.models import ClaimOutcome, Schedule
from storage.schedules import advance, claim, due_schedules, finish_claim
from storage.types import utcnow

logger = logging.getLogger("maturity_bot.scheduler")

SEND_DUE_JOB = "send-due"
EXPIRE_JOB = "expire-checkins"
CLEANUP_JOB = "forget-old-events"


@dataclass
class Outcome:
    status: ClaimOutcome
    detail: str = ""


@dataclass
class Due:
    """One due item handed to its kind's handler, after its claim succeeded."""

    deps: Deps
    client: WebClient
    schedule: Schedule
    period: str
    due_at: datetime
    now: datetime


@dataclass(frozen=True)
class Kind:
    """How one kind of schedule is sent.

    ``period(schedule, due_at)`` names the period a send belongs to (the claim's key);
    ``next_due(schedule, after)`` the following due time (None ends a one-off);
    ``max_lateness`` how late a send may still go out (older ones are skipped and logged).
    """

    send: Callable[[Due], Outcome]
    period: Callable[[Schedule, datetime], str]
    next_due: Callable[[Schedule, datetime], datetime | None]
    max_lateness: timedelta = timedelta(hours=6)


KINDS: dict[str, Kind] = {}


def register_kind(name: str, kind: Kind) -> None:
    KINDS[name] = kind


@dataclass
class Report:
    schedule_id: int
    kind: str
    period: str
    outcome: str
    detail: str = ""


@dataclass
class Sender:
    deps: Deps
    client_for: Callable[[int], WebClient]
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    def send_due(
        self,
        *,
        now: datetime | None = None,
        kind: str | None = None,
        where: Callable[[Schedule], bool] | None = None,
    ) -> list[Report]:
        """Send every due item (optionally of one kind, or matching ``where``)."""
        now = now or utcnow()
        with session_scope(self.deps.engine) as session:
            due = due_schedules(session=session, now=now, kind=kind)
        reports = []
        for schedule in due:
            if where is not None and not where(schedule):
                continue
            handler = KINDS.get(schedule.kind)
            if handler is None:
                logger.warning("no sender for schedule kind %r", schedule.kind)
                continue
            reports.append(self.send_one(schedule, handler, now))
        return reports

    def send_one(self, schedule: Schedule, handler: Kind, now: datetime) -> Report:
        assert schedule.id is not None and schedule.next_due_at is not None
        due_at = schedule.next_due_at
        period = handler.period(schedule, due_at)
        with session_scope(self.deps.engine) as session:
            held = claim(session=session, schedule_id=schedule.id, period=period, owner=self.owner)
            claim_id = held.id if held is not None else None
        if claim_id is None:
            return Report(schedule.id, schedule.kind, period, "already-claimed")
        if now - due_at > handler.max_lateness:
            logger.warning(
                "skipping %s schedule %s for %s: due %s, %s late",
                schedule.kind,
                schedule.id,
                period,
                due_at.isoformat(),
                now - due_at,
            )
            outcome = Outcome(ClaimOutcome.SKIPPED, f"more than {handler.max_lateness} late")
        else:
            try:
                outcome = handler.send(
                    Due(
                        self.deps,
                        self.client_for(schedule.workspace_id),
                        schedule,
                        period,
                        due_at,
                        now,
                    )
                )
            except Exception as exc:  # recorded on the claim; the next period still runs
                logger.exception("sending %s schedule %s failed", schedule.kind, schedule.id)
                outcome = Outcome(ClaimOutcome.FAILED, f"{type(exc).__name__}: {exc}")
        with session_scope(self.deps.engine) as session:
            finish_claim(
                session=session, claim_id=claim_id, outcome=outcome.status, detail=outcome.detail
            )
            advance(
                session=session,
                schedule_id=schedule.id,
                next_due_at=handler.next_due(schedule, max(now, due_at)),
                failure=outcome.detail if outcome.status == ClaimOutcome.FAILED else "",
            )
        return Report(schedule.id, schedule.kind, period, outcome.status, outcome.detail)


def start_scheduler(
    deps: Deps, sender: Sender, *, housekeeping: Callable[[], None] | None = None
) -> BackgroundScheduler:
    """Start the fixed jobs on a background thread; returns the scheduler to shut down."""
    scheduler = BackgroundScheduler(timezone="UTC")
    defaults = {
        "replace_existing": True,
        "coalesce": True,
        "max_instances": 1,
        # A deploy or a GC pause must not silently drop a run (APScheduler's default is 1 s).
        "misfire_grace_time": 300,
    }
    scheduler.add_job(
        _guarded(sender.send_due), IntervalTrigger(minutes=1), id=SEND_DUE_JOB, **defaults
    )
    if housekeeping is not None:
        scheduler.add_job(
            _guarded(housekeeping), IntervalTrigger(hours=1), id=EXPIRE_JOB, **defaults
        )
    scheduler.add_job(
        _guarded(lambda: _forget_events(deps)),
        IntervalTrigger(hours=6),
        id=CLEANUP_JOB,
        **defaults,
    )
    scheduler.start()
    logger.info("scheduler started: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    return scheduler


def _forget_events(deps: Deps) -> None:
    with session_scope(deps.engine) as session:
        forget_old_events(session=session)


def _guarded(fn: Callable[..., object]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:
            logger.exception("scheduled job %s failed", getattr(fn, "__name__", fn))

    run.__name__ = getattr(fn, "__name__", "job")
    return run
