"""``/maturity``: route the subcommand; help and anything unknown answer with usage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.usage import usage_blocks, usage_text
from bot.commands import parse
from bot.deps import Deps, deps_of
from bot.ids import COMMAND
from bot.listeners.where import from_command
from bot.services import assessment, board, digest, runbook
from bot.services.context import Reply, Where


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
    deps, where = deps_of(context), from_command(command, context)
    if parsed.name == "assess":
        reply = assessment.start(deps, client, where, parsed.rest or None)
    elif parsed.name == "board":
        reply = board.show(deps, where, parsed.rest or None)
    elif parsed.name == "digest":
        reply = _digest(deps, client, where, parsed.args)
    elif parsed.name == "runbook":
        reply = runbook.command(deps, client, where, parsed.rest)
    else:  # pragma: no cover - every SUBCOMMANDS name is routed above
        return
    respond(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")


def _digest(deps: Deps, client: WebClient, where: Where, args: tuple[str, ...]) -> Reply:
    action = args[0].lower() if args else ""
    if action == "schedule":
        return digest.subscribe(deps, client, where, args[1:])
    if action == "preview":
        return digest.preview(deps, where)
    if action == "off":
        return digest.turn_off(deps, client, where)
    return Reply(
        text=f"`{COMMAND} digest` takes `schedule`, `preview` or `off`. For example: "
        f"{digest.EXAMPLE}"
    )
