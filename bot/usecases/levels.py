"""The level follows the board, and a level change is announced once, in the team's channel.

:func:`follow` runs at the end of every unit of work that moves a criterion — the board's
*Update* form, ``/maturity set``, a finished or corrected check-in, the runbook's scripted
share — with the team's row locked, so it reads the board with every change so far in it.
It recomputes the level by the sequential rule (``conversations.scoring.level_of``); when
the level moved, up or down, it sets it, writes the change down (``level_changes``), and
makes sure an announcement is due: a one-off schedule of kind ``level_change``, a minute
after the first change nobody announced yet, so criteria that move within that minute go
out as ONE message.

The scheduler claims that schedule like any digest or reminder (exactly once across
processes) and hands it to :func:`send_announcement`, which takes the team's unannounced
changes, and posts one message (first block ``level.change``, "Level N") — unless the
level is back where it was announced last, or the team has no channel: then nothing is
posted, and the changes are settled all the same.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.criteria import level_change_blocks, level_change_text
from bot.scheduling.scheduler import Due, Kind, Outcome, post_once, register_kind
from bot.usecases import nudge_delivery
from conversations.board import LevelMove, level_story
from conversations.scoring import level_of
from storage.criteria import (
    changes_between,
    criteria_board,
    level_change_before,
    lock_team,
    mark_announced,
    record_level_change,
    take_for_announcement,
    to_level_move,
    waiting_for_announcement,
)
from storage.db import read_scope, session_scope
from storage.models import ClaimOutcome, Schedule, ScheduleKind, Team
from storage.schedules import create_schedule, schedules_of
from storage.types import utcnow

logger = logging.getLogger("maturity_bot.levels")

KIND = ScheduleKind.LEVEL_CHANGE  # the schedules that announce a level change
LEVEL_EVENT = "maturity_level_change"  # Slack message metadata on the announcement
BATCH = timedelta(minutes=1)  # changes within a minute of the first go out together
MAX_LATENESS = timedelta(days=2)  # a change announced late (an outage) is still news
FIRST_PLACEMENT = "first placed at level 0"  # no news: settled at once
# Slack's answers that no retry will change: the change is settled unposted.
UNPOSTABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def follow(
    session: Session,
    ws: int,
    team: Team,
    *,
    user_id: str,
    source: str,
    criterion_id: str = "",
) -> LevelMove | None:
    """Recompute ``team``'s level from its board, in the caller's unit of work, after the
    caller changed the board. The change of level when there is one (else None): set on
    the team, written down, and its announcement due.

    The team's row is locked first (and read afresh): two changes to one team at once
    are decided one after the other, each reading the board with the other's change.
    """
    assert team.id is not None
    locked = lock_team(session=session, workspace_id=ws, team_id=team.id) or team
    before = locked.level
    board = criteria_board(session=session, workspace_id=ws, team_id=team.id)
    after = level_of({cid: row.status for cid, row in board.items()})
    move = None
    if before != after:
        move = _moved(
            session,
            ws,
            locked,
            before,
            after,
            user_id=user_id,
            source=source,
            criterion_id=criterion_id,
        )
    # Every change to the board is a moment for the coach: the team's nudges are looked
    # at shortly (with the level as it now is), in its one nudge message of the day.
    nudge_delivery.nudge_soon(session, ws, locked)
    return move


def _moved(
    session: Session,
    ws: int,
    locked: Team,
    before: int | None,
    after: int,
    *,
    user_id: str,
    source: str,
    criterion_id: str,
) -> LevelMove:
    """The level moved: set it, write the change down, make its announcement due."""
    assert locked.id is not None
    now = utcnow()
    locked.level = after
    locked.updated_at = now
    session.add(locked)
    settled = FIRST_PLACEMENT if before is None and after == 0 else ""
    row = record_level_change(
        session=session,
        workspace_id=ws,
        team_id=locked.id,
        from_level=before,
        to_level=after,
        user_id=user_id,
        source=source,
        criterion_id=criterion_id,
        at=now,
        announced=settled,
    )
    if not settled:
        _announce_soon(session, ws, locked, user_id=user_id, at=now)
    return to_level_move(row)


def _announce_soon(session: Session, ws: int, team: Team, *, user_id: str, at: datetime) -> None:
    """Make sure an announcement will take the team's waiting changes: one is due already
    when a schedule no announcement has started on is active for the team."""
    assert team.id is not None
    if any(_waiting_schedule(s, team.id) for s in _announcements(session, ws)):
        return
    if not waiting_for_announcement(session=session, workspace_id=ws, team_id=team.id):
        return
    create_schedule(
        session=session,
        workspace_id=ws,
        kind=KIND,
        next_due_at=at + BATCH,
        channel_id=team.channel_id or "",
        payload={"team_id": team.id},
        created_by=user_id,
    )


def _announcements(session: Session, ws: int) -> list[Schedule]:
    return schedules_of(session=session, workspace_id=ws, kind=KIND)


def _waiting_schedule(schedule: Schedule, team_id: int) -> bool:
    payload = schedule.payload or {}
    return payload.get("team_id") == team_id and not payload.get("taken")


# ------------------------------------------------------------------ the announcement


def register_kinds() -> None:
    """Teach the scheduler how to send ``level_change`` schedules (claimed: exactly once)."""
    register_kind(
        KIND,
        Kind(send=send_announcement, period=_period, next_due=_one_off, max_lateness=MAX_LATENESS),
    )


def _period(schedule: Schedule, due_at: datetime) -> str:
    return f"{due_at:%Y-%m-%dT%H:%M:%S}Z"


def _one_off(schedule: Schedule, after: datetime) -> datetime | None:
    return None


def send_announcement(due: Due) -> Outcome:
    """Post one message for the team's level changes since the last announcement."""
    schedule = due.schedule
    ws, team_id = schedule.workspace_id, int((schedule.payload or {}).get("team_id") or 0)
    assert schedule.id is not None
    with session_scope(due.deps.engine) as session:
        team = lock_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            return Outcome(ClaimOutcome.SKIPPED, "the team is gone")
        taken = take_for_announcement(
            session=session, workspace_id=ws, team_id=team_id, schedule_id=schedule.id
        )
        # Changes from now on start an announcement of their own.
        row = session.get(Schedule, schedule.id)
        if row is not None:
            row.payload = {**(row.payload or {}), "taken": True}
            session.add(row)
        ids = [c.id for c in taken if c.id is not None]
        if not taken:
            return Outcome(ClaimOutcome.SKIPPED, "nothing waiting")
        first, last = taken[0], taken[-1]
        if (first.from_level or 0) == last.to_level:
            mark_announced(session=session, change_ids=ids, outcome="back where it was")
            return Outcome(ClaimOutcome.SKIPPED, "the level is back where it was")
        if not team.channel_id:
            mark_announced(session=session, change_ids=ids, outcome="no channel")
            return Outcome(ClaimOutcome.SKIPPED, "the team has no channel")
        channel, team_name = team.channel_id, team.name
    with read_scope(due.deps.engine) as session:
        # What moved: the board's changes of the minute before the first level change,
        # back to (not including) the change of level before it, up to the last one.
        previous = level_change_before(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            change_id=first.id or 0,
            not_outcome=FIRST_PLACEMENT,  # placed at 0 by the very change being told
        )
        changes = changes_between(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            start=first.created_at - BATCH,
            end=last.created_at,
            after=previous.created_at if previous is not None else None,
        )
        board = criteria_board(session=session, workspace_id=ws, team_id=team_id)
        statuses = {cid: row.status for cid, row in board.items()}
    story = level_story(first.from_level, last.to_level, changes, statuses)
    ts = str(due.progress.get("ts") or "")
    if not ts:  # a retry after a crash that had posted already does not post again
        try:
            ts = post_once(
                due,
                channel=channel,
                key=f"level:{schedule.id}",
                event_type=LEVEL_EVENT,
                text=level_change_text(team_name, story),
                blocks=[b.to_dict() for b in level_change_blocks(team_name, story)],
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error not in UNPOSTABLE:
                raise  # tried again shortly, a few times (the scheduler's one-off retry)
            with session_scope(due.deps.engine) as session:
                mark_announced(session=session, change_ids=ids, outcome=error)
            return Outcome(ClaimOutcome.SKIPPED, f"Slack said {error}")
        due.checkpoint({"ts": ts})
    with session_scope(due.deps.engine) as session:
        mark_announced(session=session, change_ids=ids, outcome="posted", message_ts=ts)
    return Outcome(ClaimOutcome.SENT)
