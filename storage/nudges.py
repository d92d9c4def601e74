"""Nudges shown to teams: recorded so they can be counted, dismissed and cooled down."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from conversations.nudges import NudgeAnswer as Outcome
from conversations.nudges import OperationState, TeamState
from storage.models import (
    Assessment,
    AssessmentStatus,
    CriterionStatus,
    NudgeRecord,
    RunbookOperation,
    Team,
    Workspace,
)
from storage.types import utcnow


def record_nudge(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    rule_id: str,
    source: str,
    subject: str = "",
    at: datetime | None = None,
    fingerprint: str = "",
    channel_id: str = "",
) -> NudgeRecord:
    row = NudgeRecord(
        workspace_id=workspace_id,
        team_id=team_id,
        rule_id=rule_id,
        source=source,
        subject=subject[:255],
        created_at=at or utcnow(),
        fingerprint=fingerprint[:255],
        channel_id=channel_id,
    )
    session.add(row)
    session.flush()
    return row


def dismiss_nudge(
    *, session: Session, workspace_id: int, nudge_id: int, user_id: str
) -> NudgeRecord | None:
    row = session.exec(
        select(NudgeRecord).where(
            NudgeRecord.workspace_id == workspace_id, NudgeRecord.id == nudge_id
        )
    ).first()
    if row is None:
        return None
    if row.dismissed_at is None:
        row.dismissed_at = utcnow()
        row.dismissed_by = user_id
        session.add(row)
    return row


def recently_dismissed(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    rule_id: str,
    cooldown: timedelta,
    now: datetime | None = None,
) -> bool:
    """True while a dismissal of this rule for this team is within its cooldown."""
    since = (now or utcnow()) - cooldown
    row = session.exec(
        select(NudgeRecord.id).where(
            NudgeRecord.workspace_id == workspace_id,
            NudgeRecord.team_id == team_id,
            NudgeRecord.rule_id == rule_id,
            col(NudgeRecord.dismissed_at) >= since,
        )
    ).first()
    return row is not None


# ------------------------------------------------------------------ issue 14: delivery

CHANNEL_SOURCE = "channel"  # a nudge posted in the team's channel (the daily message)


def team_states(
    *, session: Session, workspace_id: int, teams: Sequence[Team], now: datetime
) -> dict[int, TeamState]:
    """The rules' view of ``teams`` (each with its board, latest facts, target, runbook):
    four queries whatever the number of teams."""
    ids = [t.id for t in teams if t.id is not None]
    if not ids:
        return {}
    boards: dict[int, list[CriterionStatus]] = defaultdict(list)
    for row in session.exec(
        select(CriterionStatus).where(
            CriterionStatus.workspace_id == workspace_id,
            col(CriterionStatus.team_id).in_(ids),
        )
    ):
        boards[row.team_id].append(row)
    # The latest answer to each fact (a later check-in that skipped it does not forget it).
    facts: dict[int, dict[str, str]] = defaultdict(dict)
    for team_id, answers in session.exec(
        select(Assessment.team_id, Assessment.answers)
        .where(
            Assessment.workspace_id == workspace_id,
            col(Assessment.team_id).in_(ids),
            Assessment.status == AssessmentStatus.COMPLETED,
        )
        .order_by(col(Assessment.completed_at).desc(), col(Assessment.id).desc())
    ):
        known = facts[team_id]
        for key, value in (answers or {}).items():
            if key.startswith(FACT_PREFIXES) and key not in known and value and value != "skip":
                known[key] = str(value)
    ops: dict[int, list[OperationState]] = defaultdict(list)
    for op in session.exec(
        select(RunbookOperation)
        .where(
            RunbookOperation.workspace_id == workspace_id,
            col(RunbookOperation.team_id).in_(ids),
        )
        .order_by(col(RunbookOperation.id))
    ):
        assert op.id is not None
        ops[op.team_id].append(
            OperationState(
                op.id,
                op.title,
                scripted=op.scripted,
                broken_fails=op.broken_fails,
                broken_differs=op.broken_differs,
                kept_manual=bool(op.keep_manual_reason),
                owner=op.owner,
            )
        )
    out: dict[int, TeamState] = {}
    for team in teams:
        if team.id is None:
            continue
        rows = boards.get(team.id, [])
        out[team.id] = TeamState(
            now=now,
            statuses={r.criterion_id: r.status for r in rows},
            values={r.criterion_id: r.value for r in rows},
            confirmed_at={r.criterion_id: r.updated_at for r in rows},
            facts=facts.get(team.id, {}),
            target=team.target_level,
            operations=tuple(ops.get(team.id, [])),
        )
    return out


FACT_PREFIXES = ("context.", "culture.", "prereq.")


def quiet_fingerprints(
    *,
    session: Session,
    workspace_id: int,
    team_ids: Collection[int],
    now: datetime,
    cooldown: timedelta,
) -> dict[int, set[str]]:
    """Per team, the fingerprints that must not be raised now: shown within ``cooldown``,
    or answered *Not relevant* / *Remind me later* and still quiet. The newest record of a
    fingerprint decides (a snooze that ran out lets it back, cooldown or not). One query."""
    if not team_ids:
        return {}
    rows = session.exec(
        select(NudgeRecord)
        .where(
            NudgeRecord.workspace_id == workspace_id,
            col(NudgeRecord.team_id).in_(list(team_ids)),
            NudgeRecord.fingerprint != "",
            or_(
                col(NudgeRecord.created_at) >= now - cooldown,
                col(NudgeRecord.quiet_until) > now,
            ),
        )
        .order_by(col(NudgeRecord.created_at).desc(), col(NudgeRecord.id).desc())
    )
    out: dict[int, set[str]] = defaultdict(set)
    seen: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.team_id, row.fingerprint)
        if key in seen:
            continue
        seen.add(key)
        if row.quiet_until is not None:
            quiet = row.quiet_until > now
        else:
            quiet = row.created_at >= now - cooldown
        if quiet:
            out[row.team_id].add(row.fingerprint)
    return dict(out)


def suppressed_fingerprints(
    *, session: Session, workspace_id: int, team_id: int, now: datetime
) -> set[str]:
    """Fingerprints the team said are not relevant, or to raise later, still quiet."""
    rows = session.exec(
        select(NudgeRecord.fingerprint).where(
            NudgeRecord.workspace_id == workspace_id,
            NudgeRecord.team_id == team_id,
            NudgeRecord.fingerprint != "",
            col(NudgeRecord.quiet_until) > now,
        )
    )
    return set(rows)


def channel_nudges_since(
    *, session: Session, workspace_id: int, team_id: int, since: datetime
) -> list[NudgeRecord]:
    """The team's channel nudges recorded since ``since`` (a day's message), oldest first."""
    return list(
        session.exec(
            select(NudgeRecord)
            .where(
                NudgeRecord.workspace_id == workspace_id,
                NudgeRecord.team_id == team_id,
                NudgeRecord.source == CHANNEL_SOURCE,
                col(NudgeRecord.created_at) >= since,
            )
            .order_by(col(NudgeRecord.id))
        )
    )


def answer_nudge(
    *,
    session: Session,
    workspace_id: int,
    nudge_id: int,
    user_id: str,
    outcome: Outcome,
    quiet_until: datetime | None,
    reason: str = "",
    now: datetime | None = None,
) -> NudgeRecord | None:
    """Record the team's answer to a channel nudge (the latest answer wins)."""
    row = session.exec(
        select(NudgeRecord).where(
            NudgeRecord.workspace_id == workspace_id, NudgeRecord.id == nudge_id
        )
    ).first()
    if row is None:
        return None
    row.outcome = outcome.value
    row.quiet_until = quiet_until
    row.dismissed_at = row.dismissed_at or now or utcnow()
    row.dismissed_by = user_id
    if reason:
        row.reason = reason[:500]
    session.add(row)
    return row


def installed_workspaces(*, session: Session) -> list[int]:
    """The ids of the workspaces the app is installed in (the weekly pass's)."""
    return [
        ws
        for ws in session.exec(select(Workspace.id).where(col(Workspace.uninstalled_at).is_(None)))
        if ws is not None
    ]
