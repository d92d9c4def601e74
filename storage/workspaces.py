"""Workspaces and teams. Every function takes the workspace it works in."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    Claim,
    CriterionEvent,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
    Workspace,
)
from storage.types import utcnow

TEAM_NAME_MAX = 80


def get_or_create_workspace(
    *, session: Session, slack_team_id: str, enterprise_id: str | None = None, name: str = ""
) -> Workspace:
    """The workspace row for a Slack ``team_id`` (inside ``enterprise_id`` on Grid)."""
    enterprise = enterprise_id or ""
    stmt = select(Workspace).where(
        Workspace.slack_team_id == slack_team_id, Workspace.enterprise_id == enterprise
    )
    found = session.exec(stmt).first()
    if found is not None:
        return found
    workspace = Workspace(slack_team_id=slack_team_id, enterprise_id=enterprise, name=name)
    try:
        with session.begin_nested():
            session.add(workspace)
    except IntegrityError:  # another request created it first
        return session.exec(stmt).one()
    return workspace


def name_key(name: str) -> str:
    """Case- and width-insensitive key, so "Platform" and "platform " are one team."""
    return unicodedata.normalize("NFKC", clean_team_name(name)).casefold()[:TEAM_NAME_MAX]


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»"}


def clean_team_name(name: str) -> str:
    """Whitespace collapsed, one pair of surrounding quotes dropped: ``"Platform Team"``
    and ``Platform Team`` name the same team."""
    name = " ".join(name.split())
    if len(name) >= 2 and _QUOTES.get(name[0]) == name[-1]:
        name = " ".join(name[1:-1].split())
    return name[:TEAM_NAME_MAX]


def get_team(*, session: Session, workspace_id: int, team_id: int) -> Team | None:
    return session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id)
    ).first()


def find_team_by_name(*, session: Session, workspace_id: int, name: str) -> Team | None:
    return session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.name_key == name_key(name))
    ).first()


def list_teams(*, session: Session, workspace_id: int) -> list[Team]:
    return list(
        session.exec(
            select(Team).where(Team.workspace_id == workspace_id).order_by(col(Team.name_key))
        )
    )


def find_channel_team(*, session: Session, workspace_id: int, channel_id: str) -> Team | None:
    """The channel's own team, if it has one yet."""
    return session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.channel_key == channel_id)
    ).first()


def team_names(*, session: Session, workspace_id: int) -> list[str]:
    """Every team name of the workspace, A to Z (for reading typed names against)."""
    return list(
        session.exec(
            select(Team.name).where(Team.workspace_id == workspace_id).order_by(col(Team.name_key))
        )
    )


def channel_team_name(*, session: Session, workspace_id: int, channel_name: str) -> str:
    """The name a channel's own team gets: the channel's, made distinct from a team that
    already carries it (named explicitly)."""
    base = clean_team_name(channel_name.lstrip("#"))
    name = base
    suffix = 2
    while find_team_by_name(session=session, workspace_id=workspace_id, name=name) is not None:
        name = f"{base} ({suffix})"
        suffix += 1
    return name


def ensure_channel_team(
    *,
    session: Session,
    workspace_id: int,
    channel_id: str,
    channel_name: str,
    user_id: str = "",
) -> tuple[Team, bool]:
    """The channel's own team, and whether this call created it (named after the
    channel, or ``channel_name`` as given)."""
    found = find_channel_team(session=session, workspace_id=workspace_id, channel_id=channel_id)
    if found is not None:
        return found, False
    stmt = select(Team).where(Team.workspace_id == workspace_id, Team.channel_key == channel_id)
    if not clean_team_name(channel_name.lstrip("#")):
        channel_name = channel_id
    name = channel_team_name(session=session, workspace_id=workspace_id, channel_name=channel_name)
    team = Team(
        workspace_id=workspace_id,
        name=name,
        name_key=name_key(name),
        channel_id=channel_id,
        channel_key=channel_id,
        created_by=user_id,
    )
    try:
        with session.begin_nested():
            session.add(team)
    except IntegrityError:  # created by another request (a double click) first
        return session.exec(stmt).one(), False
    return team, True


def get_or_create_channel_team(
    *, session: Session, workspace_id: int, channel_id: str, channel_name: str, user_id: str = ""
) -> Team:
    """The channel's own team, created (named after the channel) on first use."""
    team, _created = ensure_channel_team(
        session=session,
        workspace_id=workspace_id,
        channel_id=channel_id,
        channel_name=channel_name,
        user_id=user_id,
    )
    return team


def ensure_named_team(
    *, session: Session, workspace_id: int, name: str, channel_id: str | None, user_id: str = ""
) -> tuple[Team, bool]:
    """A team named explicitly, and whether this call created it."""
    cleaned = clean_team_name(name)
    if not cleaned:
        raise ValueError("a team needs a name")
    found = find_team_by_name(session=session, workspace_id=workspace_id, name=cleaned)
    if found is not None:
        return found, False
    team = Team(
        workspace_id=workspace_id,
        name=cleaned,
        name_key=name_key(cleaned),
        channel_id=channel_id,
        created_by=user_id,
    )
    try:
        with session.begin_nested():
            session.add(team)
    except IntegrityError:
        found = find_team_by_name(session=session, workspace_id=workspace_id, name=cleaned)
        assert found is not None
        return found, False
    return team, True


def get_or_create_named_team(
    *, session: Session, workspace_id: int, name: str, channel_id: str | None, user_id: str = ""
) -> Team:
    """A team named explicitly (``/maturity assess <team name>``)."""
    team, _created = ensure_named_team(
        session=session,
        workspace_id=workspace_id,
        name=name,
        channel_id=channel_id,
        user_id=user_id,
    )
    return team


# ------------------------------------------------------------------ install and uninstall


def _workspace_row(
    session: Session, slack_team_id: str, enterprise_id: str | None
) -> Workspace | None:
    return session.exec(
        select(Workspace).where(
            Workspace.slack_team_id == slack_team_id,
            Workspace.enterprise_id == (enterprise_id or ""),
        )
    ).first()


def mark_uninstalled(
    *, session: Session, slack_team_id: str, enterprise_id: str | None, at: datetime
) -> int | None:
    """Record that the app left the workspace; its id, or None when we never knew it."""
    row = _workspace_row(session, slack_team_id, enterprise_id)
    if row is None:
        return None
    if row.uninstalled_at is None:
        row.uninstalled_at = at
        session.add(row)
    return row.id


def mark_installed(*, session: Session, slack_team_id: str, enterprise_id: str | None) -> None:
    """The app is (back) in the workspace: its data is no longer due for deletion."""
    row = _workspace_row(session, slack_team_id, enterprise_id)
    if row is not None and row.uninstalled_at is not None:
        row.uninstalled_at = None
        session.add(row)


def uninstalled_before(*, session: Session, cutoff: datetime) -> list[int]:
    """Workspaces uninstalled before ``cutoff``: their data is due for deletion."""
    return [
        int(i)
        for i in session.exec(
            select(Workspace.id).where(
                col(Workspace.uninstalled_at).is_not(None),
                col(Workspace.uninstalled_at) < cutoff,
            )
        )
        if i is not None
    ]


def _tables_keyed_by(column: str, parent: str) -> list[Table]:
    """Every table with ``column`` referencing ``parent``.id, children before parents (so
    deleting in this order never trips a foreign key). Read from the models, so a table
    added later is covered without touching this."""
    out = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        key = table.c.get(column)
        if key is not None and any(fk.column.table.name == parent for fk in key.foreign_keys):
            out.append(table)
    return out


def purge_workspace(*, session: Session, workspace_id: int) -> dict[str, int]:
    """Delete everything kept for one workspace (teams, check-ins, the criteria board and
    its history, nudges, schedules and their claims, runbooks, imports — every table keyed
    by the workspace — and the workspace row); how many rows went from each table.

    Installed tokens live in slack_sdk's own tables, keyed by Slack's ids: they are the
    installation store's to delete (``delete_all``)."""
    schedule_ids = select(Schedule.id).where(Schedule.workspace_id == workspace_id)
    deleted: dict[str, int] = {}
    steps: list[tuple[str, Any]] = [
        ("claims", delete(Claim).where(col(Claim.schedule_id).in_(schedule_ids))),
    ]
    for table in _tables_keyed_by("workspace_id", "workspaces"):
        steps.append((table.name, delete(table).where(table.c.workspace_id == workspace_id)))
    steps.append(("workspaces", delete(Workspace).where(col(Workspace.id) == workspace_id)))
    for name, statement in steps:
        result = session.execute(statement.execution_options(synchronize_session=False))
        deleted[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted


# ------------------------------------------------------------------ teams as people manage them


class TeamNameTaken(Exception):
    """Another team of the workspace already has the name (``name``: that team's)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class ChannelTaken(Exception):
    """Another team already is the channel's own team (``name``: that team's)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def count_teams(*, session: Session, workspace_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Team).where(Team.workspace_id == workspace_id)
        ).one()
    )


def teams_page(*, session: Session, workspace_id: int, offset: int, limit: int) -> list[Team]:
    """One page of the workspace's teams, A to Z."""
    return list(
        session.exec(
            select(Team)
            .where(Team.workspace_id == workspace_id)
            .order_by(col(Team.name_key), col(Team.id))
            .offset(max(0, offset))
            .limit(limit)
        )
    )


def last_changes(
    *, session: Session, workspace_id: int, team_ids: list[int]
) -> dict[int, datetime]:
    """When each team's board last changed: its newest criterion change or finished
    check-in (teams with neither are left out). Two grouped queries, whatever the count."""
    if not team_ids:
        return {}
    out: dict[int, datetime] = {}
    queries = (
        select(CriterionEvent.team_id, func.max(CriterionEvent.created_at))
        .where(
            CriterionEvent.workspace_id == workspace_id,
            col(CriterionEvent.team_id).in_(team_ids),
        )
        .group_by(col(CriterionEvent.team_id)),
        select(Assessment.team_id, func.max(Assessment.completed_at))
        .where(
            Assessment.workspace_id == workspace_id,
            col(Assessment.team_id).in_(team_ids),
            Assessment.status == AssessmentStatus.COMPLETED,
        )
        .group_by(col(Assessment.team_id)),
    )
    for query in queries:
        for team_id, at in session.exec(query):
            if at is None:
                continue
            if team_id not in out or at > out[team_id]:
                out[team_id] = at
    return out


def set_owners(
    *, session: Session, workspace_id: int, team_id: int, owners: list[str]
) -> Team | None:
    """Make ``owners`` (Slack user ids, in this order, once each) the team's owners."""
    team = get_team(session=session, workspace_id=workspace_id, team_id=team_id)
    if team is None:
        return None
    team.owners = list(dict.fromkeys(owners))
    team.updated_at = utcnow()
    session.add(team)
    return team


def rename_team(*, session: Session, workspace_id: int, team_id: int, name: str) -> Team | None:
    """Give the team a new name (cleaned like every team name); digests that name the
    team follow it. Raises :class:`TeamNameTaken` when another team has that name."""
    team = get_team(session=session, workspace_id=workspace_id, team_id=team_id)
    if team is None:
        return None
    cleaned = clean_team_name(name)
    if not cleaned:
        raise ValueError("a team needs a name")
    other = find_team_by_name(session=session, workspace_id=workspace_id, name=cleaned)
    if other is not None and other.id != team.id:
        raise TeamNameTaken(other.name)
    old_key = team.name_key
    team.name, team.name_key, team.updated_at = cleaned, name_key(cleaned), utcnow()
    try:
        with session.begin_nested():
            session.add(team)
    except IntegrityError:  # another request took the name first
        raise TeamNameTaken(cleaned) from None
    _rename_in_digests(session, workspace_id, old_key, cleaned)
    return team


def _rename_in_digests(session: Session, workspace_id: int, old_key: str, new: str) -> None:
    digests = session.exec(
        select(Schedule).where(
            Schedule.workspace_id == workspace_id, Schedule.kind == ScheduleKind.DIGEST
        )
    )
    for schedule in digests:
        teams = (schedule.payload or {}).get("teams")
        if not isinstance(teams, list) or old_key not in [name_key(str(t)) for t in teams]:
            continue
        renamed = [new if name_key(str(t)) == old_key else t for t in teams]
        schedule.payload = {**schedule.payload, "teams": renamed}
        session.add(schedule)


def move_team(*, session: Session, workspace_id: int, team_id: int, channel_id: str) -> Team | None:
    """Make ``channel_id`` the team's channel — where it is announced, and the team a
    command there means when it names none. Raises :class:`ChannelTaken` when the channel
    already has a team of its own."""
    team = get_team(session=session, workspace_id=workspace_id, team_id=team_id)
    if team is None:
        return None
    other = find_channel_team(session=session, workspace_id=workspace_id, channel_id=channel_id)
    if other is not None and other.id != team.id:
        raise ChannelTaken(other.name)
    team.channel_id, team.channel_key, team.updated_at = channel_id, channel_id, utcnow()
    try:
        with session.begin_nested():
            session.add(team)
    except IntegrityError:
        raise ChannelTaken("") from None
    return team


def team_row_counts(*, session: Session, workspace_id: int, team_id: int) -> dict[str, int]:
    """How many rows each table keeps about the team (what deleting it removes)."""
    counts: dict[str, int] = {}
    for table in _tables_keyed_by("team_id", "teams"):
        where = table.c.team_id == team_id
        if "workspace_id" in table.c:
            where = where & (table.c.workspace_id == workspace_id)
        counts[table.name] = int(
            session.execute(select(func.count()).select_from(table).where(where)).scalar_one()
        )
    return counts


def delete_team(*, session: Session, workspace_id: int, team_id: int) -> dict[str, int] | None:
    """Delete the team and everything kept about it (check-ins, board and history, level
    changes, nudges, runbook, imports — every table keyed by the team — and the reminders
    and announcements about it); how many rows went from each table, or None when the
    workspace has no such team."""
    team = get_team(session=session, workspace_id=workspace_id, team_id=team_id)
    if team is None:
        return None
    deleted: dict[str, int] = {}
    reminders = _schedules_about(session, workspace_id, team_id)
    steps: list[tuple[str, Any]] = []
    if reminders:
        steps += [
            ("claims", delete(Claim).where(col(Claim.schedule_id).in_(reminders))),
            ("schedules", delete(Schedule).where(col(Schedule.id).in_(reminders))),
        ]
    for table in _tables_keyed_by("team_id", "teams"):
        where = table.c.team_id == team_id
        if "workspace_id" in table.c:
            where = where & (table.c.workspace_id == workspace_id)
        steps.append((table.name, delete(table).where(where)))
    steps.append(
        (
            "teams",
            delete(Team).where(col(Team.workspace_id) == workspace_id, col(Team.id) == team_id),
        )
    )
    for name, statement in steps:
        result = session.execute(statement.execution_options(synchronize_session=False))
        deleted[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    session.expunge(team)
    return deleted


def _schedules_about(session: Session, workspace_id: int, team_id: int) -> list[int]:
    """The one-off schedules about the team: reminders about its runbook operations, and
    anything else whose payload names the team (a digest names teams by name, and is left
    alone: it covers other teams too)."""
    operations = set(
        session.exec(
            select(RunbookOperation.id).where(
                RunbookOperation.workspace_id == workspace_id, RunbookOperation.team_id == team_id
            )
        )
    )
    rows = session.exec(
        select(Schedule.id, Schedule.kind, Schedule.payload).where(
            Schedule.workspace_id == workspace_id, Schedule.kind != ScheduleKind.DIGEST
        )
    )
    out = []
    for schedule_id, kind, payload in rows:
        payload = payload or {}
        about = payload.get("team_id") == team_id or (
            kind == ScheduleKind.REMINDER and payload.get("operation_id") in operations
        )
        if about and schedule_id is not None:
            out.append(schedule_id)
    return out


def workspace_row_counts(*, session: Session, workspace_id: int) -> dict[str, int]:
    """How many rows each table keeps for the workspace (what deleting it removes), parents
    first."""
    counts: dict[str, int] = {}
    for table in reversed(_tables_keyed_by("workspace_id", "workspaces")):
        counts[table.name] = int(
            session.execute(
                select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)
            ).scalar_one()
        )
    return counts
