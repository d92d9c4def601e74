"""What one person's App Home reads: a fixed set of queries, whatever the team count.

- the workspace's teams and their boards (the "all teams" list and each team's step),
- who ran each team's latest check-in, and the person's own open check-ins,
- the active nudges of the person's teams,
- the person's runbook reminders, with their operations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    CriterionStatus,
    NudgeRecord,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
)

ASSESSMENT_SOURCE = "assessment"  # a nudge a check-in raised (superseded by the next one)


@dataclass(frozen=True)
class LatestCheckin:
    """A team's newest check-in that was not abandoned or left to expire."""

    user_id: str
    status: str
    completed_at: datetime | None


@dataclass(frozen=True)
class ReminderRow:
    schedule_id: int
    due: datetime | None
    tz: str
    team_id: int
    title: str


def workspace_teams(*, session: Session, workspace_id: int) -> list[Team]:
    """Every team of the workspace, A to Z."""
    stmt = select(Team).where(Team.workspace_id == workspace_id).order_by(col(Team.name_key))
    return list(session.exec(stmt))


def workspace_boards(
    *, session: Session, workspace_id: int
) -> dict[int, dict[str, CriterionStatus]]:
    """Every team's board: team id → criterion id → its row (one query)."""
    boards: dict[int, dict[str, CriterionStatus]] = defaultdict(dict)
    for row in session.exec(
        select(CriterionStatus).where(CriterionStatus.workspace_id == workspace_id)
    ):
        boards[row.team_id][row.criterion_id] = row
    return dict(boards)


def latest_checkins(*, session: Session, workspace_id: int) -> dict[int, LatestCheckin]:
    """Each team's newest open or completed check-in: who ran it (one query)."""
    live = (AssessmentStatus.OPEN, AssessmentStatus.COMPLETED)
    newest = (
        select(Assessment.team_id, func.max(Assessment.id).label("newest"))
        .where(Assessment.workspace_id == workspace_id, col(Assessment.status).in_(live))
        .group_by(col(Assessment.team_id))
        .subquery()
    )
    rows = session.exec(
        select(
            Assessment.team_id, Assessment.user_id, Assessment.status, Assessment.completed_at
        ).join(newest, col(Assessment.id) == newest.c.newest)
    )
    return {
        team_id: LatestCheckin(user_id, status, completed_at)
        for team_id, user_id, status, completed_at in rows
    }


def open_checkins_of(*, session: Session, workspace_id: int, user_id: str) -> dict[int, datetime]:
    """The person's open check-ins: team id → when it last moved (the newest per team)."""
    rows = session.exec(
        select(Assessment.team_id, Assessment.updated_at)
        .where(
            Assessment.workspace_id == workspace_id,
            Assessment.user_id == user_id,
            Assessment.status == AssessmentStatus.OPEN,
        )
        .order_by(col(Assessment.id))
    )
    return dict(rows.all())


def active_nudges(
    *,
    session: Session,
    workspace_id: int,
    team_ids: Collection[int],
    checked_in: dict[int, datetime],
    since: datetime,
) -> dict[int, list[NudgeRecord]]:
    """The nudges still standing for ``team_ids``, newest first, one per rule: the newest
    record of each rule, unless it (or a later one of the rule) was dismissed. A check-in's
    nudges stand until the team's next check-in (``checked_in``: when its latest one
    finished); other nudges (the runbook's) for as long as ``since`` allows. One query."""
    if not team_ids:
        return {}
    rows = session.exec(
        select(NudgeRecord)
        .where(
            NudgeRecord.workspace_id == workspace_id,
            col(NudgeRecord.team_id).in_(list(team_ids)),
            col(NudgeRecord.created_at) >= min([since, *checked_in.values()]),
        )
        .order_by(col(NudgeRecord.created_at).desc(), col(NudgeRecord.id).desc())
    )
    out: dict[int, list[NudgeRecord]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.team_id, row.rule_id)
        if key in seen:
            continue
        seen.add(key)  # the newest of its rule decides, dismissed or not
        if row.dismissed_at is not None:
            continue
        finished = checked_in.get(row.team_id)
        if row.source == ASSESSMENT_SOURCE:
            if finished is not None and row.created_at < finished:
                continue  # raised by an earlier check-in than the latest
        elif row.created_at < since:
            continue
        out[row.team_id].append(row)
    return dict(out)


def reminders_of(*, session: Session, workspace_id: int, user_id: str) -> list[ReminderRow]:
    """The person's active runbook reminders about operations still to script, soonest
    first (two queries)."""
    schedules = list(
        session.exec(
            select(Schedule).where(
                Schedule.workspace_id == workspace_id,
                Schedule.kind == ScheduleKind.REMINDER,
                Schedule.user_id == user_id,
                col(Schedule.active).is_(True),
            )
        )
    )
    wanted = {
        op: s for s in schedules if isinstance(op := (s.payload or {}).get("operation_id"), int)
    }
    if not wanted:
        return []
    operations = session.exec(
        select(RunbookOperation).where(
            RunbookOperation.workspace_id == workspace_id,
            col(RunbookOperation.id).in_(list(wanted)),
        )
    )
    out = [
        ReminderRow(
            schedule_id=wanted[op.id].id or 0,
            due=wanted[op.id].next_due_at,
            tz=wanted[op.id].tz or "UTC",
            team_id=op.team_id,
            title=op.title,
        )
        for op in operations
        if op.id is not None and not op.scripted and not op.keep_manual_reason
    ]
    return sorted(out, key=lambda r: (r.due is None, r.due or datetime.max, r.schedule_id))
