"""Weekly check-ins with a team's owners (issue 13): schedule, send, answer, remind, close;
and ``/maturity away``.

``/maturity checkin schedule [<weekday> <HH:MM> [time zone]]`` (default Monday 10:00, in
each owner's own Slack time zone from ``users.info``) makes one ``checkin`` schedule per
owner of the channel's team, its due times computed by APScheduler's triggers in that
person's ``ZoneInfo`` (``bot/scheduling/times.py``). The scheduler claims each due one per
``(schedule, ISO week)`` — exactly once per person per week across processes, one catch-up
after downtime — and hands it to :func:`send_checkin`: ONE DM with two to five questions
(the open criteria of the team's current step, then criteria nobody confirmed for 90
days), "anything newly scripted?", and what moved on the board this week.

Each click is one unit of work: the answer goes onto the board (source ``check-in``, old →
new, who) and the level follows (:func:`bot.usecases.levels.follow`, announced in the
team's channel when it moves); the message is re-rendered in place. After the response
window (24 h) a ``checkin_followup`` one-off sends one gentle reminder (a reply under the
check-in), and a window later closes it — as missed when nothing was answered.

Noise: at most one check-in DM per person per week (a person who owns several teams is
asked about the first that comes due; the rest wait for a later week), plus one reminder.
Someone away (``/maturity away``) gets neither; a team whose owners are all away is
skipped, and its digest says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot.blocks.assessment import answer_label
from bot.blocks.checkins import (
    KEEP,
    KEPT,
    NOTE_LIMIT,
    USE,
    USED,
    Agreement,
    ChangeLine,
    CheckInView,
    MeasuredAsk,
    Split,
    checkin_blocks,
    checkin_text,
    may_note,
    note_modal,
    reminder_text,
    round_blocks,
    round_text,
    settle_modal,
    split_blocks,
    split_text,
)
from bot.blocks.criteria import team_words
from bot.blocks.criteria import who as who_of
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.scheduling.reminder_times import day_at, local_phrase, local_today
from bot.scheduling.scheduler import Due, Kind, Outcome, Sender, post_once, register_kind
from bot.scheduling.times import ScheduleError, next_weekly, parse_time, parse_weekday, week_period
from bot.scheduling.times import zone as zone_of
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, BlockId
from bot.slack.metadata import CalibrationMeta, CheckInNoteMeta
from bot.usecases import home, levels
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import may_change_team, owners_of
from bot.usecases.teams import resolve_team
from conversations.board import NOTE_MAX, STATUS_WORDS, Source, format_value, status_of
from conversations.checkins import (
    AWAY_USAGE,
    SKIP,
    BoardAnswer,
    Known,
    confirmations_first,
    disagree,
    read_answer,
    read_away,
    split_of,
    split_phrase,
)
from conversations.checkins import pick_questions as choose_questions
from conversations.evidence import still_kept, to_confirm
from conversations.model import CRITERIA, QUESTIONS, criterion, question
from conversations.scoring import Status
from conversations.text import join_and
from storage.checkins import (
    away_of,
    away_until,
    board_known,
    checkin_this_week,
    get_calibration,
    get_checkin,
    last_asked,
    members_of,
    open_calibration,
    open_checkins_in,
    person_schedules,
    recent_changes,
    retire,
    scheduled_team_ids,
    set_away,
    set_members,
    start_checkin,
    team_schedules,
    week_answers,
)
from storage.criteria import change_criterion, criteria_board, lock_team
from storage.db import read_scope, session_scope
from storage.evidence import measurement, measurement_of, measurements_of, set_override
from storage.models import (
    Calibration,
    CheckIn,
    CheckInStatus,
    ClaimOutcome,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.schedules import claim, create_schedule, finish_claim, get_claim, release_claim
from storage.types import utcnow
from storage.workspaces import find_channel_team, get_team

logger = logging.getLogger("maturity_bot.checkins")

KIND = ScheduleKind.CHECKIN
FOLLOWUP = ScheduleKind.CHECKIN_FOLLOWUP
CHECKIN_EVENT = "maturity_checkin"  # Slack message metadata on a check-in DM (found after a crash)
WINDOW = timedelta(hours=24)  # the response window, then the reminder's
MAX_LATENESS = timedelta(hours=6)  # after downtime: one catch-up within 6 h, older skipped
FOLLOWUP_LATENESS = timedelta(days=30)  # a late follow-up (an outage) still closes it
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = "10:00"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
VERBS = ("schedule", "off")
EXAMPLE = f"`{COMMAND} checkin schedule monday 10:00` (add a time zone, e.g. Europe/Berlin)"
REMIND, CLOSE, RESULT = "remind", "close", "result"
ROUND = "tw"  # the period of a team-wide check-in starts so (not an ISO week)
TEAM_WIDE_STEPS = 3  # a team-wide check-in asks every criterion of the steps into 1..3
CALIBRATION_WINDOW = timedelta(days=7)  # answers this close together must agree


# ------------------------------------------------------------------ `/maturity checkin`


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """``/maturity checkin schedule [<weekday> <HH:MM> [time zone]]`` | ``off`` | (nothing:
    what is set for the channel's team)."""
    parts = rest.split(None, 1)
    verb = parts[0].lower() if parts else ""
    args = parts[1].strip() if len(parts) > 1 else ""
    if verb == "schedule":
        return schedule(deps, client, where, args)
    if verb == "off":
        return turn_off(deps, client, where)
    if not verb:
        return status(deps, where)
    return Answer(text=f"`{COMMAND} checkin` takes `schedule` or `off`. For example: {EXAMPLE}")


@dataclass(frozen=True)
class Plan:
    weekday: int
    time_of_day: str
    tz: str | None  # None: each owner's own


def read_plan(text: str) -> Plan:
    """``[<weekday> <HH:MM> [zone]]`` (nothing: Monday 10:00, each owner's zone)."""
    words = text.split()
    if not words:
        return Plan(DEFAULT_WEEKDAY, DEFAULT_TIME, None)
    if len(words) >= 3 and words[2].lower() in ("am", "pm", "a.m.", "p.m."):
        words[1:3] = [words[1] + words[2]]  # "9 am"
    if len(words) < 2:
        raise ScheduleError(f"I need a day and a time. For example: {EXAMPLE}")
    if len(words) > 3:
        raise ScheduleError(f"I didn't expect “{' '.join(words[3:])}”. For example: {EXAMPLE}")
    weekday = parse_weekday(words[0])
    hh, mm = parse_time(words[1])
    tz = words[2] if len(words) == 3 else None
    if tz is not None:
        zone_of(tz)
    return Plan(weekday, f"{hh:02d}:{mm:02d}", tz)


def _team_for_change(deps: Deps, client: WebClient, where: Where) -> Team:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, None, example=f"{COMMAND} checkin schedule")
    if not may_change_team(client, team, where.user_id):
        owners = [f"<@{o}>" for o in owners_of(team) if o[:1] in ("U", "W") and o.isalnum()]
        who = f"{join_and(owners)} (the team's owners)" if owners else "the team's owners"
        raise UserFacingError(
            f"Only {who} or a workspace admin can change *{team_words(team.name)}*'s "
            "check-ins. Nothing was changed."
        )
    return team


def schedule(deps: Deps, client: WebClient, where: Where, text: str) -> Answer:
    if where.channel_id.startswith("D"):
        raise UserFacingError("Run this in the team's channel.")
    try:
        plan = read_plan(text)
    except ScheduleError as exc:
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    team = _team_for_change(deps, client, where)
    with read_scope(deps.engine) as session:
        owners = people_of(session, team)
    if not owners:
        raise UserFacingError(
            f"*{team_words(team.name)}* has no owners to check in with. Name them with "
            f"`{COMMAND} team owners @a @b` first."
        )
    # Each owner's zone, asked of Slack (cached) before the unit of work.
    zones = {o: plan.tz or people.lookup(client, o).tz for o in owners}
    now = utcnow()
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        assert team.id is not None
        retire(
            session=session,
            schedules=team_schedules(session=session, workspace_id=ws, team_id=team.id),
        )
        for owner, tz in zones.items():
            create_schedule(
                session=session,
                workspace_id=ws,
                kind=KIND,
                next_due_at=next_weekly(plan.weekday, plan.time_of_day, tz, now),
                channel_id=team.channel_id or "",
                user_id=owner,
                tz=tz,
                weekday=plan.weekday,
                time_of_day=plan.time_of_day,
                payload={"team_id": team.id, "own_zone": plan.tz is None},
                created_by=where.user_id,
            )
    zone_words = f"({escape_mrkdwn(plan.tz)})" if plan.tz else "in each owner's own time zone"
    people_words = join_and([f"<@{o}>" for o in owners])
    return Answer(
        text=f"Done: every {DAY_NAMES[plan.weekday]} at {plan.time_of_day} {zone_words}, "
        f"{people_words} get a short check-in DM about *{team_words(team.name)}*: the open "
        "criteria of its next step, two to five questions. "
        f"`{COMMAND} checkin off` stops it; `{COMMAND} away 2w` pauses it for one person."
    )


def follow_owners(deps: Deps, client: WebClient, ws: int, team_id: int) -> None:
    """The team's owners changed: its weekly check-ins (when on) go to the owners it has
    now — a new owner gets one in their own zone, a former owner's stops."""
    with read_scope(deps.engine) as session:
        team = get_team(session=session, workspace_id=ws, team_id=team_id)
        rows = team_schedules(session=session, workspace_id=ws, team_id=team_id)
        owners = people_of(session, team) if team is not None else []
    if team is None or not rows:
        return
    plan = rows[0]
    own_zone = bool((plan.payload or {}).get("own_zone"))
    have = {r.user_id for r in rows}
    zones = {o: people.lookup(client, o).tz if own_zone else plan.tz for o in owners}
    now = utcnow()
    with session_scope(deps.engine) as session:
        retire(
            session=session,
            schedules=[
                r
                for r in team_schedules(session=session, workspace_id=ws, team_id=team_id)
                if r.user_id not in owners
            ],
        )
        for owner in owners:
            if owner in have:
                continue
            assert plan.weekday is not None and plan.time_of_day is not None
            create_schedule(
                session=session,
                workspace_id=ws,
                kind=KIND,
                next_due_at=next_weekly(plan.weekday, plan.time_of_day, zones[owner], now),
                channel_id=plan.channel_id,
                user_id=owner,
                tz=zones[owner],
                weekday=plan.weekday,
                time_of_day=plan.time_of_day,
                payload={"team_id": team_id, "own_zone": own_zone},
                created_by=plan.created_by,
            )


def change_members(
    deps: Deps, client: WebClient, where: Where, ws: int, team_id: int, members: list[str]
) -> None:
    """``/maturity team members @a @b``: these people are asked too (empty: nobody but the
    owners); the check-ins, when on, follow at once. The caller checked who may."""
    with session_scope(deps.engine) as session:
        set_members(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            user_ids=members,
            added_by=where.user_id,
        )
    follow_owners(deps, client, ws, team_id)


def turn_off(deps: Deps, client: WebClient, where: Where) -> Answer:
    team = _team_for_change(deps, client, where)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        rows = team_schedules(session=session, workspace_id=ws, team_id=team.id or 0)
        retire(session=session, schedules=rows)
    if not rows:
        return Answer(text=f"*{team_words(team.name)}* has no weekly check-ins to turn off.")
    return Answer(text=f"Weekly check-ins for *{team_words(team.name)}* are off.")


def status(deps: Deps, where: Where) -> Answer:
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session, ws, where, None, create=False, example=f"{COMMAND} checkin schedule"
        )
        phrase = plan_phrase(team_schedules(session=session, workspace_id=ws, team_id=team.id or 0))
    return Answer(
        text=f"Weekly check-ins for *{team_words(team.name)}*: {phrase}. "
        f"Set them with {EXAMPLE}, or `{COMMAND} checkin off`."
    )


def people_of(session: Session, team: Team) -> list[str]:
    """Whom the team's check-ins ask: its owners, then the members they added."""
    owners = owners_of(team)
    members = members_of(session=session, workspace_id=team.workspace_id, team_id=team.id or 0)
    return owners + [m for m in members if m not in owners]


def plan_phrase(schedules: list[Schedule]) -> str:
    """How a team's check-ins are set, in words (the team card shows it): "off", or
    "Mondays at 10:00, each owner's own time zone (2 owners)"."""
    if not schedules:
        return "off"
    first = schedules[0]
    day = DAY_NAMES[first.weekday or 0]
    own = bool((first.payload or {}).get("own_zone"))
    zone_words = "each owner's own time zone" if own else escape_mrkdwn(first.tz)
    count = len(schedules)
    asked = f"{count} {'person' if count == 1 else 'people'}"
    return f"{day}s at {first.time_of_day}, {zone_words} ({asked})"


def team_plan_phrase(session: Session, ws: int, team_id: int) -> str:
    """The team card's line: the plan, and who besides the owners is asked."""
    phrase = plan_phrase(team_schedules(session=session, workspace_id=ws, team_id=team_id))
    members = members_of(session=session, workspace_id=ws, team_id=team_id)
    if members and phrase != "off":
        phrase += "; also asks " + join_and([who_of(m) for m in members[:10]])
    return phrase


# ------------------------------------------------------------------ `/maturity away`


def away(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """``/maturity away 2w|3d|<date>|off``: pause this person's check-ins and reminders."""
    if not rest.strip():
        raise UserFacingError(AWAY_USAGE)
    tz = people.lookup(client, where.user_id).tz
    now = utcnow()
    read = read_away(rest, local_today(tz, now))
    if isinstance(read, str):
        raise UserFacingError(escape_mrkdwn(read))
    until = day_at(read.back_on, tz, "00:00") if read.back_on is not None else None
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        was = away_until(session=session, workspace_id=ws, user_id=where.user_id, now=now)
        set_away(session=session, workspace_id=ws, user_id=where.user_id, until=until)
    if until is None:
        if was is None:
            return Answer(text="You weren't marked away: check-ins come as usual.")
        return Answer(text="Welcome back: your weekly check-ins and reminders are on again.")
    back = local_phrase(until, tz, with_time=False)
    return Answer(
        text=f":palm_tree: Away until {back}: no check-ins or reminders from me till then. "
        f"If all of a team's owners are away, its check-in waits and its digest says why. "
        f"Back early? `{COMMAND} away off`."
    )


# ------------------------------------------------------------------ sending (the scheduler)


def register_kinds() -> None:
    """Teach the scheduler the check-in kinds (claimed: exactly once)."""
    register_kind(
        KIND,
        Kind(send=send_checkin, period=_period, next_due=_next_due, max_lateness=MAX_LATENESS),
    )
    register_kind(
        FOLLOWUP,
        Kind(
            send=send_followup,
            period=_one_off_period,
            next_due=_one_off,
            max_lateness=FOLLOWUP_LATENESS,
        ),
    )


def _period(schedule: Schedule, due_at: datetime) -> str:
    return week_period(due_at, schedule.tz)


def _next_due(schedule: Schedule, after: datetime) -> datetime | None:
    assert schedule.weekday is not None and schedule.time_of_day is not None
    return next_weekly(schedule.weekday, schedule.time_of_day, schedule.tz, after)


def _one_off_period(schedule: Schedule, due_at: datetime) -> str:
    return f"{due_at:%Y-%m-%dT%H:%M}Z"


def _one_off(schedule: Schedule, after: datetime) -> datetime | None:
    return None


@dataclass
class _Prepared:
    checkin_id: int
    user_id: str
    view: CheckInView


def send_checkin(due: Due) -> Outcome:
    """Ask one owner about one team, once this week: the check-in row first (its unique
    key and the claim decide), then ONE DM, then its follow-up due after the window."""
    schedule = due.schedule
    ws, user = schedule.workspace_id, schedule.user_id
    team_id = int((schedule.payload or {}).get("team_id") or 0)
    with session_scope(due.deps.engine) as session:
        prepared = _prepare(session, ws, schedule, team_id, user, due)
    if isinstance(prepared, Outcome):
        return prepared
    ts = str(due.progress.get("ts") or "")
    dm = str(due.progress.get("dm") or "")
    if not ts:  # a retry after a crash that had posted already does not post again
        dm = str(due.client.conversations_open(users=user)["channel"]["id"])
        ts = post_once(
            due,
            channel=dm,
            key=f"checkin:{prepared.checkin_id}",
            event_type=CHECKIN_EVENT,
            text=checkin_text(prepared.view),
            blocks=[b.to_dict() for b in checkin_blocks(prepared.view)],
        )
        due.checkpoint({"ts": ts, "dm": dm})
    with session_scope(due.deps.engine) as session:
        row = get_checkin(session=session, workspace_id=ws, checkin_id=prepared.checkin_id)
        if row is not None:
            row.dm_channel, row.message_ts = dm, ts
            session.add(row)
            create_schedule(
                session=session,
                workspace_id=ws,
                kind=FOLLOWUP,
                next_due_at=row.respond_by,
                user_id=user,
                tz=schedule.tz,
                payload={"team_id": row.team_id, "checkin_id": row.id, "step": REMIND},
            )
    return Outcome(ClaimOutcome.SENT, f"{len(prepared.view.questions)} questions")


def _prepare(
    session: Session, ws: int, schedule: Schedule, team_id: int, user: str, due: Due
) -> _Prepared | Outcome:
    team = get_team(session=session, workspace_id=ws, team_id=team_id)
    if team is None:
        return Outcome(ClaimOutcome.SKIPPED, "the team is gone")
    if user not in people_of(session, team):
        mine = session.get(Schedule, schedule.id)
        if mine is not None:  # no longer an owner (or member): no more check-ins for them
            retire(session=session, schedules=[mine])
        return Outcome(ClaimOutcome.SKIPPED, "no longer an owner or member")
    back = away_until(session=session, workspace_id=ws, user_id=user, now=due.now)
    if back is not None:
        return Outcome(ClaimOutcome.SKIPPED, f"away until {back:%Y-%m-%d %H:%M} UTC")
    period = due.period
    row = checkin_this_week(session=session, workspace_id=ws, user_id=user, period=period)
    if row is not None and (row.message_ts or row.schedule_id != schedule.id):
        # At most one check-in DM a week per person, whichever team it was about.
        return Outcome(ClaimOutcome.SKIPPED, "asked already this week")
    if row is not None:  # this very send wrote it, then broke off before posting: carry on
        found = get_team(session=session, workspace_id=ws, team_id=row.team_id)
        team = found if found is not None else team
    else:
        team = _fairest(session, ws, user, team)
        team_id = team.id or 0
        known = {
            cid: Known(status, at)
            for cid, (status, at) in board_known(
                session=session, workspace_id=ws, team_id=team_id
            ).items()
        }
        confirm = _to_confirm(session, ws, team_id)
        questions = confirmations_first(confirm, choose_questions(known, due.now))
        row = start_checkin(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            user_id=user,
            period=period,
            schedule_id=schedule.id,
            questions=questions,
            respond_by=due.now + WINDOW,
            sent_at=due.now,
        )
        if row is None:
            return Outcome(ClaimOutcome.SKIPPED, "asked already this week")
        row.measured = {cid: "" for cid in confirm if cid in questions}
        session.add(row)
        session.flush()
    assert row.id is not None
    return _Prepared(row.id, user, _view(session, row, team, schedule.tz))


def _to_confirm(session: Session, ws: int, team_id: int) -> list[str]:
    """The team's criteria whose measurement differs from the value a person gave (and
    that person has not kept it over this very measurement): asked first, to confirm."""
    board = criteria_board(session=session, workspace_id=ws, team_id=team_id)
    out = []
    kept = measurements_of(session=session, workspace_id=ws, team_id=team_id)
    for c in CRITERIA:
        row, m = board.get(c.id), kept.get(c.id)
        if row is None or m is None or c.id not in QUESTIONS:
            continue
        by_person = row.source != Source.EVIDENCE and status_of(row.status) is not Status.UNKNOWN
        measured = measurement(m)
        if to_confirm(
            measured,
            status=str(row.status),
            value=row.value,
            by_person=by_person,
            kept=still_kept(measured, m.kept_status, m.kept_value),
        ):
            out.append(c.id)
    return out


def _said(criterion_id: str, status: str, value: float | None) -> str:
    """A person's value in words: "25 min", "met"."""
    c = criterion(criterion_id)
    if c.is_numeric and value is not None:
        return format_value(c, value)
    return STATUS_WORDS[status_of(status)]


def _raw(criterion_id: str, status: str, value: float | None) -> str:
    """A value on the board as a check-in answer (a figure, or yes/partly/no)."""
    if criterion(criterion_id).is_numeric and value is not None:
        return f"{value:g}"
    return {Status.MET: "yes", Status.PARTLY: "partly", Status.NOT_MET: "no"}.get(
        status_of(status), SKIP
    )


def _asks(session: Session, row: CheckIn) -> dict[str, MeasuredAsk]:
    """The check-in's measurements to confirm, as they stand (an unanswered one whose
    measurement has gone is asked as a plain question)."""
    if not row.measured:
        return {}
    board = criteria_board(session=session, workspace_id=row.workspace_id, team_id=row.team_id)
    kept = measurements_of(session=session, workspace_id=row.workspace_id, team_id=row.team_id)
    out = {}
    for cid, outcome in row.measured.items():
        if not outcome and cid in row.answers:
            continue  # answered otherwise (a figure typed): shown as that answer
        m, entry = kept.get(cid), board.get(cid)
        if m is None or entry is None:
            if outcome:
                out[cid] = MeasuredAsk("", "", outcome)
            continue
        said = _said(cid, entry.status, entry.value)
        out[cid] = MeasuredAsk(m.evidence, said, outcome)
    return out


def _fairest(session: Session, ws: int, user: str, due_team: Team) -> Team:
    """Of the teams this person is asked about, the one asked about longest ago (never
    counts as longest): one DM a week, and no team of theirs is left out for ever."""
    mine = {
        int((s.payload or {}).get("team_id") or 0)
        for s in person_schedules(session=session, workspace_id=ws, user_id=user)
    }
    mine.discard(0)
    if len(mine) <= 1:
        return due_team
    asked = last_asked(session=session, workspace_id=ws, user_id=user, team_ids=sorted(mine))
    if due_team.id not in asked:
        return due_team
    never = [t for t in sorted(mine) if t not in asked]
    pick = never[0] if never else min(asked, key=lambda t: asked[t])
    if pick == due_team.id:
        return due_team
    other = get_team(session=session, workspace_id=ws, team_id=pick)
    return other if other is not None and user in people_of(session, other) else due_team


def _view(session: Session, row: CheckIn, team: Team, tz: str, closed: str = "") -> CheckInView:
    board = board_known(session=session, workspace_id=row.workspace_id, team_id=row.team_id)
    changes = recent_changes(
        session=session,
        workspace_id=row.workspace_id,
        team_id=row.team_id,
        since=row.sent_at - timedelta(days=7),
    )
    return CheckInView(
        checkin_id=row.id or 0,
        team_id=row.team_id,
        team_name=team.name,
        level=team.level,
        questions=list(row.questions),
        answers=dict(row.answers),
        confirming=frozenset(
            cid
            for cid in row.questions
            if board.get(cid, ("", None))[0] == Status.MET and cid not in row.answers
        ),
        changes=tuple(
            ChangeLine(c.criterion_id, c.old_status, c.status, c.user_id, c.source) for c in changes
        ),
        due_back=local_phrase(row.respond_by, tz),
        closed=closed,
        note=row.note,
        reasons=dict(row.reasons or {}),
        measured=_asks(session, row),
    )


def _tz_of(session: Session, row: CheckIn) -> str:
    schedule = session.get(Schedule, row.schedule_id) if row.schedule_id else None
    return schedule.tz if schedule is not None else "UTC"


def _closed_word(row: CheckIn) -> str:
    if row.status == CheckInStatus.OPEN:
        return ""
    return str(row.status)


def send_followup(due: Due) -> Outcome:
    """After the response window: one gentle reminder (unless all answered, or they are
    away); a window later, close it — as missed when nothing was answered."""
    payload = due.schedule.payload or {}
    ws, step = due.schedule.workspace_id, str(payload.get("step") or REMIND)
    checkin_id = int(payload.get("checkin_id") or 0)
    if step == RESULT:
        return _send_round_result(due, str(payload.get("round") or ""))
    if step == REMIND and due.now - due.due_at > WINDOW:
        step = CLOSE  # too late to be a gentle reminder (downtime): close it instead
    with session_scope(due.deps.engine) as session:
        row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id, lock=True)
        if row is None or row.status != CheckInStatus.OPEN:
            return Outcome(ClaimOutcome.SKIPPED, "answered or closed already")
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id)
        if team is None:
            return Outcome(ClaimOutcome.SKIPPED, "the team is gone")
        left = len([c for c in row.questions if c not in row.answers])
        tz = _tz_of(session, row)
        if step == CLOSE:
            row.status = CheckInStatus.CLOSED if row.answers else CheckInStatus.MISSED
            row.closed_at = due.now
            row.version += 1
            session.add(row)
            session.flush()
            _round_done(session, ws, row, due.now)
            view = _view(session, row, team, tz, closed=_closed_word(row))
            dm, ts, ended = row.dm_channel, row.message_ts, str(row.status)
        else:
            back = away_until(session=session, workspace_id=ws, user_id=row.user_id, now=due.now)
            _follow_up(session, row, due.now + WINDOW, CLOSE)
            if back is not None or row.reminded_at is not None or not row.message_ts:
                return Outcome(ClaimOutcome.SKIPPED, "away" if back else "no reminder due")
            row.reminded_at = due.now
            session.add(row)
            dm, ts, name = row.dm_channel, row.message_ts, team.name
            closes = local_phrase(due.now + WINDOW, tz)
    if step == CLOSE:
        if dm and ts:
            _update_message(due.client, dm, ts, view)
        return Outcome(ClaimOutcome.SENT, ended)
    if not due.progress.get("ts"):
        posted = due.client.chat_postMessage(
            channel=dm, thread_ts=ts, text=reminder_text(name, left, closes)
        )
        due.checkpoint({"ts": str(posted.get("ts") or "")})
    return Outcome(ClaimOutcome.SENT, "reminded")


def _follow_up(session: Session, row: CheckIn, at: datetime, step: str) -> None:
    create_schedule(
        session=session,
        workspace_id=row.workspace_id,
        kind=FOLLOWUP,
        next_due_at=at,
        user_id=row.user_id,
        payload={"team_id": row.team_id, "checkin_id": row.id, "step": step},
    )


def _update_message(client: WebClient, dm: str, ts: str, view: CheckInView) -> None:
    try:
        client.chat_update(
            channel=dm,
            ts=ts,
            text=checkin_text(view),
            blocks=[b.to_dict() for b in checkin_blocks(view)],
        )
    except SlackApiError as exc:  # the message is gone: the state is saved all the same
        logger.info("could not update check-in %s/%s: %s", dm, ts, exc.response.get("error"))


# ------------------------------------------------------------------ answering


GONE = "I can't find that check-in any more."
ENDED = (
    "This check-in has closed. The board is always open: "
    f"`{COMMAND} board` in the team's channel, or `{COMMAND} set`."
)


def answer(
    deps: Deps,
    client: WebClient,
    where: Where,
    checkin_id: int,
    criterion_id: str,
    given: str,
    *,
    button: bool = True,
) -> Answer | None:
    """A click (or a typed figure) in a weekly check-in: onto the board (source
    ``check-in``), the level follows, the message shows it. Answers only when the person
    needs telling (not theirs, closed, not readable)."""
    if criterion_id not in QUESTIONS:
        raise UserFacingError("That button belongs to a question I no longer ask.")
    read = read_answer(criterion_id, given, button=button)
    if isinstance(read, str):
        raise UserFacingError(escape_mrkdwn(read))
    team = _answerable(deps, client, where, checkin_id, criterion_id)
    recorded = _record(deps, where, checkin_id, read)
    if recorded.dm and recorded.ts:
        _update_message(client, recorded.dm, recorded.ts, recorded.view)
    if recorded.split is not None:
        _tell_split(deps, client, where, recorded.split)
    home.refresh(deps, client, where, [team.id or 0])  # the board moved: their Homes follow
    return None


def _answerable(
    deps: Deps, client: WebClient, where: Where, checkin_id: int, criterion_id: str
) -> Team:
    """The team of the person's own open check-in asking ``criterion_id``, which they may
    still answer for; a refusal otherwise."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id)
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id) if row else None
    if row is None or team is None:
        raise UserFacingError(GONE)
    if row.user_id != where.user_id:
        raise UserFacingError("This check-in was sent to someone else.")
    if criterion_id not in row.questions:
        raise UserFacingError("That question isn't part of this check-in.")
    if row.status != CheckInStatus.OPEN:
        raise UserFacingError(ENDED)
    with read_scope(deps.engine) as session:
        member = where.user_id in members_of(
            session=session, workspace_id=team.workspace_id, team_id=team.id or 0
        )
    if not member and not may_change_team(client, team, where.user_id):
        raise UserFacingError(
            f"You're no longer among *{team_words(team.name)}*'s owners, so I've left its "
            "board as it is."
        )
    return team


def confirm_measurement(
    deps: Deps, client: WebClient, where: Where, checkin_id: int, criterion_id: str, choice: str
) -> Answer | None:
    """*Use the measurement* (it goes onto the board, source ``check-in``, and the level
    follows) or *Keep my answer* (the person's value stands, and the override is kept on
    the measurement: not asked again until it measures otherwise; the board shows it)."""
    if choice not in (USE, KEEP):
        raise UserFacingError("That button is not one I made.")
    team = _answerable(deps, client, where, checkin_id, criterion_id)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id, lock=True)
        locked = lock_team(session=session, workspace_id=ws, team_id=team.id or 0)
        if row is None or locked is None:
            raise UserFacingError(GONE)
        if row.status != CheckInStatus.OPEN:
            raise UserFacingError(ENDED)
        if criterion_id not in (row.measured or {}):
            raise UserFacingError("That question isn't part of this check-in.")
        if row.measured[criterion_id] or criterion_id in row.answers:
            raise UserFacingError("You've answered that one already: it's on the board.")
        m = measurement_of(
            session=session, workspace_id=ws, team_id=row.team_id, criterion_id=criterion_id
        )
        entry = criteria_board(session=session, workspace_id=ws, team_id=row.team_id).get(
            criterion_id
        )
        if m is None or entry is None:
            raise UserFacingError(
                "That measurement has expired (nothing in the window measures it now), so "
                "the board stays as it is."
            )
        if choice == USE:
            change_criterion(
                session=session,
                workspace_id=ws,
                team_id=row.team_id,
                criterion_id=criterion_id,
                status=status_of(m.status),
                value=m.value,
                user_id=where.user_id,
                source=Source.WEEKLY,
                note=f"Took the measurement: {m.evidence}"[:NOTE_MAX],
            )
            set_override(row=m, user_id="")
            raw, outcome = _raw(criterion_id, m.status, m.value), USED
        else:
            set_override(row=m, user_id=where.user_id)
            raw, outcome = _raw(criterion_id, entry.status, entry.value), KEPT
        session.add(m)
        session.flush()
        if choice == USE:
            levels.follow(
                session,
                ws,
                locked,
                user_id=where.user_id,
                source=Source.WEEKLY,
                criterion_id=criterion_id,
            )
        row.answers = {**row.answers, criterion_id: raw}
        row.measured = {**row.measured, criterion_id: outcome}
        row.version += 1
        if all(c in row.answers for c in row.questions):
            row.status = CheckInStatus.ANSWERED
            row.closed_at = utcnow()
        session.add(row)
        session.flush()
        _round_done(session, ws, row, utcnow())
        view = _view(session, row, locked, _tz_of(session, row), closed=_closed_word(row))
        dm, ts = row.dm_channel, row.message_ts
    if dm and ts:
        _update_message(client, dm, ts, view)
    home.refresh(deps, client, where, [team.id or 0])
    return None


@dataclass
class _Recorded:
    view: CheckInView
    dm: str
    ts: str
    split: _SplitNews | None = None


@dataclass
class _SplitNews:
    """A disagreement to name in the team's channel (``ts``: its message, to update)."""

    split: Split
    channel: str
    ts: str


def _record(deps: Deps, where: Where, checkin_id: int, read: BoardAnswer) -> _Recorded:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id, lock=True)
        if row is None:
            raise UserFacingError(GONE)
        team = lock_team(session=session, workspace_id=ws, team_id=row.team_id)
        if team is None:
            raise UserFacingError(GONE)
        if row.status != CheckInStatus.OPEN:
            raise UserFacingError(ENDED)
        news = _calibrate(session, ws, team, row, where.user_id, read)
        if read.status is not None and news is None:
            change_criterion(
                session=session,
                workspace_id=ws,
                team_id=team.id or 0,
                criterion_id=read.criterion_id,
                status=read.status,
                value=read.value,
                user_id=where.user_id,
                source=Source.WEEKLY,
            )
            session.flush()
            levels.follow(
                session,
                ws,
                team,
                user_id=where.user_id,
                source=Source.WEEKLY,
                criterion_id=read.criterion_id,
            )
        row.answers = {**row.answers, read.criterion_id: read.raw}
        row.version += 1
        if all(c in row.answers for c in row.questions):
            row.status = CheckInStatus.ANSWERED
            row.closed_at = utcnow()
        session.add(row)
        session.flush()
        _round_done(session, ws, row, utcnow())
        view = _view(session, row, team, _tz_of(session, row), closed=_closed_word(row))
        return _Recorded(view, row.dm_channel, row.message_ts, news)


# ------------------------------------------------------------------ calibration


def _calibrate(
    session: Session, ws: int, team: Team, row: CheckIn, user: str, read: BoardAnswer
) -> _SplitNews | None:
    """Owners who answer one criterion differently within a week: the split is kept (and
    named in the team's channel once), and the criterion counts as not met until an owner
    settles it. None when this answer agrees (or says nothing): it goes onto the board."""
    if read.status is None:
        return None
    cid = read.criterion_id
    pending = open_calibration(
        session=session, workspace_id=ws, team_id=team.id or 0, criterion_id=cid
    )
    reason = (row.reasons or {}).get(cid, "")
    if pending is not None:  # a split still open: this answer joins it, the board waits
        pending.answers = {**pending.answers, user: read.raw}
        notes = {who: n for who, n in (pending.notes or {}).items() if who != user}
        pending.notes = {**notes, user: reason} if reason else notes
        session.add(pending)
        session.flush()
        return _SplitNews(_split(pending, team), pending.channel_id, pending.message_ts)
    others = week_answers(
        session=session,
        workspace_id=ws,
        team_id=team.id or 0,
        criterion_id=cid,
        since=utcnow() - CALIBRATION_WINDOW,
        but=row.id or 0,
    )
    together = {**{who: raw for who, (raw, _note) in others.items()}, user: read.raw}
    if not disagree(cid, together):
        return None
    notes = {who: note for who, (_raw, note) in others.items() if note}
    opened = Calibration(
        workspace_id=ws,
        team_id=team.id or 0,
        criterion_id=cid,
        answers=together,
        notes={**notes, user: reason} if reason else notes,
        channel_id=team.channel_id or "",
    )
    session.add(opened)
    change_criterion(
        session=session,
        workspace_id=ws,
        team_id=team.id or 0,
        criterion_id=cid,
        status=Status.NOT_MET,
        user_id=user,
        source=Source.WEEKLY,
        note=f"Split: {split_phrase(split_of(cid, together))}. Not met until an owner settles it.",
    )
    session.flush()
    levels.follow(session, ws, team, user_id=user, source=Source.WEEKLY, criterion_id=cid)
    return _SplitNews(_split(opened, team), opened.channel_id, "")


def _split(row: Calibration, team: Team) -> Split:
    return Split(
        calibration_id=row.id or 0,
        team_name=team.name,
        criterion_id=row.criterion_id,
        groups=split_of(row.criterion_id, row.answers),
        settled=Status(row.settled_status) if row.settled_status else None,
        settled_by=row.settled_by,
        why=row.settled_note,
        notes=dict(row.notes or {}),
    )


def _tell_split(deps: Deps, client: WebClient, where: Where, news: _SplitNews) -> None:
    """Name the disagreement in the team's channel: one message, kept up to date."""
    if not news.channel:
        return
    blocks = [b.to_dict() for b in split_blocks(news.split)]
    try:
        if news.ts:
            client.chat_update(
                channel=news.channel, ts=news.ts, text=split_text(news.split), blocks=blocks
            )
            return
        posted = client.chat_postMessage(
            channel=news.channel, text=split_text(news.split), blocks=blocks
        )
    except SlackApiError as exc:  # the board shows the split all the same
        logger.info("could not name a split in %s: %s", news.channel, exc.response.get("error"))
        return
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_calibration(
            session=session, workspace_id=ws, calibration_id=news.split.calibration_id, lock=True
        )
        if row is not None:
            row.message_ts = str(posted.get("ts") or "")
            session.add(row)


# ------------------------------------------------------------------ a note with an answer


def _noteable(
    deps: Deps, where: Where, checkin_id: int, criterion_id: str
) -> tuple[int, CheckIn, Team]:
    """The person's own check-in with an answer to ``criterion_id`` a note may go with."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id)
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id) if row else None
    _may_note(row, team, where, criterion_id)
    assert row is not None and team is not None
    return ws, row, team


def _may_note(row: CheckIn | None, team: Team | None, where: Where, criterion_id: str) -> None:
    if row is None or team is None:
        raise UserFacingError(GONE)
    if row.user_id != where.user_id:
        raise UserFacingError(
            "This check-in was sent to someone else: only they can add a note to it."
        )
    given = row.answers.get(criterion_id)
    if criterion_id not in row.questions or criterion_id not in QUESTIONS:
        raise UserFacingError("That question isn't part of this check-in.")
    if given is None or given == SKIP:
        raise UserFacingError("Answer the question first: a note goes with your answer.")
    if not may_note(_closed_word(row)):
        raise UserFacingError(ENDED)


def open_note(deps: Deps, where: Where, checkin_id: int, criterion_id: str) -> Answer:
    """*Add a note* beside an answered question: the form, for the person asked only."""
    _ws, row, _team = _noteable(deps, where, checkin_id, criterion_id)
    q = question(criterion_id)
    meta = CheckInNoteMeta(
        checkin=checkin_id, criterion=criterion_id, channel=where.channel_id, response_url=""
    )
    modal = note_modal(
        q.prompt,
        answer_label(q, row.answers[criterion_id]),
        (row.reasons or {}).get(criterion_id, ""),
        meta.encode(),
    )
    return Answer(modal=modal.to_dict())


def save_note(
    deps: Deps, client: WebClient, where: Where, meta: CheckInNoteMeta, text: str
) -> Answer:
    """The note form submitted: kept with the person's answer in that check-in; the DM
    shows it, and so does the split it is part of (its channel message, the board)."""
    note = " ".join(text.split())
    if not note:
        return Answer(
            errors={BlockId.CHECKIN_NOTE: "Write a few words on why, or Cancel to leave it."}
        )
    if len(note) > NOTE_LIMIT:
        return Answer(errors={BlockId.CHECKIN_NOTE: f"Keep it under {NOTE_LIMIT} characters."})
    cid = meta.criterion
    _noteable(deps, where, meta.checkin, cid)
    news: _SplitNews | None = None
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_checkin(session=session, workspace_id=ws, checkin_id=meta.checkin, lock=True)
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id) if row else None
        _may_note(row, team, where, cid)
        assert row is not None and team is not None
        row.reasons = {**(row.reasons or {}), cid: note}
        row.version += 1
        session.add(row)
        pending = open_calibration(
            session=session, workspace_id=ws, team_id=row.team_id, criterion_id=cid
        )
        if pending is not None and pending.answers.get(row.user_id) == row.answers[cid]:
            pending.notes = {**(pending.notes or {}), row.user_id: note}
            session.add(pending)
            news = _SplitNews(_split(pending, team), pending.channel_id, pending.message_ts)
        session.flush()
        view = _view(session, row, team, _tz_of(session, row), closed=_closed_word(row))
        dm, ts = row.dm_channel, row.message_ts
    if dm and ts:
        _update_message(client, dm, ts, view)
    if news is not None:
        _tell_split(deps, client, where, news)
    return Answer()


def open_settle(
    deps: Deps,
    client: WebClient,
    where: Where,
    calibration_id: int,
    status: str,
    *,
    message_ts: str,
    response_url: str = "",
) -> Answer:
    """*Settle: yes* under a disagreement: the form asking why, for an owner."""
    settled = _settleable(deps, client, where, calibration_id, status)
    row, team, picked = settled
    meta = CalibrationMeta(
        calibration=calibration_id,
        status=picked.value,
        channel=where.channel_id,
        response_url=response_url,
        message_ts=message_ts or row.message_ts,
    )
    return Answer(modal=settle_modal(_split(row, team), picked, meta.encode()).to_dict())


def _settleable(
    deps: Deps, client: WebClient, where: Where, calibration_id: int, status: str
) -> tuple[Calibration, Team, Status]:
    try:
        picked = Status(status)
    except ValueError:
        raise UserFacingError("That button is not one I made.") from None
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_calibration(session=session, workspace_id=ws, calibration_id=calibration_id)
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id) if row else None
    if row is None or team is None:
        raise UserFacingError("I can't find that disagreement any more.")
    if row.settled_at is not None:
        raise UserFacingError(
            f"Already settled by {who_of(row.settled_by)}: it's "
            f"{escape_mrkdwn(str(row.settled_status))} on the board."
        )
    if picked not in split_of(row.criterion_id, row.answers):
        raise UserFacingError("Settle it as one of the answers given.")
    if not may_change_team(client, team, where.user_id):
        raise UserFacingError(
            f"Only *{team_words(team.name)}*'s owners or a workspace admin can settle this."
        )
    return row, team, picked


def settle(deps: Deps, client: WebClient, where: Where, meta: CalibrationMeta, why: str) -> Answer:
    """The settle form submitted: the criterion takes the chosen status on the board
    (who settled it and why kept with the change), the level follows, and the channel's
    message says who settled it."""
    why = " ".join(why.split())[:500]
    if not why:
        return Answer(errors={BlockId.CALIBRATION_WHY: "A few words on why, for the team."})
    row, team, picked = _settleable(deps, client, where, meta.calibration, meta.status)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        locked_team = lock_team(session=session, workspace_id=ws, team_id=row.team_id)
        locked = get_calibration(
            session=session, workspace_id=ws, calibration_id=meta.calibration, lock=True
        )
        if locked_team is None or locked is None or locked.settled_at is not None:
            return Answer(text="Someone settled it a moment ago; the channel message says how.")
        locked.settled_status, locked.settled_by = picked.value, where.user_id
        locked.settled_note, locked.settled_at = why, utcnow()
        session.add(locked)
        said = split_phrase(split_of(locked.criterion_id, locked.answers))
        change_criterion(
            session=session,
            workspace_id=ws,
            team_id=locked_team.id or 0,
            criterion_id=locked.criterion_id,
            status=picked,
            user_id=where.user_id,
            source=Source.WEEKLY,
            note=f"Settled after a split ({said}): {why}",
        )
        session.flush()
        levels.follow(
            session,
            ws,
            locked_team,
            user_id=where.user_id,
            source=Source.WEEKLY,
            criterion_id=locked.criterion_id,
        )
        news = _SplitNews(_split(locked, locked_team), locked.channel_id, locked.message_ts)
    _tell_split(deps, client, where, news)
    return Answer(
        text=f"Settled: “{criterion(news.split.criterion_id).label}” is "
        f"{STATUS_WORDS[picked]} on *{team_words(team.name)}*'s board."
    )


def typed(deps: Deps, client: WebClient, where: Where, text: str) -> Answer | None:
    """A DM line while a weekly check-in is open here: a figure for its open numeric
    question, else what was newly scripted or automated this week. None when no check-in
    waits in this DM."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        found = open_checkins_in(
            session=session, workspace_id=ws, dm_channel=where.channel_id, user_id=where.user_id
        )
    if not found:
        return None
    row = found[0]
    numeric = [c for c in row.questions if c not in row.answers and QUESTIONS[c].accepts_typing]
    if numeric:
        read = read_answer(numeric[0], text, button=False)
        if isinstance(read, BoardAnswer) and read.raw != SKIP:
            answer(deps, client, where, row.id or 0, numeric[0], text, button=False)
            return Answer()
    note = " ".join(text.split())[:500]
    if not note:
        return Answer()
    with session_scope(deps.engine) as session:
        locked = get_checkin(session=session, workspace_id=ws, checkin_id=row.id or 0, lock=True)
        team = get_team(session=session, workspace_id=ws, team_id=row.team_id)
        if locked is None or team is None or locked.status != CheckInStatus.OPEN:
            return None
        locked.note, locked.version = note, locked.version + 1
        session.add(locked)
        session.flush()
        view = _view(session, locked, team, _tz_of(session, locked))
        dm, ts = locked.dm_channel, locked.message_ts
    if dm and ts:
        _update_message(client, dm, ts, view)
    return Answer(
        text="Noted as this week's newly scripted work. *Add to runbook* on the check-in "
        "puts it on the team's runbook list too."
    )


# ------------------------------------------------------------------ the digest


def all_owners_away(session: Session, ws: int, teams: list[Team]) -> dict[int, datetime]:
    """Of ``teams`` with weekly check-ins on, those whose owners are all away: team id ->
    when the first of them is back. One query when nobody is away (the usual case), two
    otherwise, whatever the team count."""
    everyone = sorted({o for t in teams for o in owners_of(t)})
    gone = away_of(session=session, workspace_id=ws, user_ids=everyone)
    if not gone:
        return {}
    candidates = {
        t.id: min(gone[o] for o in owners_of(t))
        for t in teams
        if t.id is not None and owners_of(t) and all(o in gone for o in owners_of(t))
    }
    on = scheduled_team_ids(session=session, workspace_id=ws, team_ids=sorted(candidates))
    return {team_id: back for team_id, back in candidates.items() if team_id in on}


# ------------------------------------------------------------------ the CLI


@dataclass(frozen=True)
class SentNow:
    ok: bool
    message: str


def send_now(sender: Sender, channel: str, *, now: datetime | None = None) -> SentNow:
    """``maturity-bot checkin send --now --channel C``: this week's check-ins for the
    channel's team, through the same claims as the scheduled ones (a second call the same
    week posts nothing)."""
    now = now or utcnow()
    with session_scope(sender.deps.engine) as session:
        rows = session.exec(
            select(Schedule).where(Schedule.kind == KIND, Schedule.channel_id == channel)
        ).all()
        schedules = [s for s in rows if s.active]
        if not schedules:
            team = None
            for s in rows:
                team = find_channel_team(
                    session=session, workspace_id=s.workspace_id, channel_id=channel
                )
            what = f" for {team.name}" if team is not None else ""
            return SentNow(False, f"No weekly check-ins are scheduled{what} in {channel}.")
    lines, ok = [], True
    for schedule in schedules:
        assert schedule.id is not None
        period = week_period(now, schedule.tz)
        with session_scope(sender.deps.engine) as session:
            held = claim(
                session=session, schedule_id=schedule.id, period=period, owner=sender.owner
            )
            if held is None:
                previous = get_claim(session=session, schedule_id=schedule.id, period=period)
                state = "was already sent" if previous and previous.done_at else "is being sent"
                lines.append(f"{schedule.user_id} ({period}): {state}; nothing posted.")
                continue
            claim_id, progress = held.id or 0, dict(held.progress)
        due = Due(
            sender.deps,
            sender.client_for(schedule.workspace_id),
            schedule,
            period,
            now,
            now,
            claim_id=claim_id,
            progress=progress,
        )
        try:
            outcome = send_checkin(due)
        except Exception as exc:
            logger.debug("check-in for %s failed", schedule.user_id, exc_info=True)
            with session_scope(sender.deps.engine) as session:
                release_claim(session=session, claim_id=claim_id)
            lines.append(f"{schedule.user_id} ({period}): could not be sent: {_reason(exc)}.")
            ok = False
            continue
        with session_scope(sender.deps.engine) as session:
            finish_claim(
                session=session, claim_id=claim_id, outcome=outcome.status, detail=outcome.detail
            )
        lines.append(f"{schedule.user_id} ({period}): {outcome.status} {outcome.detail}".rstrip())
    return SentNow(ok, "\n".join(lines))


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack answered {exc.response.get('error') or exc.response.status_code}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ------------------------------------------------------------------ `/maturity assess --team-wide`


TEAM_WIDE_FLAG = "--team-wide"


def team_wide(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """``/maturity assess --team-wide [team name]``: the same check-in to every owner and
    member at once; when all have answered (or it closed), the team's channel gets how far
    they agree on each criterion, and only then the level."""
    team_name = rest.replace(TEAM_WIDE_FLAG, " ").strip() or None
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session, ws, where, team_name, example=f"{COMMAND} assess {TEAM_WIDE_FLAG} Payments"
        )
    if not may_change_team(client, team, where.user_id):
        raise UserFacingError(
            f"Only *{team_words(team.name)}*'s owners or a workspace admin can start a "
            "team-wide check-in."
        )
    assert team.id is not None
    with read_scope(deps.engine) as session:
        asked = people_of(session, team)
        running = _open_round(session, ws, team.id)
    if running:
        raise UserFacingError(
            f"A team-wide check-in for *{team_words(team.name)}* is still open; its result "
            "comes to the team's channel once everyone has answered."
        )
    if len(asked) < 2:
        raise UserFacingError(
            f"A team-wide check-in needs two people or more. Add some with "
            f"`{COMMAND} team members @a @b` (or more owners)."
        )
    zones = {person: people.lookup(client, person).tz for person in asked}
    now = utcnow()
    period = f"{ROUND}{team.id}.{int(now.timestamp()) % 10**8}"[:16]
    questions = [c.id for c in CRITERIA if c.step <= TEAM_WIDE_STEPS]
    made: list[tuple[int, str, CheckInView]] = []
    with session_scope(deps.engine) as session:
        for person in asked:
            row = start_checkin(
                session=session,
                workspace_id=ws,
                team_id=team.id,
                user_id=person,
                period=period,
                schedule_id=None,
                questions=questions,
                respond_by=now + WINDOW,
                sent_at=now,
            )
            if row is not None and row.id is not None:
                made.append((row.id, person, _view(session, row, team, zones[person])))
    for checkin_id, person, view in made:
        dm = str(client.conversations_open(users=person)["channel"]["id"])
        posted = client.chat_postMessage(
            channel=dm, text=checkin_text(view), blocks=[b.to_dict() for b in checkin_blocks(view)]
        )
        with session_scope(deps.engine) as session:
            row = get_checkin(session=session, workspace_id=ws, checkin_id=checkin_id, lock=True)
            if row is not None:
                row.dm_channel, row.message_ts = dm, str(posted.get("ts") or "")
                session.add(row)
                _follow_up(session, row, row.respond_by, REMIND)
    return Answer(
        text=f"Sent the same {len(questions)} questions to {join_and([who_of(p) for p in asked])}"
        f" in DM. When everyone has answered (or in two days at most), "
        f"{'the team' + chr(39) + 's channel' if team.channel_id else 'the team'} gets how far "
        "they agree on each criterion, then the level."
    )


def _open_round(session: Session, ws: int, team_id: int) -> bool:
    return any(
        row.period.startswith(ROUND)
        for row in session.exec(
            select(CheckIn).where(
                CheckIn.workspace_id == ws,
                CheckIn.team_id == team_id,
                CheckIn.status == CheckInStatus.OPEN,
            )
        )
    )


def _round_done(session: Session, ws: int, row: CheckIn, now: datetime) -> None:
    """The last check-in of a team-wide round answered or closed: its result is due now
    (a one-off, claimed like any scheduled post: told once)."""
    if not row.period.startswith(ROUND):
        return
    rows = session.exec(
        select(CheckIn).where(
            CheckIn.workspace_id == ws,
            CheckIn.team_id == row.team_id,
            CheckIn.period == row.period,
        )
    ).all()
    if any(r.status == CheckInStatus.OPEN for r in rows):
        return
    told = session.exec(
        select(Schedule.id).where(
            Schedule.workspace_id == ws,
            Schedule.kind == FOLLOWUP,
            col(Schedule.payload)["round"].as_string() == row.period,
        )
    ).first()
    if told is not None:
        return
    create_schedule(
        session=session,
        workspace_id=ws,
        kind=FOLLOWUP,
        next_due_at=now,
        payload={"team_id": row.team_id, "round": row.period, "step": RESULT},
    )


def _send_round_result(due: Due, period: str) -> Outcome:
    ws = due.schedule.workspace_id
    team_id = int((due.schedule.payload or {}).get("team_id") or 0)
    with read_scope(due.deps.engine) as session:
        team = get_team(session=session, workspace_id=ws, team_id=team_id)
        rows = session.exec(
            select(CheckIn).where(
                CheckIn.workspace_id == ws, CheckIn.team_id == team_id, CheckIn.period == period
            )
        ).all()
    if team is None or not rows:
        return Outcome(ClaimOutcome.SKIPPED, "the team is gone")
    if not team.channel_id:
        return Outcome(ClaimOutcome.SKIPPED, "the team has no channel")
    agreements = [
        Agreement(cid, split_of(cid, {r.user_id: r.answers[cid] for r in rows if cid in r.answers}))
        for cid in rows[0].questions
    ]
    answered = sum(1 for r in rows if r.answers)
    if not due.progress.get("ts"):
        posted = due.client.chat_postMessage(
            channel=team.channel_id,
            text=round_text(team.name, team.level),
            blocks=[
                b.to_dict()
                for b in round_blocks(team.name, len(rows), answered, agreements, team.level)
            ],
        )
        due.checkpoint({"ts": str(posted.get("ts") or "")})
    return Outcome(ClaimOutcome.SENT, f"{answered} of {len(rows)} answered")
