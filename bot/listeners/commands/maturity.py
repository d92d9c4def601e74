"""``/maturity``: route the subcommand; help and anything unknown answer with usage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.usage import usage_blocks, usage_text
from bot.deps import Deps, deps_of
from bot.listeners.edge import (
    ephemeral,
    later,
    where_of,
)
from bot.slack.answer import Answer
from bot.slack.commands import Parsed, parse
from bot.slack.ids import COMMAND
from bot.usecases import assessment, board, digest
from bot.usecases.context import Where
from bot.usecases.runbook import listing as runbook


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
    deps, where = deps_of(context), where_of(context, command)
    later(
        context,
        lambda: _route(deps, client, where, parsed),
        ephemeral(respond),
        what=f"{COMMAND} {parsed.name}",
    )


def _route(deps: Deps, client: WebClient, where: Where, parsed: Parsed) -> Answer | None:
    if parsed.name == "assess":
        return assessment.start(deps, client, where, parsed.rest or None)
    if parsed.name == "board":
        return board.show(deps, where, parsed.rest or None)
    if parsed.name == "digest":
        return _digest(deps, client, where, parsed.args)
    if parsed.name == "runbook":
        return runbook.command(deps, client, where, parsed.rest)
    return None  # pragma: no cover - every SUBCOMMANDS name is routed above


def _digest(deps: Deps, client: WebClient, where: Where, args: tuple[str, ...]) -> Answer:
    action = args[0].lower() if args else ""
    if action == "schedule":
        return digest.subscribe(deps, client, where, args[1:])
    if action == "preview":
        return digest.preview(deps, where)
    if action == "off":
        return digest.turn_off(deps, client, where)
    return Answer(
        text=f"`{COMMAND} digest` takes `schedule`, `preview` or `off`. For example: "
        f"{digest.EXAMPLE}"
    )
