"""What a digest reads: a constant number of queries per channel, whatever its team count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Assessment, AssessmentStatus, CriterionEvent, NudgeRecord, Team
from storage.workspaces import name_key


@dataclass
class TeamRows:
    team: Team
    events: list[tuple[str, str, datetime]] = field(default_factory=list)
    levels: list[tuple[int, datetime]] = field(default_factory=list)
    nudges: list[str] = field(default_factory=list)


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
    *, session: Session, workspace_id: int, teams: list[Team], nudges_since: datetime
) -> list[TeamRows]:
    """Criterion history, level history and this week's nudges for ``teams``: 3 queries."""
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
    for team_id, level, done in session.exec(
        select(Assessment.team_id, Assessment.result_level, Assessment.completed_at).where(
            Assessment.workspace_id == workspace_id,
            col(Assessment.team_id).in_(ids),
            Assessment.status == AssessmentStatus.COMPLETED,
        )
    ):
        if level is not None and done is not None:
            rows[team_id].levels.append((level, done))
    by_team: dict[int, list[str]] = defaultdict(list)
    for team_id, rule in session.exec(
        select(NudgeRecord.team_id, NudgeRecord.rule_id)
        .where(
            NudgeRecord.workspace_id == workspace_id,
            col(NudgeRecord.team_id).in_(ids),
            col(NudgeRecord.created_at) >= nudges_since,
        )
        .order_by(col(NudgeRecord.created_at))
    ):
        by_team[team_id].append(rule)
    for team_id, rules in by_team.items():
        rows[team_id].nudges = rules
    return list(rows.values())
