"""What a digest reads: a constant number of queries per channel, whatever its team count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    CriterionEvent,
    NudgeRecord,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
)
from storage.workspaces import name_key

WEEK = timedelta(days=7)


@dataclass
class TeamRows:
    team: Team
    events: list[tuple[str, str, datetime]] = field(default_factory=list)
    levels: list[tuple[int, datetime]] = field(default_factory=list)
    nudges: list[str] = field(default_factory=list)
    latest_answers: dict[str, str] = field(default_factory=dict)  # the latest check-in's
    operations: list[RunbookOperation] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)  # titles of reminders due soon


def teams_for_digest(
    *, session: Session, workspace_id: int, spec: str | list[str], channel_id: str
) -> list[Team]:
    """The teams a digest covers: the channel's own (``"channel"``), ``"all"``, or names."""
    stmt = select(Team).where(Team.workspace_id == workspace_id)
    if spec == "channel":
        stmt = stmt.where(Team.channel_id == channel_id)
    elif spec != "all":
        stmt = stmt.where(col(Team.name_key).in_([name_key(n) for n in spec]))
    return list(session.exec(stmt.order_by(col(Team.name_key))))


def digest_rows(
    *, session: Session, workspace_id: int, teams: list[Team], now: datetime
) -> list[TeamRows]:
    """Criterion history, level history, this week's nudges, runbook operations and the
    reminders due in the coming week for ``teams``: 5 queries, whatever the team count."""
    rows = {t.id: TeamRows(team=t) for t in teams}
    ids = list(rows)
    if not ids:
        return []
    for team_id, cid, status, at in session.exec(
        select(
            CriterionEvent.team_id,
            CriterionEvent.criterion_id,
            CriterionEvent.status,
            CriterionEvent.created_at,
        ).where(CriterionEvent.workspace_id == workspace_id, col(CriterionEvent.team_id).in_(ids))
    ):
        rows[team_id].events.append((cid, status, at))
    latest: dict[int, datetime] = {}
    for team_id, level, done, answers in session.exec(
        select(
            Assessment.team_id, Assessment.result_level, Assessment.completed_at, Assessment.answers
        ).where(
            Assessment.workspace_id == workspace_id,
            col(Assessment.team_id).in_(ids),
            Assessment.status == AssessmentStatus.COMPLETED,
        )
    ):
        if level is not None and done is not None:
            rows[team_id].levels.append((level, done))
            if team_id not in latest or done > latest[team_id]:
                latest[team_id] = done
                rows[team_id].latest_answers = dict(answers or {})
    for row in rows.values():
        # A level set outside a check-in (e.g. evidence that moved a criterion) has no
        # check-in row: date it by the team's last change, so the digest sees it move.
        levels = row.levels
        last = max(levels, key=lambda lv: lv[1]) if levels else None
        if row.team.level is not None and (last is None or last[0] != row.team.level):
            at = row.team.updated_at
            if last is not None and at <= last[1]:
                at = last[1] + timedelta(microseconds=1)
            levels.append((row.team.level, at))
    titles: dict[int, str] = {}
    for op in session.exec(
        select(RunbookOperation).where(
            RunbookOperation.workspace_id == workspace_id, col(RunbookOperation.team_id).in_(ids)
        )
    ):
        rows[op.team_id].operations.append(op)
        titles[op.id or 0] = op.title
    for schedule in session.exec(
        select(Schedule).where(
            Schedule.workspace_id == workspace_id,
            Schedule.kind == ScheduleKind.REMINDER,
            col(Schedule.active).is_(True),
            col(Schedule.next_due_at) >= now,
            col(Schedule.next_due_at) < now + WEEK,
        )
    ):
        payload = schedule.payload or {}
        owner, op_id = payload.get("team_id"), payload.get("operation_id")
        title = titles.get(op_id) if isinstance(op_id, int) else None
        if owner in rows and title and title not in rows[owner].reminders:
            rows[owner].reminders.append(title)
    by_team: dict[int, list[str]] = defaultdict(list)
    for team_id, rule in session.exec(
        select(NudgeRecord.team_id, NudgeRecord.rule_id)
        .where(
            NudgeRecord.workspace_id == workspace_id,
            col(NudgeRecord.team_id).in_(ids),
            col(NudgeRecord.created_at) >= now - WEEK,
        )
        .order_by(col(NudgeRecord.created_at))
    ):
        by_team[team_id].append(rule)
    for team_id, rules in by_team.items():
        rows[team_id].nudges = rules
    return list(rows.values())
