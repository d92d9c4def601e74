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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from storage.db import session_scope
from storage.events import forget_old_events
from storage.models import ClaimOutcome, Schedule
from storage.schedules import (
    advance,
    claim,
    due_schedules,
    failed_claims,
    finish_claim,
    get_claim,
    release_claim,
    save_progress,
)
from storage.types import utcnow

logger = logging.getLogger("maturity_bot.scheduler")

SEND_DUE_JOB = "send-due"
ONE_OFF_TRIES = 3
ONE_OFF_RETRY_AFTER = timedelta(minutes=10)
EXPIRE_JOB = "expire-checkins"
CLEANUP_JOB = "forget-old-events"


@dataclass
class Outcome:
    status: ClaimOutcome
    detail: str = ""


@dataclass
class Due:
    """One due item handed to its kind's handler, after its claim succeeded.

    ``progress`` is what an earlier, crashed attempt at this very claim checkpointed (e.g.
    the digest's parent message ts), so a retry continues instead of posting again;
    ``checkpoint(progress)`` saves it.
    """

    deps: Deps
    client: WebClient
    schedule: Schedule
    period: str
    due_at: datetime
    now: datetime
    claim_id: int = 0
    progress: dict[str, Any] = field(default_factory=dict)

    def checkpoint(self, progress: dict[str, Any]) -> None:
        self.progress = dict(progress)
        with session_scope(self.deps.engine) as session:
            save_progress(session=session, claim_id=self.claim_id, progress=self.progress)


POSTING = "posting"  # progress mark: a post went to Slack, its answer not yet written down


def post_once(
    due: Due, *, channel: str, key: str, event_type: str, text: str, blocks: list[dict[str, Any]]
) -> str:
    """Post a message for this claim once, even when a crash falls between Slack taking
    the post and the checkpoint of its ts: the mark ``posting: key`` is checkpointed
    first and the post carries Slack message metadata naming ``key``, so an attempt that
    finds the mark of an earlier one looks for that message in the channel's recent
    history before posting again. The message's ts."""
    if due.progress.get(POSTING) == key:
        found = _posted_before(due.client, channel, event_type, key)
        if found:
            return found
    due.checkpoint({**due.progress, POSTING: key})
    posted = due.client.chat_postMessage(
        channel=channel,
        text=text,
        blocks=blocks,
        metadata={"event_type": event_type, "event_payload": {"key": key}},
    )
    return str(posted.get("ts") or "")


def _posted_before(client: WebClient, channel: str, event_type: str, key: str) -> str:
    """The ts of the bot's recent message in ``channel`` carrying ``key``, or ""."""
    try:
        page = client.conversations_history(channel=channel, limit=20, include_all_metadata=True)
    except SlackApiError as exc:  # can't tell: posting again beats never posting
        logger.warning("could not look for an earlier post in %s: %s", channel, exc)
        return ""
    for message in page.get("messages") or []:
        meta = message.get("metadata") or {}
        if (
            meta.get("event_type") == event_type
            and (meta.get("event_payload") or {}).get("key") == key
        ):
            return str(message.get("ts") or "")
    return ""


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
    """Sends what is due. Items run in parallel (one slow or rate-limited channel does not
    hold up the others); each item is claimed first, so any number of senders in any
    number of processes post it once."""

    deps: Deps
    client_for: Callable[[int], WebClient]
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    parallel: int = 8

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
        todo = [s for s in due if s.kind in KINDS and (where is None or where(s))]
        for s in due:
            if s.kind not in KINDS:
                logger.warning("no sender for schedule kind %r", s.kind)
        if len(todo) <= 1 or self.parallel <= 1:
            return [r for s in todo for r in self.send_schedule(s, now)]
        with ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="send") as pool:
            batches = list(pool.map(lambda s: self.send_schedule(s, now), todo))
        return [r for batch in batches for r in batch]

    def send_schedule(self, schedule: Schedule, now: datetime) -> list[Report]:
        """Send a schedule's due period(s): a stale one is skipped, then the catch-up sent."""
        reports = []
        for _ in range(3):  # at most: a stale period, the catch-up, nothing more
            if schedule.next_due_at is None or schedule.next_due_at > now:
                break
            report, next_due = self.send_one(schedule, KINDS[schedule.kind], now)
            reports.append(report)
            if next_due is None or report.outcome in ("in-progress", "retrying"):
                break
            schedule.next_due_at = next_due
        return reports

    def send_one(
        self, schedule: Schedule, handler: Kind, now: datetime
    ) -> tuple[Report, datetime | None]:
        assert schedule.id is not None and schedule.next_due_at is not None
        due_at = schedule.next_due_at
        period = handler.period(schedule, due_at)
        late = now - due_at > handler.max_lateness
        # After a skipped (too late) period, the next candidate is the first due time
        # within the catch-up window, which may be this very week's.
        next_due = handler.next_due(schedule, now - handler.max_lateness if late else due_at)
        with session_scope(self.deps.engine) as session:
            held = claim(session=session, schedule_id=schedule.id, period=period, owner=self.owner)
            claim_id = held.id if held is not None else None
            progress = dict(held.progress) if held is not None else {}
            previous = (
                None if held else get_claim(session=session, schedule_id=schedule.id, period=period)
            )
            if held is None and previous is not None and previous.done_at is not None:
                # Sent already (by another process, or by `digest send --now`): move on.
                advance(
                    session=session,
                    schedule_id=schedule.id,
                    expected_due=due_at,
                    next_due_at=next_due,
                )
                return Report(schedule.id, schedule.kind, period, "already-sent"), next_due
        if claim_id is None:
            return Report(schedule.id, schedule.kind, period, "in-progress"), None
        if late:
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
            due = Due(
                self.deps,
                self.client_for(schedule.workspace_id),
                schedule,
                period,
                due_at,
                now,
                claim_id=claim_id,
                progress=progress,
            )
            try:
                outcome = handler.send(due)
            except Exception as exc:
                logger.exception("sending %s schedule %s failed", schedule.kind, schedule.id)
                if next_due is not None:
                    # A recurring send (a digest) that broke off — Slack or the database
                    # away — is given back, and the next sweep carries on from its
                    # checkpoint, until it is too late for this period.
                    with session_scope(self.deps.engine) as session:
                        release_claim(session=session, claim_id=claim_id)
                    return Report(schedule.id, schedule.kind, period, "retrying", str(exc)), None
                outcome = Outcome(ClaimOutcome.FAILED, f"{type(exc).__name__}: {exc}")
        with session_scope(self.deps.engine) as session:
            finish_claim(
                session=session, claim_id=claim_id, outcome=outcome.status, detail=outcome.detail
            )
            # A one-off (a reminder) that failed is tried again shortly, a few times, rather
            # than lost; the new due minute is a new period, hence a new claim.
            if (
                outcome.status == ClaimOutcome.FAILED
                and next_due is None
                and failed_claims(session=session, schedule_id=schedule.id) < ONE_OFF_TRIES
            ):
                next_due = now + ONE_OFF_RETRY_AFTER
            advance(
                session=session,
                schedule_id=schedule.id,
                expected_due=due_at,
                next_due_at=next_due,
                failure=outcome.detail if outcome.status == ClaimOutcome.FAILED else "",
            )
        return Report(schedule.id, schedule.kind, period, outcome.status, outcome.detail), next_due


def start_scheduler(
    deps: Deps, sender: Sender, *, housekeeping: Callable[[], object] | None = None
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
        _guarded(sender.send_due),
        IntervalTrigger(minutes=1),
        id=SEND_DUE_JOB,
        name=SEND_DUE_JOB,
        **defaults,
    )
    if housekeeping is not None:
        scheduler.add_job(
            _guarded(housekeeping),
            IntervalTrigger(hours=1),
            id=EXPIRE_JOB,
            name=EXPIRE_JOB,
            **defaults,
        )
    scheduler.add_job(
        _guarded(lambda: _forget_events(deps)),
        IntervalTrigger(hours=6),
        id=CLEANUP_JOB,
        name=CLEANUP_JOB,
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
