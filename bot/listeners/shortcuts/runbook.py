"""The message shortcut "Add steps to runbook": preview a message's steps for import."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    dm_or_response_url,
    later,
    response_url_of,
    trigger_of,
    where_of,
)
from bot.usecases.runbook import importing


def handle_add_steps(
    ack: Ack,
    body: dict[str, Any],
    shortcut: dict[str, Any],
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    text = str((body.get("message") or {}).get("text") or "")
    response_url = response_url_of(body)
    later(
        context,
        lambda: importing.from_message(deps, where, text=text, response_url=response_url),
        dm_or_response_url(client, where.user_id, response_url, trigger_of(body)),
        what="adding steps from a message",
    )
