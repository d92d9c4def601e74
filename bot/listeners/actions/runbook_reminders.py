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
    target,
    where_of,
)
from bot.usecases import runbook_reminders


def _message_ts(body: dict[str, Any]) -> str:
    return str(
        (body.get("container") or {}).get("message_ts")
        or (body.get("message") or {}).get("ts")
        or ""
    )


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
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    clicked_ts = message_ts(body)

    def job() -> None:
        runbook_reminders.open_scripted(
            deps,
            client,
            where,
            op_id,
            trigger_id=trigger_id,
            message_ts=clicked_ts,
            response_url=response_url,
        )

    later(context, job, ephemeral(respond), what="marking an operation scripted")


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
        lambda: runbook_reminders.snooze(deps, client, where, op_id),
        ephemeral(respond),
        what="snoozing a reminder",
        replace=True,
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
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    clicked_ts = message_ts(body)

    def job() -> None:
        runbook_reminders.open_keep_manual(
            deps,
            client,
            where,
            op_id,
            trigger_id=trigger_id,
            message_ts=clicked_ts,
            response_url=response_url,
        )

    later(context, job, ephemeral(respond), what="keeping an operation manual")
