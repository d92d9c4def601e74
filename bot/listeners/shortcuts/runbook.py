"""The message shortcut "Add steps to runbook": preview a message's steps for import."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    dm_or_response_url,
    later,
    where_of,
)
from bot.usecases import runbook_import


def handle_add_steps(
    ack: Ack,
    body: dict[str, Any],
    shortcut: dict[str, Any],
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    text = str((body.get("message") or {}).get("text") or "")

    def job() -> None:
        runbook_import.from_message(
            deps, client, where, trigger_id=trigger_id, text=text, response_url=response_url
        )

    later(
        context,
        job,
        dm_or_response_url(client, where.user_id, response_url),
        what="adding steps from a message",
    )
