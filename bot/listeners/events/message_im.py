"""Direct messages to the bot: a typed answer to the open check-in's current question,
or else a pointer to what the bot can do."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    in_channel,
    later,
    where_of,
)
from bot.slack.answer import Answer
from bot.slack.ids import COMMAND
from bot.usecases import assessment, checkins
from bot.usecases.events import first_delivery

MAX_TYPED = 500


def handle_message_im(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    deps, where = deps_of(context), where_of(context, body)
    text = str(event.get("text") or "")[:MAX_TYPED]
    event_id = str(body.get("event_id", ""))

    def job() -> Answer | None:
        if not first_delivery(deps, event_id):
            return None
        reply = assessment.typed_answer(deps, client, where, text)
        if reply is None:
            reply = checkins.typed(deps, client, where, text)
        if reply is None:
            reply = Answer(
                text=f"I mostly talk through buttons. Try `{COMMAND} assess` in your team's "
                f"channel to check in, or `{COMMAND} help` to see everything I can do."
            )
        return reply

    later(context, job, in_channel(client, str(event.get("channel", ""))), what="a DM")
