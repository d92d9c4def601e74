"""Clicks on an import preview: review (the modal), import all as guessed, cancel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.where import from_action
from bot.services import runbook_import


def _key(action: dict[str, Any]) -> str:
    return str(action.get("value") or action["action_id"].partition(":")[2])


def handle_review(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = runbook_import.review(
        deps_of(context),
        client,
        from_action(body, context),
        _key(action),
        trigger_id=body["trigger_id"],
        response_url=body.get("response_url", ""),
    )
    if reply is not None:
        respond(text=reply.text, response_type="ephemeral", replace_original=False)


def handle_import_all(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    reply = runbook_import.confirm(deps_of(context), from_action(body, context), _key(action))
    respond(text=reply.text, blocks=reply.blocks or None, replace_original=True)


def handle_cancel(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    reply = runbook_import.cancel(deps_of(context), from_action(body, context), _key(action))
    respond(text=reply.text, replace_original=True)
