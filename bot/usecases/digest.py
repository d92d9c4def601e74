"""Weekly digests: subscribe a channel, preview, turn off, and send exactly once.

A subscription is a ``Schedule`` (kind ``digest``) with its weekday, time and IANA zone;
its payload names the teams (``"channel"`` — the channel's own —, ``"all"``, or names).
Sending goes through the scheduler's claim (``bot/scheduling/scheduler.py``), so one digest
per channel per ISO week is posted, whatever the number of processes, restarts or
``digest send --now``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot.blocks.digest import (
    parent_blocks,
    parent_text,
    team_detail_blocks,
    team_detail_text,
    to_dicts,
)
from bot.blocks.teams import team_question_blocks
from bot.blocks.text import escape_mrkdwn
from bot.blocks.usage import suggestion_blocks
from bot.deps import Deps
from bot.scheduling.scheduler import Due, Kind, Outcome, Sender, register_kind
from bot.scheduling.times import (
    ScheduleError,
    next_weekly,
    parse_time,
    parse_weekday,
    week_period,
    zone,
)
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.commands import DIGEST_VERBS
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.slack.limits import ChannelPacer
from bot.usecases.checkins import all_owners_away
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import replace_last
from conversations.digest import (
    CriterionEventIn,
    Digest,
    LevelEventIn,
    TeamInput,
    TeamList,
    TeamWeek,
    build_digest,
    has_history,
    read_team_list,
)
from conversations.model import DEPLOYS_PER_DAY
from conversations.runbook.ranking import monthly_toil
from conversations.scoring import number_of
from conversations.text import closest, join_and, truncate
from storage.db import read_scope, session_scope
from storage.digest import TeamRows, digest_rows, teams_for_digest
from storage.models import ClaimOutcome, Schedule, ScheduleKind
from storage.runbook import to_operation as runbook_domain
from storage.schedules import (
    claim,
    create_schedule,
    finish_claim,
    get_claim,
    release_claim,
    schedules_of,
)
from storage.types import utcnow
from storage.workspaces import team_names

logger = logging.getLogger("maturity_bot.digest")

EXAMPLE = (
    f"`{COMMAND} digest schedule monday 09:00 Europe/Berlin` "
    "(add `teams all` or `teams Payments Platform, Search`)"
)
CHANNEL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived"}
PACER = ChannelPacer(interval=1.1)  # Slack: about one message a second per channel
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEAMS_WORD = re.compile(r"(?:^|\s)teams?:?(?=\s|$)", re.IGNORECASE)
KNOWN_TEAMS_SHOWN = 10


@dataclass(frozen=True)
class Subscription:
    weekday: int
    time_of_day: str
    tz: str | None
    teams_text: str | None  # what followed `teams` (None: the channel's own team)


def parse_subscription(text: str) -> Subscription:
    """``<weekday> <HH:MM> [zone] [teams all | teams <names>]``; errors name the bad part.

    Everything after the word ``teams`` is the team list, read later against the
    workspace's team names (:func:`conversations.digest.read_team_list`), so names keep
    their spaces: ``teams Payments Platform, Search``.
    """
    found = TEAMS_WORD.search(text)
    teams_text = None
    if found is not None:
        teams_text = text[found.end() :].strip()
        text = text[: found.start()]
        if not teams_text:
            raise ScheduleError("Say which teams after `teams`: `teams all` or their names.")
    words = text.split()
    if len(words) >= 3 and words[2].lower() in ("am", "pm", "a.m.", "p.m."):
        words[1:3] = [words[1] + words[2]]  # "9 am"
    if len(words) < 2:
        raise ScheduleError(f"I need a day and a time. For example: {EXAMPLE}")
    if len(words) > 3:
        extra = " ".join(words[3:])
        raise ScheduleError(
            f"I didn't expect “{extra}”. To name teams, put `teams` before them. "
            f"For example: {EXAMPLE}"
        )
    weekday = parse_weekday(words[0])
    hh, mm = parse_time(words[1])
    tz = words[2] if len(words) == 3 else None
    if tz is not None:
        zone(tz)
    return Subscription(weekday, f"{hh:02d}:{mm:02d}", tz, teams_text)


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """Route ``/maturity digest …``: ``schedule``, ``preview``, ``off``."""
    parts = rest.split(None, 1)
    verb = parts[0].lower() if parts else ""
    args = parts[1] if len(parts) > 1 else ""
    if verb == "schedule":
        return subscribe(deps, client, where, args.strip())
    if verb == "preview":
        return preview(deps, where)
    if verb == "off":
        return turn_off(deps, client, where)
    near = closest(verb, DIGEST_VERBS) if verb else None
    if near is not None:
        meant = f"digest {near} {args.strip()}".strip()
        shown = escape_mrkdwn(truncate(" ".join(meant.split()), 200)).replace("`", "'")
        raise UserFacingError(
            f"Did you mean `{COMMAND} {shown}`?",
            blocks=suggestion_blocks(rest, meant),
        )
    return Answer(
        text=f"`{COMMAND} digest` takes `schedule`, `preview` or `off`. For example: {EXAMPLE}"
    )


def _read_teams(session: Session, ws: int, typed: str, command: str) -> str | list[str]:
    """A typed team list as the schedule keeps it: ``"all"`` or the teams' names (as the
    workspace spells them); refused, naming the words that matched no team — with a
    button that schedules it with the closest teams when every such word has one
    (``command`` is the whole command as typed after ``/maturity``)."""
    known = team_names(session=session, workspace_id=ws)
    read = read_team_list(typed, known)
    if read.everyone:
        return "all"
    if read.unknown:
        text = _unknown_teams(read, known)
        near = dict(read.suggestions)
        meant: str | None = command
        for word in read.unknown:
            if meant is not None and word in near:
                meant = replace_last(meant, word, near[word])
            else:
                meant = None
        use = (", ".join(dict.fromkeys(near.values())), meant) if meant else None
        raise UserFacingError(text, blocks=team_question_blocks(text, use=use))
    if not read.names:
        raise UserFacingError("Say which teams after `teams`: `teams all` or their names.")
    return list(read.names)


def _unknown_teams(read: TeamList, known: list[str]) -> str:
    quoted = [f"“{escape_mrkdwn(truncate(t, 80))}”" for t in read.unknown]
    either = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    text = f"No team here is called {either}."
    near = dict(read.suggestions)
    if near:
        meant = join_and([f"“{escape_mrkdwn(n)}”" for n in dict.fromkeys(near.values())])
        text += f" Did you mean {meant}?"
    if not known:
        return text + f" Teams appear once they run `{COMMAND} assess`."
    shown = ", ".join(escape_mrkdwn(n) for n in known[:KNOWN_TEAMS_SHOWN])
    more = f" and {len(known) - KNOWN_TEAMS_SHOWN} more" if len(known) > KNOWN_TEAMS_SHOWN else ""
    return (
        text + f" The teams here: {shown}{more}. Separate names with commas, or write `teams all`."
    )


def _check_may_change(client: WebClient, deps: Deps, where: Where, verb: str) -> list[int]:
    """The channel's active digest schedules, if this person may change them (they set
    them up, or they administer the workspace); a friendly refusal otherwise. Slack is
    asked outside any database transaction."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        existing = schedules_of(
            session=session, workspace_id=ws, kind=ScheduleKind.DIGEST, channel_id=where.channel_id
        )
        owners = {s.created_by for s in existing}
        ids = [s.id for s in existing if s.id is not None]
    if owners - {where.user_id} and not people.lookup(client, where.user_id).is_admin:
        raise UserFacingError(
            f"This channel's digest was set up by someone else; only they or a workspace "
            f"admin can {verb}."
        )
    return ids


def _retire(session: Session, ids: list[int]) -> None:
    for schedule in session.exec(select(Schedule).where(col(Schedule.id).in_(ids))):
        schedule.active = False
        session.add(schedule)


def subscribe(deps: Deps, client: WebClient, where: Where, text: str) -> Answer:
    """``/maturity digest schedule <weekday> <HH:MM> [zone] [teams …]`` (``text`` is what
    follows ``schedule``, as typed)."""
    if where.channel_id.startswith("D"):
        raise UserFacingError("Run this in the channel that should get the digest.")
    try:
        sub = parse_subscription(text)
    except ScheduleError as exc:
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    tz = sub.tz or people.lookup(client, where.user_id).tz
    replacing = _check_may_change(client, deps, where, "change it")
    now = utcnow()
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        teams: str | list[str] = "channel"
        if sub.teams_text is not None:
            teams = _read_teams(session, ws, sub.teams_text, f"digest schedule {text}")
        _retire(session, replacing)
        first = next_weekly(sub.weekday, sub.time_of_day, tz, now)
        create_schedule(
            session=session,
            workspace_id=ws,
            kind=ScheduleKind.DIGEST,
            next_due_at=first,
            channel_id=where.channel_id,
            user_id=where.user_id,
            tz=tz,
            weekday=sub.weekday,
            time_of_day=sub.time_of_day,
            payload={"teams": teams},
            created_by=where.user_id,
        )
    which = (
        {"channel": "this channel's team", "all": "every team"}[teams]
        if isinstance(teams, str)
        else join_and([escape_mrkdwn(n) for n in teams])
    )
    local = first.astimezone(zone(tz))
    return Answer(
        text=f"Done: every {DAY_NAMES[sub.weekday]} at {sub.time_of_day} ({tz}) this channel "
        f"gets the weekly digest for {which}. The first one arrives "
        f"{local:%a %d %b} at {sub.time_of_day}. `{COMMAND} digest preview` shows it now."
    )


def turn_off(deps: Deps, client: WebClient, where: Where) -> Answer:
    ids = _check_may_change(client, deps, where, "turn it off")
    if not ids:
        return Answer(text="This channel has no weekly digest to turn off.")
    with session_scope(deps.engine) as session:
        _retire(session, ids)
    return Answer(text="The weekly digest for this channel is off.")


def preview(deps: Deps, where: Where) -> Answer:
    now = utcnow()
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        existing = schedules_of(
            session=session, workspace_id=ws, kind=ScheduleKind.DIGEST, channel_id=where.channel_id
        )
        spec = existing[0].payload.get("teams", "channel") if existing else "channel"
        tz = existing[0].tz if existing else "UTC"
        digest = build_for(session, ws, where.channel_id, spec, now, week_period(now, tz))
    title = _title(now, tz) + " (preview)"
    blocks = to_dicts(parent_blocks(digest, title=title))
    for week in digest.teams[:5]:
        blocks += to_dicts(team_detail_blocks(week))
    note = "" if existing else f" No digest is scheduled here yet: {EXAMPLE}."
    return Answer(text=parent_text(digest, title) + note, blocks=blocks[:50])


def build_for(
    session: Session, ws: int, channel_id: str, spec: Any, now: datetime, period: str
) -> Digest:
    teams = teams_for_digest(session=session, workspace_id=ws, spec=spec, channel_id=channel_id)
    rows = digest_rows(session=session, workspace_id=ws, teams=teams, now=now)
    away = all_owners_away(session, ws, teams)  # weekly check-ins paused (issue 13)
    return build_digest(
        [replace(_team_input(r, now), owners_away_until=away.get(r.team.id or 0)) for r in rows],
        now=now,
        period=period,
    )


def _team_input(r: TeamRows, now: datetime) -> TeamInput:
    week_ago = now - timedelta(days=7)
    rate = number_of(DEPLOYS_PER_DAY, r.latest_answers)
    scripted_this_week = [
        op for op in r.operations if op.scripted and op.scripted_at and op.scripted_at > week_ago
    ]
    touched = [op.updated_at for op in r.operations]
    return TeamInput(
        name=r.team.name,
        level=r.team.level,
        created_at=r.team.created_at,
        events=tuple(CriterionEventIn(c, s, at) for c, s, at in r.events),
        levels=tuple(LevelEventIn(level, at) for level, at in r.levels),
        nudges_this_week=tuple(r.nudges),
        reminders_upcoming=tuple(r.reminders),
        toil_removed_this_week=sum(
            monthly_toil(runbook_domain(op), rate) for op in scripted_this_week
        ),
        last_activity=max(touched) if touched else None,
        deploys=r.deploys,
    )


def _title(when: datetime, tz: str) -> str:
    local = when.astimezone(zone(tz))
    monday = local - timedelta(days=local.weekday())
    return f"Automation maturity · week of {monday:%d %b %Y}"


# ------------------------------------------------------------------------------ sending


def post_digest(
    client: WebClient, channel: str, digest: Digest, title: str, due: Due | None
) -> str:
    """Post the parent, then one thread reply per team, then the chart — resuming after a
    crashed attempt from its checkpoint, and pacing posts to one a second per channel."""
    progress: dict[str, Any] = dict(due.progress) if due else {}
    parent_ts = progress.get("parent_ts")
    if not parent_ts:
        PACER.wait(channel)
        parent = client.chat_postMessage(
            channel=channel,
            text=parent_text(digest, title),
            blocks=to_dicts(parent_blocks(digest, title=title)),
            unfurl_links=False,
        )
        parent_ts = parent["ts"]
        progress["parent_ts"] = parent_ts
        if due:
            due.checkpoint(progress)
    done = set(progress.get("teams_done", []))
    for week in digest.teams:
        if week.name in done:
            continue
        PACER.wait(channel)
        client.chat_postMessage(
            channel=channel,
            thread_ts=parent_ts,
            text=team_detail_text(week),
            blocks=to_dicts(team_detail_blocks(week)),
        )
        done.add(week.name)
        progress["teams_done"] = sorted(done)
        if due:
            due.checkpoint(progress)
    charted = [w for w in digest.teams if has_history(w) or w.deploys is not None]
    if charted and not progress.get("chart"):
        _upload_chart(client, channel, parent_ts, charted, title)
        progress["chart"] = True
        if due:
            due.checkpoint(progress)
    return parent_ts


def _upload_chart(
    client: WebClient, channel: str, thread_ts: str, weeks: list[TeamWeek], title: str
) -> None:
    from bot.blocks.chart import progress_chart

    try:
        client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            content=progress_chart(weeks, title=title),
            filename="maturity-progress.png",
            title="Level and criteria over the last 12 weeks",
        )
    except SlackApiError as exc:
        if exc.response.get("error") in (
            "missing_scope",
            "not_allowed_token_type",
            "no_permission",
        ):
            logger.info("chart left out of the digest in %s: no files:write scope", channel)
            return
        raise


def send_digest(due: Due) -> Outcome:
    schedule = due.schedule
    with read_scope(due.deps.engine) as session:
        digest = build_for(
            session,
            schedule.workspace_id,
            schedule.channel_id,
            schedule.payload.get("teams", "channel"),
            due.now,
            due.period,
        )
    title = _title(due.due_at, schedule.tz)
    try:
        post_digest(due.client, schedule.channel_id, digest, title, due)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error not in CHANNEL_ERRORS:
            raise
        if not schedule.failure:
            _tell_owner(due.client, schedule, error)
        return Outcome(ClaimOutcome.FAILED, error)
    return Outcome(ClaimOutcome.SENT, f"{len(digest.teams)} teams")


def _tell_owner(client: WebClient, schedule: Schedule, error: str) -> None:
    why = {
        "channel_not_found": "the channel no longer exists",
        "not_in_channel": "I'm not a member of that private channel (`/invite @maturity-bot`)",
        "is_archived": "the channel is archived",
    }.get(error, error)
    try:
        client.chat_postMessage(
            channel=schedule.created_by,
            text=f"I couldn't post this week's maturity digest in <#{schedule.channel_id}>: "
            f"{why}. I'll try again next week; `{COMMAND} digest off` in that channel stops it.",
        )
    except SlackApiError:
        logger.warning("could not tell %s about the failing digest", schedule.created_by)


def _period(schedule: Schedule, due_at: datetime) -> str:
    return week_period(due_at, schedule.tz)


def _next_due(schedule: Schedule, after: datetime) -> datetime | None:
    assert schedule.weekday is not None and schedule.time_of_day is not None
    return next_weekly(schedule.weekday, schedule.time_of_day, schedule.tz, after)


DIGEST_KIND = Kind(
    send=send_digest, period=_period, next_due=_next_due, max_lateness=timedelta(hours=6)
)


def register() -> None:
    register_kind(ScheduleKind.DIGEST, DIGEST_KIND)


# ------------------------------------------------------------------------------ CLI


@dataclass(frozen=True)
class SentNow:
    ok: bool
    message: str


def send_now(
    sender: Sender, channel: str, *, dry_run: bool, now: datetime | None = None
) -> SentNow:
    """``maturity-bot digest send --now --channel C``: this period's digest, through the
    same claim as the scheduled one (a second call for the same week posts nothing; a call
    after a crashed one carries on from its checkpoint; a failed call gives the claim back,
    so trying again right away works)."""
    now = now or utcnow()
    with session_scope(sender.deps.engine) as session:
        schedule = session.exec(
            select(Schedule).where(
                Schedule.kind == ScheduleKind.DIGEST,
                Schedule.channel_id == channel,
                col(Schedule.active).is_(True),
            )
        ).first()
        if schedule is None:
            return SentNow(False, f"No weekly digest is scheduled for {channel}.")
        period = week_period(now, schedule.tz)
        if dry_run:
            digest = build_for(
                session, schedule.workspace_id, channel, schedule.payload.get("teams"), now, period
            )
            lines = [parent_text(digest, _title(now, schedule.tz))]
            lines += [f"  {w.name}: {w.level}" for w in digest.teams]
            return SentNow(True, "\n".join(lines))
        held = claim(
            session=session, schedule_id=schedule.id or 0, period=period, owner=sender.owner
        )
        if held is None:
            previous = get_claim(session=session, schedule_id=schedule.id or 0, period=period)
            state = "was already sent" if previous and previous.done_at else "is being sent"
            return SentNow(True, f"The digest for {channel} for {period} {state}; nothing posted.")
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
        outcome = DIGEST_KIND.send(due)
    except Exception as exc:
        logger.debug("digest for %s failed", channel, exc_info=True)
        with session_scope(sender.deps.engine) as session:
            release_claim(session=session, claim_id=claim_id)
        done = " (what was posted stays; the next try carries on)" if due.progress else ""
        return SentNow(False, f"The digest for {channel} could not be sent: {_reason(exc)}{done}.")
    with session_scope(sender.deps.engine) as session:
        finish_claim(
            session=session, claim_id=claim_id, outcome=outcome.status, detail=outcome.detail
        )
    message = f"Digest for {channel} ({period}): {outcome.status} {outcome.detail}".strip()
    return SentNow(outcome.status == ClaimOutcome.SENT, message)


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack answered {exc.response.get('error') or exc.response.status_code}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
