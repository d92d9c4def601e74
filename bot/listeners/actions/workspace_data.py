"""*Delete everything*: a workspace admin confirming that everything the bot keeps for the
workspace goes (checked again at the click)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import ephemeral, later, where_of
from bot.usecases import workspace_data


def handle_delete_confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    issued = str(action.get("value") or "")
    later(
        context,
        lambda: workspace_data.delete_confirmed(deps, client, where, issued),
        ephemeral(respond),
        what="deleting a workspace's data",
    )
