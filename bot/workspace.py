"""Which workspace a request belongs to: every database call is keyed by it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage.models import Workspace
from storage.workspaces import get_or_create_workspace


def workspace_for(session: Session, context: Any) -> Workspace:
    """The workspace row for the Slack team (and Grid org) of this request."""
    team_id = context.get("team_id") or context.get("user_team_id") or ""
    enterprise_id = context.get("enterprise_id") or None
    if not team_id and enterprise_id:
        team_id = enterprise_id  # an org-wide install acting outside any single workspace
    if not team_id:
        raise ValueError("request carries no team id")
    return get_or_create_workspace(
        session=session, slack_team_id=team_id, enterprise_id=enterprise_id
    )
