"""Nudges on every change, batched and never repeated (issue 14).

:func:`nudge_soon` runs in the unit of work of every change to a team that can trigger a
rule — ``levels.follow`` calls it after every criterion change from any source (board,
``/maturity set``, check-ins, the runbook, evidence), a finished assessment, and the
runbook; the weekly pass (:func:`send_weekly`) calls it for every team with something
new. With the team's row locked, it makes sure ONE message is due for the team: a one-off
schedule of kind ``nudges``, a minute from now — or, when the team's message of the day
went out already, at the same time tomorrow. At most one nudge message per team per day.

The scheduler claims that schedule (exactly once across processes) and hands it to
:func:`send_nudges`, which evaluates the rules over the team's state as it is then
(``conversations.nudges.team_nudges``), leaves out every fingerprint shown within the
cooldown (``NUDGE_COOLDOWN_DAYS``) or answered *Not relevant for us* (90 days) / *Remind
me later* (7 days), records the rest (``nudges`` rows, source ``channel``) and posts them
as one message in the team's channel — a runbook nudge about an operation with an owner
goes to that owner by DM instead. A crash between recording and posting is retried with
the same records, so nothing new is shown twice or lost.

The weekly pass (:func:`weekly_pass`, a fixed scheduler job, Mondays 08:00 UTC) runs every
rule over every team in batches and dues a message for each team with something new.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.nudges import Shown, daily_blocks, daily_text
from bot.deps import Deps
from bot.scheduling.scheduler import Due, Kind, Outcome, register_kind
from conversations.nudges import Nudge, team_nudges
from storage.criteria import lock_team
from storage.db import read_scope, session_scope
from storage.models import ClaimOutcome, NudgeRecord, Schedule, ScheduleKind, Team
from storage.nudges import (
    CHANNEL_SOURCE,
    channel_nudges_since,
    installed_workspaces,
    quiet_fingerprints,
    record_nudge,
    suppressed_fingerprints,
    team_states,
)
from storage.schedules import create_schedule, schedules_of
from storage.types import utcnow
from storage.workspaces import list_teams

logger = logging.getLogger("maturity_bot.nudges")

KIND = ScheduleKind.NUDGES
BATCH = timedelta(minutes=1)  # changes within a minute of the first are looked at together
DAY = timedelta(days=1)
MAX_LATENESS = timedelta(days=1)
WEEKLY_CRON: dict[str, str | int] = {
    "day_of_week": "mon",
    "hour": 8,
    "minute": 0,
}  # the weekly pass, UTC
UNSENT = "-"  # a record whose message never went out (Slack refused it for good)
UNPOSTABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def cooldown_of(deps: Deps) -> timedelta:
    return timedelta(days=deps.settings.nudge_cooldown_days)


def _day_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


# ------------------------------------------------------------------ on every change


def nudge_soon(
    session: Session, ws: int, team: Team, *, at: datetime | None = None, news: bool = False
) -> bool:
    """Make sure the team's nudges go out shortly, in its one message of the day, when the
    rules have something to say that it has not heard. True when a message is due.

    Call with the team's row locked (``levels.follow`` does), so two changes at once
    create one schedule. ``news``: the caller has just seen that there is news (the
    weekly pass), so the rules are not run again."""
    if team.id is None or not team.channel_id:
        return False
    now = at or utcnow()
    # The team's schedules are found by its channel (an index), then by the team itself.
    mine = schedules_of(session=session, workspace_id=ws, kind=KIND, channel_id=team.channel_id)
    waiting = [s for s in mine if _about(s, team.id)]
    if any(not (s.payload or {}).get("taken") for s in waiting):
        return True  # one is due already: it will see this change too
    if not news and not _has_news(session, ws, team, now):
        return False
    due = now + BATCH
    today = _day_start(due)
    sent_today = any((s.payload or {}).get("day") == f"{today:%Y-%m-%d}" for s in waiting) or any(
        r.message_ts
        for r in channel_nudges_since(
            session=session, workspace_id=ws, team_id=team.id, since=today
        )
    )
    if sent_today:
        due += DAY  # at most one message a day: tomorrow, at the same time
    create_schedule(
        session=session,
        workspace_id=ws,
        kind=KIND,
        next_due_at=due,
        channel_id=team.channel_id,
        payload={"team_id": team.id, "day": f"{_day_start(due):%Y-%m-%d}"},
    )
    return True


# The change itself does not know the configured cooldown (``NUDGE_COOLDOWN_DAYS``, at
# least a day): it leaves out only what is quiet for any setting; the send decides.
PRE_FILTER_COOLDOWN = timedelta(days=1)


def _has_news(session: Session, ws: int, team: Team, now: datetime) -> bool:
    assert team.id is not None
    state = team_states(session=session, workspace_id=ws, teams=[team], now=now)[team.id]
    nudges = team_nudges(state)
    if not nudges:
        return False
    quiet = quiet_fingerprints(
        session=session,
        workspace_id=ws,
        team_ids=[team.id],
        now=now,
        cooldown=PRE_FILTER_COOLDOWN,
    ).get(team.id, set())
    return any(n.fingerprint not in quiet for n in nudges)


def _about(schedule: Schedule, team_id: int) -> bool:
    return (schedule.payload or {}).get("team_id") == team_id


# ------------------------------------------------------------------ the scheduler


def register_kinds() -> None:
    """Teach the scheduler the daily nudge message (claimed: exactly once)."""
    register_kind(
        KIND,
        Kind(send=send_nudges, period=_minute, next_due=_one_off, max_lateness=MAX_LATENESS),
    )


def _minute(schedule: Schedule, due_at: datetime) -> str:
    return f"{due_at:%Y-%m-%dT%H:%M:%S}Z"


def _one_off(schedule: Schedule, after: datetime) -> datetime | None:
    return None


def send_nudges(due: Due) -> Outcome:
    """Post the team's new nudges as its one message of the day."""
    schedule = due.schedule
    ws, team_id = schedule.workspace_id, int((schedule.payload or {}).get("team_id") or 0)
    assert schedule.id is not None
    now = due.now
    with session_scope(due.deps.engine) as session:
        team = lock_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            return Outcome(ClaimOutcome.SKIPPED, "the team is gone")
        row = session.get(Schedule, schedule.id)
        if row is not None:  # changes from now on start a schedule of their own
            row.payload = {**(row.payload or {}), "taken": True}
            session.add(row)
        if not team.channel_id:
            return Outcome(ClaimOutcome.SKIPPED, "the team has no channel")
        today = channel_nudges_since(
            session=session, workspace_id=ws, team_id=team_id, since=_day_start(now)
        )
        pending = [r for r in today if not r.message_ts]
        if not pending and any(r.message_ts and r.message_ts != UNSENT for r in today):
            return Outcome(ClaimOutcome.SKIPPED, "the team had its message today")
        state = team_states(session=session, workspace_id=ws, teams=[team], now=now)[team_id]
        nudges = team_nudges(state)
        if pending:  # a retry after a crash: the very records, not new ones
            shown = _again(nudges, pending)
        else:
            quiet = quiet_fingerprints(
                session=session,
                workspace_id=ws,
                team_ids=[team_id],
                now=now,
                cooldown=cooldown_of(due.deps),
            ).get(team_id, set())
            shown = [
                Shown(n, _record(session, ws, team, n, now))
                for n in nudges
                if n.fingerprint not in quiet
            ]
        if not shown:
            return Outcome(ClaimOutcome.SKIPPED, "nothing new")
        channel, team_name = team.channel_id, team.name
    # Runbook nudges go to the operation's owner, by DM; the rest to the team's channel.
    groups: dict[str, list[Shown]] = {}
    for item in shown:
        owner = item.nudge.owner
        groups.setdefault(f"dm:{owner}" if _USER_ID.match(owner) else "ts", []).append(item)
    progress = dict(due.progress)
    for key, items in sorted(groups.items(), key=lambda kv: kv[0] != "ts"):
        ids = [s.record_id for s in items]
        if key not in progress:  # a retry after a crash does not post what went out
            ts = _post(due, key, channel, team_name, items)
            if ts is None:  # Slack refused for good: settled unposted
                _mark_posted(due.deps, ids, UNSENT)
                continue
            progress[key] = ts
            due.checkpoint(progress)
        _mark_posted(due.deps, ids, str(progress[key]) or UNSENT)
    return Outcome(ClaimOutcome.SENT, f"{len(shown)} nudge(s)")


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _post(due: Due, key: str, channel: str, team_name: str, items: list[Shown]) -> str | None:
    """Post ``items`` in the team's channel (``key`` "ts") or an owner's DM; the ts, or
    None when Slack refused in a way no retry changes (other errors raise: retried)."""
    try:
        if key.startswith("dm:"):
            channel = str(due.client.conversations_open(users=key[3:])["channel"]["id"])
        posted = due.client.chat_postMessage(
            channel=channel,
            text=daily_text(team_name, items),
            blocks=[b.to_dict() for b in daily_blocks(team_name, items)],
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error not in UNPOSTABLE and error not in DM_UNPOSTABLE:
            raise  # the scheduler's one-off retry tries again shortly
        logger.info("nudges for %s not posted to %s: %s", team_name, key, error)
        return None
    return str(posted.get("ts") or "")


DM_UNPOSTABLE = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot"})


def _record(session: Session, ws: int, team: Team, nudge: Nudge, now: datetime) -> int:
    assert team.id is not None
    row = record_nudge(
        session=session,
        workspace_id=ws,
        team_id=team.id,
        rule_id=nudge.id.value,
        source=CHANNEL_SOURCE,
        fingerprint=nudge.fingerprint,
        channel_id=team.channel_id or "",
        at=now,
    )
    assert row.id is not None
    return row.id


def _again(nudges: list[Nudge], pending: list[NudgeRecord]) -> list[Shown]:
    by_fingerprint = {n.fingerprint: n for n in nudges}
    out = []
    for record in pending:
        nudge = by_fingerprint.get(record.fingerprint)
        if nudge is not None and record.id is not None:
            out.append(Shown(nudge, record.id))
        else:
            record.message_ts = UNSENT  # no longer true: settled unposted
    return out


def _mark_posted(deps: Deps, record_ids: list[int], ts: str) -> None:
    with session_scope(deps.engine) as session:
        for record_id in record_ids:
            record = session.get(NudgeRecord, record_id)
            if record is not None:
                record.message_ts = ts
                session.add(record)


# ------------------------------------------------------------------ weekly, every team


EVALUATE_CHUNK = 500  # teams whose state is loaded at once (bounds the pass's memory)


def teams_with_news(deps: Deps, ws: int, *, now: datetime) -> tuple[list[int], int]:
    """(the ids of the teams with a nudge not shown within its cooldown, the teams
    looked at): every rule over every team of the workspace, five queries for each
    :data:`EVALUATE_CHUNK` teams."""
    with read_scope(deps.engine) as session:
        teams = [t for t in list_teams(session=session, workspace_id=ws) if t.channel_id]
    news: list[int] = []
    for start in range(0, len(teams), EVALUATE_CHUNK):
        chunk = teams[start : start + EVALUATE_CHUNK]
        with read_scope(deps.engine) as session:
            states = team_states(session=session, workspace_id=ws, teams=chunk, now=now)
            quiet = quiet_fingerprints(
                session=session,
                workspace_id=ws,
                team_ids=list(states),
                now=now,
                cooldown=cooldown_of(deps),
            )
        news.extend(
            team_id
            for team_id, state in states.items()
            if any(n.fingerprint not in quiet.get(team_id, ()) for n in team_nudges(state))
        )
    return news, len(teams)


def weekly_pass(deps: Deps, *, now: datetime | None = None) -> tuple[int, int]:
    """Every rule over every team of every installed workspace; each team with something
    new gets its message of the day due (through :func:`nudge_soon`, under the team's
    lock: running the pass twice, or in two processes, dues nothing twice). Returns
    (teams with news, teams looked at)."""
    now = now or utcnow()
    with read_scope(deps.engine) as session:
        workspaces = installed_workspaces(session=session)
    news_total = looked_total = 0
    for ws in workspaces:
        news, looked = teams_with_news(deps, ws, now=now)
        news_total, looked_total = news_total + len(news), looked_total + looked
        for start in range(0, len(news), 200):
            with session_scope(deps.engine) as session:
                for team_id in news[start : start + 200]:
                    team = lock_team(session=session, workspace_id=ws, team_id=team_id)
                    if team is not None:
                        nudge_soon(session, ws, team, at=now, news=True)
    logger.info("weekly nudge pass: %d of %d teams have news", news_total, looked_total)
    return news_total, looked_total


# ------------------------------------------------------------------ listing


def active_nudges(
    session: Session, ws: int, team: Team, *, now: datetime | None = None
) -> list[Nudge]:
    """What the rules say about the team now, less what it asked to hear later or said
    does not apply (``/maturity nudges``)."""
    assert team.id is not None
    now = now or utcnow()
    state = team_states(session=session, workspace_id=ws, teams=[team], now=now)[team.id]
    quiet = suppressed_fingerprints(session=session, workspace_id=ws, team_id=team.id, now=now)
    return [n for n in team_nudges(state) if n.fingerprint not in quiet]


WEEKLY_JOB = "nudges-weekly"


def add_weekly_job(scheduler: BackgroundScheduler, deps: Deps) -> None:
    """The weekly pass as one of the scheduler's fixed, stable-id jobs (Mondays 08:00
    UTC). A second process running it too dues nothing twice (see :func:`weekly_pass`)."""

    def run() -> None:
        try:
            weekly_pass(deps)
        except Exception:
            logger.exception("the weekly nudge pass failed")

    scheduler.add_job(
        run,
        CronTrigger(timezone="UTC", **WEEKLY_CRON),
        id=WEEKLY_JOB,
        name=WEEKLY_JOB,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
