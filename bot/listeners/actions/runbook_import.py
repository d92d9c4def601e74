"""Clicks on an import preview: review (the modal), import all as guessed, cancel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    action_key,
    ephemeral,
    later,
    where_of,
)
from bot.usecases import runbook_import


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
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    later(
        context,
        lambda: runbook_import.review(
            deps, client, where, key, trigger_id=trigger_id, response_url=response_url
        ),
        ephemeral(respond),
        what="reviewing an import",
    )


def handle_import_all(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    later(
        context,
        lambda: runbook_import.confirm(deps, where, key),
        ephemeral(respond),
        what="importing a runbook",
        replace=True,
    )


def handle_cancel(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    later(
        context,
        lambda: runbook_import.cancel(deps, where, key),
        ephemeral(respond),
        what="cancelling an import",
        replace=True,
    )
