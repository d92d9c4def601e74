"""Clicks on an import preview card: review (the modal), import all as guessed, cancel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    action_key,
    ephemeral,
    later,
    response_url_of,
    trigger_of,
    where_of,
)
from bot.usecases.runbook import importing


def handle_review(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Review and import: the preview modal, to adjust each step's frequency."""
    ack()
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    response_url = response_url_of(body)
    later(
        context,
        lambda: importing.review(deps, where, key, response_url=response_url),
        ephemeral(respond, client, trigger_of(body)),
        what="reviewing an import",
    )


def handle_import_all(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Import all as guessed: the list, in place of the card."""
    ack()
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    later(
        context,
        lambda: importing.confirm(deps, where, key, replace=True),
        ephemeral(respond),
        what="importing a runbook",
    )


def handle_cancel(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where, key = deps_of(context), where_of(context, body), action_key(action)
    later(
        context,
        lambda: importing.cancel(deps, where, key),
        ephemeral(respond),
        what="cancelling an import",
    )
