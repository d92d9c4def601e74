"""The App Home tab: every team of the workspace with its level and next step's progress."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.deps import Deps
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.digest import build_for
from storage.db import read_scope
from storage.types import utcnow


def publish(deps: Deps, client: WebClient, where: Where) -> None:
    now = utcnow()
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        board = build_for(session, ws, "", "all", now, "home")
    client.views_publish(user_id=where.user_id, view=home_view(board))
