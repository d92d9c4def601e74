"""Direct messages to the bot. Typed answers to an open check-in are handled by the
assessment; anything else gets a pointer to what the bot can do."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.ids import COMMAND


def handle_message_im(event: dict[str, Any], client: WebClient) -> None:
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    client.chat_postMessage(
        channel=event["channel"],
        text=(
            f"I mostly talk through buttons. Try `{COMMAND} assess` in your team's channel "
            f"to check in, or `{COMMAND} help` to see everything I can do."
        ),
    )
