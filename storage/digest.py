"""What a digest reads: a constant number of queries per channel, whatever its team count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select as columns  # more than 4 columns (sqlmodel's select stops at 4)
from sqlmodel import Session, col, select

from conversations.digest import HISTORY_WEEKS, DeployTally, DeployTrend
from conversations.evidence import Kind
from storage.models import (
    Assessment,
    AssessmentStatus,
    CriterionEvent,
    EvidenceEvent,
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
    deploys: DeployTrend | None = None  # None: no deploy evidence in the last 12 weeks


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
    """Criterion history, level history, this week's nudges, runbook operations, the
    reminders due in the coming week and the last 12 weeks' deploys for ``teams``: 6
    queries, whatever the team count."""
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
    for team_id, trend in deploy_trends(
        session=session, workspace_id=workspace_id, team_ids=[i for i in ids if i], now=now
    ).items():
        rows[team_id].deploys = trend
    return list(rows.values())


def deploy_trends(
    *, session: Session, workspace_id: int, team_ids: list[int], now: datetime
) -> dict[int, DeployTrend]:
    """The teams' successful deploys of the last 12 weeks, a trend per team that has any
    in production: one query for all the teams, its rows streamed (five small columns each)
    and folded as they come, so memory holds counts, not events."""
    tallies: dict[int, DeployTally] = {}
    rows = session.execute(
        columns(
            col(EvidenceEvent.team_id),
            col(EvidenceEvent.environment),
            col(EvidenceEvent.source),
            col(EvidenceEvent.started_at),
            col(EvidenceEvent.finished_at),
        )
        .where(
            col(EvidenceEvent.workspace_id) == workspace_id,
            col(EvidenceEvent.team_id).in_(team_ids),
            col(EvidenceEvent.kind) == Kind.DEPLOY,
            col(EvidenceEvent.started_at) >= now - HISTORY_WEEKS * WEEK,
            col(EvidenceEvent.started_at) <= now,
            col(EvidenceEvent.succeeded).is_(True),
        )
        .execution_options(yield_per=1000)
    )
    for team_id, environment, source, started_at, finished_at in rows:
        tally = tallies.get(team_id)
        if tally is None:
            tally = tallies[team_id] = DeployTally(now)
        tally.add(
            environment=environment,
            succeeded=True,
            started_at=started_at,
            finished_at=finished_at,
            source=source,
        )
    trends = {team_id: tally.trend() for team_id, tally in tallies.items()}
    return {team_id: trend for team_id, trend in trends.items() if trend is not None}
