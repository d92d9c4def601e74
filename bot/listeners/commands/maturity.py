"""``/maturity``: help and anything not understood are answered in the acknowledgement;
every other subcommand is routed by ``bot/usecases/router.py`` after it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import ephemeral, later, where_of
from bot.usecases import router


def handle_maturity(
    ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
) -> None:
    text = str(command.get("text") or "")
    usage = router.quick(text)
    if usage is not None:
        # Usage needs no database or Web API call: answer in the acknowledgement itself.
        ack(text=usage.text, blocks=usage.blocks, response_type="ephemeral")
        return
    ack()
    deps, where = deps_of(context), where_of(context, command)
    later(
        context,
        lambda: router.route(deps, client, where, text),
        ephemeral(respond),
        what=router.what(text),
    )
