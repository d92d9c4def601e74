"""``/maturity``: route the subcommand; help and anything unknown answer with usage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.usage import usage_blocks, usage_text
from bot.commands import parse
from bot.deps import deps_of
from bot.listeners.where import from_command
from bot.services import assessment


def handle_maturity(
    ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
) -> None:
    parsed = parse(command.get("text"))
    if parsed.name in (None, "help"):
        # Usage needs no database or Web API call: answer in the acknowledgement itself.
        not_understood = parsed.raw if parsed.name is None else None
        ack(
            text=usage_text(not_understood),
            blocks=usage_blocks(not_understood),
            response_type="ephemeral",
        )
        return
    ack()
    if parsed.name == "assess":
        reply = assessment.start(
            deps_of(context), client, from_command(command, context), parsed.rest or None
        )
        respond(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")
