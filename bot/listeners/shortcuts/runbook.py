"""The message shortcut "Add steps to runbook": preview a message's steps for import."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.runbook_payloads import from_shortcut
from bot.services import runbook_import


def handle_add_steps(
    ack: Ack,
    body: dict[str, Any],
    shortcut: dict[str, Any],
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    runbook_import.from_message(
        deps_of(context),
        client,
        from_shortcut(body, context),
        trigger_id=body["trigger_id"],
        text=str((body.get("message") or {}).get("text") or ""),
        response_url=str(body.get("response_url") or ""),
    )
