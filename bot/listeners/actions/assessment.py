"""Clicks in a check-in: answers, resume/restart, share."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.where import from_action, id_suffix
from bot.services import assessment
from bot.services.assessment import Reply


def _tell(respond: Respond, reply: Reply | None) -> None:
    if reply is not None and reply.text:
        respond(
            text=reply.text,
            blocks=reply.blocks or None,
            response_type="ephemeral",
            replace_original=False,
        )


def handle_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = assessment.answer(
        deps_of(context),
        client,
        from_action(body, context),
        id_suffix(action["action_id"]),
        action["block_id"],
        action.get("value", ""),
    )
    _tell(respond, reply)


def handle_resume(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = assessment.resume(
        deps_of(context), client, from_action(body, context), id_suffix(action["action_id"])
    )
    respond(text=reply.text, response_type="ephemeral", replace_original=True)


def handle_restart(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = assessment.restart(
        deps_of(context), client, from_action(body, context), id_suffix(action["action_id"])
    )
    respond(text=reply.text, response_type="ephemeral", replace_original=True)


def handle_share(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = assessment.share(
        deps_of(context), client, from_action(body, context), id_suffix(action["action_id"])
    )
    _tell(respond, reply)
