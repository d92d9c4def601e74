"""Direct messages to the bot: a typed answer to the open check-in's current question,
or else a pointer to what the bot can do."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.ids import COMMAND
from bot.listeners.where import from_event
from bot.services import assessment
from bot.services.context import Reply

MAX_TYPED = 500


def handle_message_im(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    where = from_event(event, context)
    text = str(event.get("text") or "")[:MAX_TYPED]
    reply = assessment.typed_answer(deps_of(context), client, where, text)
    if reply is None:
        reply = Reply(
            text=f"I mostly talk through buttons. Try `{COMMAND} assess` in your team's channel "
            f"to check in, or `{COMMAND} help` to see everything I can do."
        )
    if reply.text:
        client.chat_postMessage(channel=event["channel"], text=reply.text)
