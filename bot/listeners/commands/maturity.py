"""``/maturity``: route the subcommand; help and anything unknown answer with usage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.blocks.usage import usage_blocks, usage_text
from bot.commands import parse


def handle_maturity(
    ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext
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
    respond(
        text="That part of maturity-bot is not switched on yet.",
        response_type="ephemeral",
    )
