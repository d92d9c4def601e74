"""Buttons that carry a typed command on: *Create team “general”* (asked before a team is
created from a channel's name) and *Run …* / *Use “Payments”* (after a near miss)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import ephemeral, later, trigger_of, where_of
from bot.usecases import router


def handle_create(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, value = deps_of(context), where_of(context, body), str(action.get("value") or "")
    later(
        context,
        lambda: router.create_and_run(deps, client, where, value),
        ephemeral(respond, client, trigger_of(body)),
        what="creating a team",
    )


def handle_run(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, value = deps_of(context), where_of(context, body), str(action.get("value") or "")
    later(
        context,
        lambda: router.run(deps, client, where, value),
        ephemeral(respond, client, trigger_of(body)),
        what=router.what(value),
    )
