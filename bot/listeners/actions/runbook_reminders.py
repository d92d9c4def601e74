"""Answers to a reminder DM: Scripted ✓ (asks for the link), Snooze 1 week, Keep it manual."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    ephemeral,
    later,
    message_ts,
    response_url_of,
    target,
    trigger_of,
    where_of,
)
from bot.usecases.runbook import reminders


def handle_scripted(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    ts, response_url = message_ts(body), response_url_of(body)
    later(
        context,
        lambda: reminders.open_scripted(
            deps, client, where, op_id, message_ts=ts, response_url=response_url
        ),
        ephemeral(respond, client, trigger_of(body)),
        what="marking an operation scripted",
    )


def handle_snooze(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: reminders.snooze(deps, client, where, op_id),
        ephemeral(respond),
        what="snoozing a reminder",
    )


def handle_keep_manual(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    ts, response_url = message_ts(body), response_url_of(body)
    later(
        context,
        lambda: reminders.open_keep_manual(
            deps, client, where, op_id, message_ts=ts, response_url=response_url
        ),
        ephemeral(respond, client, trigger_of(body)),
        what="keeping an operation manual",
    )
