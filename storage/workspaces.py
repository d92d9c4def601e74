"""Workspaces and teams. Every function takes the workspace it works in."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import (
    Assessment,
    Claim,
    CriterionEvent,
    CriterionStatus,
    NudgeRecord,
    RunbookImport,
    RunbookOperation,
    Schedule,
    Team,
    Workspace,
)

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


def purge_workspace(*, session: Session, workspace_id: int) -> dict[str, int]:
    """Delete everything kept for one workspace (teams, check-ins, the criteria board and
    its history, nudges, schedules and their claims, runbooks, imports, the workspace row);
    how many rows went from each table."""
    schedule_ids = select(Schedule.id).where(Schedule.workspace_id == workspace_id)
    deleted: dict[str, int] = {}
    steps: list[tuple[str, Any]] = [
        ("claims", delete(Claim).where(col(Claim.schedule_id).in_(schedule_ids))),
        ("schedules", delete(Schedule).where(col(Schedule.workspace_id) == workspace_id)),
    ]
    for model in (
        RunbookImport,
        RunbookOperation,
        NudgeRecord,
        CriterionEvent,
        CriterionStatus,
        Assessment,
        Team,
    ):
        steps.append(
            (str(model.__tablename__), delete(model).where(col(model.workspace_id) == workspace_id))
        )
    steps.append(("workspaces", delete(Workspace).where(col(Workspace.id) == workspace_id)))
    for name, statement in steps:
        result = session.execute(statement.execution_options(synchronize_session=False))
        deleted[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted
