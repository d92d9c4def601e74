"""``app_home_opened``: publish the Home tab with the workspace's teams."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.deps import deps_of
from bot.workspace import workspace_for
from storage.db import session_scope
from storage.workspaces import list_teams


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    deps = deps_of(context)
    with session_scope(deps.engine) as session:
        workspace = workspace_for(session, context)
        teams = list_teams(session=session, workspace_id=workspace.id)
    client.views_publish(user_id=event["user"], view=home_view(teams))
