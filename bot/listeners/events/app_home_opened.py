"""``app_home_opened``: publish the Home tab with the workspace's teams."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.deps import deps_of
from bot.listeners.edge import (
    later,
    where_of,
)
from bot.listeners.events.once import first_delivery_of
from bot.usecases.context import workspace_id_for
from bot.usecases.digest import build_for
from storage.db import session_scope
from storage.types import utcnow


def handle_app_home_opened(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab") != "home":
        return
    deps, where, user = deps_of(context), where_of(context, body), str(event.get("user", ""))

    def job() -> None:
        if not first_delivery_of(deps, body):
            return
        now = utcnow()
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            board = build_for(session, ws, "", "all", now, "home")
        client.views_publish(user_id=user, view=home_view(board))

    # Nobody to tell if this fails: the Home tab keeps what it showed before (logged).
    later(context, job, lambda _reply, _replace: None, what="the Home tab")
