"""Answers to a reminder DM: Scripted ✓ (asks for the link), Snooze 1 week, Keep it manual."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.runbook_payloads import first_id
from bot.listeners.where import from_action
from bot.services import runbook_reminders


def _message_ts(body: dict[str, Any]) -> str:
    return str(
        (body.get("container") or {}).get("message_ts")
        or (body.get("message") or {}).get("ts")
        or ""
    )


def handle_scripted(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runbook_reminders.open_scripted(
        deps_of(context),
        client,
        from_action(body, context),
        first_id(action["action_id"]),
        trigger_id=body["trigger_id"],
        message_ts=_message_ts(body),
        response_url=body.get("response_url", ""),
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
    reply = runbook_reminders.snooze(
        deps_of(context), client, from_action(body, context), first_id(action["action_id"])
    )
    respond(text=reply.text, blocks=reply.blocks or None, replace_original=True)


def handle_keep_manual(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runbook_reminders.open_keep_manual(
        deps_of(context),
        client,
        from_action(body, context),
        first_id(action["action_id"]),
        trigger_id=body["trigger_id"],
        message_ts=_message_ts(body),
        response_url=body.get("response_url", ""),
    )
