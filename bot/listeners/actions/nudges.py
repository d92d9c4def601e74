"""Dismissing a nudge: it leaves the message and stays quiet for its cooldown."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.where import from_action, id_suffix
from bot.services import nudges


def handle_dismiss(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    message = body.get("message") or {}
    reply = nudges.dismiss(
        deps_of(context),
        client,
        from_action(body, context),
        record_id=id_suffix(action["action_id"]),
        block_id=action.get("block_id", ""),
        message_ts=(body.get("container") or {}).get("message_ts") or message.get("ts", ""),
        blocks=message.get("blocks") or [],
        text=message.get("text", ""),
    )
    respond(text=reply.text, response_type="ephemeral", replace_original=False)
