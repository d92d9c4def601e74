"""One-click reminders to script a runbook operation, and what they set off.

"Remind me to script this" stores a ``reminder`` schedule (``storage.models.Schedule``) due
at 09:00 in the person's own time zone (``users.info``), one active reminder per person and
operation: asking again moves it, a double click changes nothing. The scheduler claims each
due reminder before sending it (exactly once) and hands it to :func:`send_reminder`, which
DMs the operation and its toil with three answers: *Scripted ✓* (asks for the link),
*Snooze 1 week*, *Keep it manual* (asks why). Either modal's answer *settles* the reminder:
it takes the place of the reminder message, buttons and all.

Marking an operation for scripting is also when the classic mistakes show: scripting a
broken process (``broken_process``), or a rare, cheap operation while costlier ones stay
manual (``over_automation``). Those nudges go to the person's DM, where they can be
dismissed, and respect the rule's cooldown like the check-in's do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.runbook.common import q, to_dicts
from bot.blocks.runbook.reminders import (
    date_modal,
    keep_manual_modal,
    nudge_message_blocks,
    reminder_blocks,
    reminder_text,
    scripted_modal,
    settled_blocks,
)
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.scheduling.reminder_times import in_days, local_phrase, local_today, next_monday, on_date
from bot.scheduling.scheduler import Due, Kind, Outcome, register_kind
from bot.scheduling.times import ScheduleError
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, BlockId
from bot.slack.metadata import RemindMeta, SettleMeta
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook.common import (
    GONE,
    LOCATION_TOO_LONG,
    deploys_per_day,
    load_for_change,
    load_page,
    page_answer,
    record_share,
    script_location,
    team_of,
)
from conversations.nudges import COOLDOWNS, Nudge
from conversations.runbook.ranking import (
    Frequency,
    Ranked,
    Summary,
    rank,
    scripting_nudges,
    summarise,
    toil_phrase,
)
from conversations.text import format_number, join_and, truncate
from storage.db import read_scope, session_scope
from storage.models import ClaimOutcome, RunbookOperation, Schedule, ScheduleKind
from storage.nudges import recently_dismissed, record_nudge
from storage.runbook import (
    get_operation,
    list_operations,
    move_reminder,
    reminders_for,
    stop_reminders,
    to_operation,
    update_operation,
)
from storage.schedules import create_schedule
from storage.types import utcnow

logger = logging.getLogger("maturity_bot.runbook.reminders")

WHEN_MONDAY = "monday"
WHEN_TWO_WEEKS = "2weeks"
WHEN_DATE = "date"
SNOOZE_DAYS = 7
MAX_LATENESS = timedelta(days=7)  # a reminder late from an outage is still worth sending
WHY_KEEP_MANUAL = "A few words on why, so the team knows later."


# ------------------------------------------------------------------ time zones


def user_tz(client: WebClient, user_id: str) -> str:
    """The person's IANA time zone from ``users.info``; UTC when Slack can't say."""
    return people.lookup(client, user_id).tz


def due_for(when: str, tz: str, now: datetime, day: date | None = None) -> datetime:
    if when == WHEN_MONDAY:
        return next_monday(tz, now)
    if when == WHEN_TWO_WEEKS:
        return in_days(14, tz, now)
    if when == WHEN_DATE and day is not None:
        try:
            return on_date(day, tz, now)
        except ScheduleError as exc:
            raise UserFacingError(str(exc)) from None
    raise UserFacingError("Pick when: next Monday, in 2 weeks, or a date.")


# ------------------------------------------------------------------ asking for a reminder


def choose(
    deps: Deps,
    client: WebClient,
    where: Where,
    operation_id: int,
    when: str,
    *,
    response_url: str,
) -> Answer:
    """The "Remind me to script this" menu: next Monday or in 2 weeks set the reminder;
    "Pick a date…" opens the date picker."""
    if when == WHEN_DATE:
        return open_date_picker(deps, client, where, [operation_id], response_url=response_url)
    return remind(deps, client, where, [operation_id], when)


@dataclass
class _Marked:
    titles: list[str]
    already: list[str]
    scripted: list[str]
    team_id: int
    nudges: list[tuple[Nudge, int | None]]
    subject: str


def remind(
    deps: Deps,
    client: WebClient,
    where: Where,
    operation_ids: list[int],
    when: str,
    *,
    day: date | None = None,
    now: datetime | None = None,
) -> Answer:
    """Set (or move) the person's reminder for each operation; nudge where it's a mistake.
    The list, with what was set, takes the place of the one clicked."""
    now = now or utcnow()
    tz = user_tz(client, where.user_id)
    due = due_for(when, tz, now, day)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        marked = _mark(session, ws, where, operation_ids, due, tz)
        page = load_page(session, ws, team_of(session, ws, marked.team_id), where.user_id)
    if not marked.titles and not marked.already:
        if marked.scripted:
            return Answer(
                text=f"{join_and(marked.scripted)} is scripted or kept manual already: "
                "nothing to remind you about."
            )
        raise UserFacingError("Those operations are gone from the runbook.")
    told = _post_nudges(client, where, marked)
    names = join_and(marked.titles or marked.already)
    text = (
        f":alarm_clock: Done. On {local_phrase(due, tz)} ({escape_mrkdwn(tz)} time) I'll DM you "
        f"about scripting {names}."
    )
    if told:
        text += " One thing to weigh first: I've left you a note in our DM."
    listed = page_answer(replace(page, note=text))
    return Answer(
        text=f"Reminder set for {local_phrase(due, tz)}.", blocks=listed.blocks, replace=True
    )


def _mark(
    session: Session, ws: int, where: Where, operation_ids: list[int], due: datetime, tz: str
) -> _Marked:
    rows: list[RunbookOperation] = []
    for op_id in dict.fromkeys(operation_ids):
        row = get_operation(session=session, workspace_id=ws, operation_id=op_id, lock=True)
        if row is not None:
            rows.append(row)
    if not rows:
        raise UserFacingError("Those operations are gone from the runbook.")
    team_id = rows[0].team_id
    rows = [r for r in rows if r.team_id == team_id]
    result = _Marked([], [], [], team_id, [], "")
    targets: list[RunbookOperation] = []
    for row in rows:
        assert row.id is not None
        if row.scripted or row.keep_manual_reason:  # settled: nothing to remind about
            result.scripted.append(q(row.title))
            continue
        mine = reminders_for(
            session=session, workspace_id=ws, operation_id=row.id, user_id=where.user_id
        )
        if mine and mine[0].next_due_at == due:
            result.already.append(q(row.title))
            continue
        if mine:
            move_reminder(
                session=session, workspace_id=ws, schedule_id=mine[0].id or 0, next_due_at=due
            )
        else:
            create_schedule(
                session=session,
                workspace_id=ws,
                kind=ScheduleKind.REMINDER,
                next_due_at=due,
                user_id=where.user_id,
                tz=tz,
                payload={"operation_id": row.id, "team_id": row.team_id},
                created_by=where.user_id,
            )
        result.titles.append(q(row.title))
        targets.append(row)
    if targets:
        result.nudges = _nudges(session, ws, team_id, targets)
        result.subject = targets[0].title
    return result


def _nudges(
    session: Session, ws: int, team_id: int, targets: list[RunbookOperation]
) -> list[tuple[Nudge, int | None]]:
    """The runbook nudges marking ``targets`` calls for: one per rule, cooldowns kept."""
    runbook = [
        to_operation(r) for r in list_operations(session=session, workspace_id=ws, team_id=team_id)
    ]
    marked = {
        int(s.payload["operation_id"])
        for s in reminders_for(session=session, workspace_id=ws)
        if isinstance((s.payload or {}).get("operation_id"), int)
    }
    rate = deploys_per_day(session, ws, team_id)
    found: dict[str, tuple[Nudge, str]] = {}
    for row in targets:
        for nudge in scripting_nudges(
            to_operation(row), runbook, deploys_per_day=rate, marked=marked
        ):
            found.setdefault(nudge.id.value, (nudge, row.title))
    out: list[tuple[Nudge, int | None]] = []
    for rule, (nudge, subject) in found.items():
        if recently_dismissed(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            rule_id=rule,
            cooldown=COOLDOWNS.get(nudge.id, timedelta(days=7)),
        ):
            continue
        record = record_nudge(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            rule_id=rule,
            source="runbook",
            subject=subject,
        )
        out.append((nudge, record.id))
    return out


def _post_nudges(client: WebClient, where: Where, marked: _Marked) -> bool:
    """Leave the nudges in the person's DM (a note that stays, with Dismiss buttons)."""
    if not marked.nudges:
        return False
    dm = client.conversations_open(users=where.user_id)["channel"]["id"]
    client.chat_postMessage(
        channel=dm,
        text=" · ".join(escape_mrkdwn(n.fallback_text) for n, _ in marked.nudges),
        blocks=to_dicts(
            nudge_message_blocks(f"Before you script {q(marked.subject)}:", marked.nudges)
        ),
    )
    return True


def open_date_picker(
    deps: Deps,
    client: WebClient,
    where: Where,
    operation_ids: list[int],
    *,
    response_url: str,
    now: datetime | None = None,
) -> Answer:
    """ "Pick a date…": the modal that asks which day (a week from today to start with)."""
    now = now or utcnow()
    tz = user_tz(client, where.user_id)
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        rows = [
            r
            for op_id in operation_ids
            if (r := get_operation(session=session, workspace_id=ws, operation_id=op_id))
            is not None
        ]
    if not rows:
        raise UserFacingError(GONE)
    what = f"scripting {q(rows[0].title)}" if len(rows) == 1 else "scripting these"
    meta = RemindMeta(
        operations=[r.id or 0 for r in rows],
        channel=where.channel_id,
        response_url=response_url,
    )
    initial = local_today(tz, now) + timedelta(days=7)
    return Answer(modal=date_modal(initial, meta.encode(), what))


def remind_on(deps: Deps, client: WebClient, where: Where, meta: RemindMeta, picked: str) -> Answer:
    """The date picker submitted: the reminder on that day (or why not, beside the day)."""
    try:
        day = date.fromisoformat(picked)
    except ValueError:
        return Answer(errors={BlockId.RUNBOOK_DATE: "Pick a day (YYYY-MM-DD)."})
    if day < utcnow().date() - timedelta(days=1):  # the exact check needs their time zone
        return Answer(errors={BlockId.RUNBOOK_DATE: "That day has passed. Pick a later one."})
    return remind(deps, client, where, list(meta.operations), WHEN_DATE, day=day)


# ------------------------------------------------------------------ sending (the scheduler)


def register_kinds() -> None:
    """Teach the scheduler how to send ``reminder`` schedules (claimed: exactly once)."""
    register_kind(
        ScheduleKind.REMINDER,
        Kind(send=send_reminder, period=_period, next_due=_one_off, max_lateness=MAX_LATENESS),
    )


def _period(schedule: Schedule, due_at: datetime) -> str:
    return f"{due_at:%Y-%m-%dT%H:%M}Z"


def _one_off(schedule: Schedule, after: datetime) -> datetime | None:
    return None


def send_reminder(due: Due) -> Outcome:
    """DM the reminder, unless the operation is gone, scripted, or kept manual since."""
    schedule = due.schedule
    op_id = (schedule.payload or {}).get("operation_id")
    with read_scope(due.deps.engine) as session:
        ws = schedule.workspace_id
        row = get_operation(session=session, workspace_id=ws, operation_id=int(op_id or 0))
        if row is None:
            return Outcome(ClaimOutcome.SKIPPED, "the operation was removed")
        if row.scripted:
            return Outcome(ClaimOutcome.SKIPPED, "already scripted")
        if row.keep_manual_reason:
            return Outcome(ClaimOutcome.SKIPPED, "kept manual")
        team = team_of(session, ws, row.team_id)
        rows = list_operations(session=session, workspace_id=ws, team_id=row.team_id)
        rate = deploys_per_day(session, ws, row.team_id)
        ranked = rank([to_operation(r) for r in rows], rate)
        mine = next(r for r in ranked if r.op.id == row.id)
        todo = sum(1 for r in ranked if r.rank is not None)
        title, team_name = row.title, team.name
    dm = due.client.conversations_open(users=schedule.user_id)["channel"]["id"]
    due.client.chat_postMessage(
        channel=dm,
        text=reminder_text(title, mine.toil, mine.estimated),
        blocks=to_dicts(
            reminder_blocks(
                operation_id=row.id or 0,
                schedule_id=schedule.id or 0,
                title=title,
                team_name=team_name,
                frequency=mine.op.frequency,
                minutes=row.minutes,
                toil=mine.toil,
                rank=mine.rank,
                total=todo,
                estimated=mine.estimated,
                minutes_guessed=mine.op.minutes_guessed,
                deploys_assumed=rate is None and mine.op.frequency is Frequency.PER_DEPLOY,
            )
        ),
    )
    return Outcome(ClaimOutcome.SENT)


# ------------------------------------------------------------------ answering a reminder


def open_scripted(
    deps: Deps,
    client: WebClient,
    where: Where,
    operation_id: int,
    *,
    message_ts: str,
    response_url: str,
) -> Answer:
    """*Scripted ✓* on a reminder: the modal that asks where the script lives."""
    row, _team = load_for_change(deps, client, where, operation_id, "mark as scripted")
    meta = _settle_meta(where, operation_id, message_ts, response_url)
    return Answer(modal=scripted_modal(row.title, meta, row.script_url))


def open_keep_manual(
    deps: Deps,
    client: WebClient,
    where: Where,
    operation_id: int,
    *,
    message_ts: str,
    response_url: str,
) -> Answer:
    """*Keep it manual* on a reminder: the modal that asks why."""
    row, _team = load_for_change(deps, client, where, operation_id, "keep manual")
    meta = _settle_meta(where, operation_id, message_ts, response_url)
    return Answer(modal=keep_manual_modal(row.title, meta))


def _settle_meta(where: Where, operation_id: int, message_ts: str, response_url: str) -> str:
    """What the settling modal remembers: the operation, and the reminder message (its
    channel and ts) its answer takes the place of."""
    return SettleMeta(
        operation=operation_id,
        message_ts=message_ts,
        channel=where.channel_id,
        response_url=response_url,
    ).encode()


def mark_scripted(
    deps: Deps, client: WebClient, where: Where, meta: SettleMeta, url: str
) -> Answer:
    """*Scripted ✓* saved, with where the script lives (any location, as given) or none: the
    operation is scripted, its reminders stop, and the reminder says so in its own place."""
    location = script_location(url)
    if location is None:
        return Answer(errors={BlockId.RUNBOOK_SCRIPT_URL: LOCATION_TOO_LONG})
    row, _team = load_for_change(deps, client, where, meta.operation, "mark as scripted")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if not (row.scripted and row.script_url == location):
            update_operation(
                session=session,
                workspace_id=ws,
                operation_id=meta.operation,
                scripted=True,
                script_url=location,
            )
        stop_reminders(session=session, workspace_id=ws, operation_id=meta.operation)
        record_share(session, ws, row.team_id, where.user_id)
        summary, mine = _team_numbers(session, ws, row)
    text = (
        f":white_check_mark: {q(row.title)} is scripted. That's "
        f"*{toil_phrase(mine.toil, estimated=mine.estimated)} a month* the script does now "
        "instead of a person."
    )
    context = (
        f"The runbook is now {format_number(round(summary.share or 0))}% scripted "
        f"({summary.scripted} of {summary.total})."
    )
    return _settled(text, context)


def keep_manual(
    deps: Deps, client: WebClient, where: Where, meta: SettleMeta, reason: str
) -> Answer:
    """Why it stays manual was given: recorded, its reminders stop, and the reminder
    says so in its own place."""
    reason = " ".join(reason.split())
    if not reason:
        return Answer(
            errors={BlockId.RUNBOOK_REASON: "A few words on why, so the team knows later."}
        )
    row, _team = load_for_change(deps, client, where, meta.operation, "keep manual")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        update_operation(
            session=session, workspace_id=ws, operation_id=meta.operation, keep_manual_reason=reason
        )
        stop_reminders(session=session, workspace_id=ws, operation_id=meta.operation)
        record_share(session, ws, row.team_id, where.user_id)
    text = (
        f":raised_hand: Keeping {q(row.title)} manual: _{escape_mrkdwn(truncate(reason, 300))}_. "
        "I won't remind anyone to script it."
    )
    return _settled(text, f"Changed your mind? Edit it in `{COMMAND} runbook`.")


def snooze(
    deps: Deps, client: WebClient, where: Where, operation_id: int, *, now: datetime | None = None
) -> Answer:
    """Another reminder a week from today (09:00 local); a second click changes nothing."""
    now = now or utcnow()
    tz = user_tz(client, where.user_id)
    due = in_days(SNOOZE_DAYS, tz, now)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_operation(session=session, workspace_id=ws, operation_id=operation_id, lock=True)
        if row is None:
            raise UserFacingError(GONE)
        if row.scripted:
            return Answer(
                text=f"{q(row.title)} is scripted already: no need to snooze.", replace=True
            )
        if row.keep_manual_reason:
            return Answer(
                text=f"{q(row.title)} is kept manual: I won't remind you about it.", replace=True
            )
        active = reminders_for(
            session=session, workspace_id=ws, operation_id=operation_id, user_id=where.user_id
        )
        if active and active[0].next_due_at is not None and active[0].next_due_at > now:
            due = active[0].next_due_at
            tz = active[0].tz
        else:
            create_schedule(
                session=session,
                workspace_id=ws,
                kind=ScheduleKind.REMINDER,
                next_due_at=due,
                user_id=where.user_id,
                tz=tz,
                payload={"operation_id": operation_id, "team_id": row.team_id},
                created_by=where.user_id,
            )
        title = row.title
    return _settled(f":zzz: Snoozed. I'll bring up {q(title)} again on {local_phrase(due, tz)}.")


def _team_numbers(session: Session, ws: int, row: RunbookOperation) -> tuple[Summary, Ranked]:
    rows = list_operations(session=session, workspace_id=ws, team_id=row.team_id)
    rate = deploys_per_day(session, ws, row.team_id)
    ops = [to_operation(r) for r in rows]
    mine = next(r for r in rank(ops, rate) if r.op.id == row.id)
    return summarise(ops, rate), mine


def _settled(text: str, context: str = "") -> Answer:
    """A reminder after its answer: what was decided, no buttons left, in its place."""
    return Answer(text=text, blocks=to_dicts(settled_blocks(text, context)), replace=True)
