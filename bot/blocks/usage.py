"""The ``/maturity help`` answer (also the answer to anything not understood)."""

from __future__ import annotations

from functools import cache

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack.commands import SUBCOMMANDS
from bot.slack.ids import BlockId
from conversations.text import escape_mrkdwn, truncate

QUOTE_LIMIT = 200


def usage_blocks(not_understood: str | None = None) -> list[dict]:
    blocks: list[dict] = []
    if not_understood:
        flat = " ".join(not_understood.split())  # a quote stays on one line
        quoted = escape_mrkdwn(truncate(flat, QUOTE_LIMIT)).replace("`", "'")
        blocks.append(
            SectionBlock(
                block_id=BlockId.ERROR,
                text=MarkdownTextObject(text=f"I didn't catch `{quoted}`. Here is what I can do:"),
            ).to_dict()
        )
    return blocks + list(_usage())


@cache
def _usage() -> tuple[dict, ...]:
    """The fixed part, built (and validated) once: help is the most frequent command."""
    lines = "\n".join(
        f"• `{escape_mrkdwn(s.usage)}` — {escape_mrkdwn(s.summary)}" for s in SUBCOMMANDS
    )
    return (
        SectionBlock(
            block_id=BlockId.USAGE,
            text=MarkdownTextObject(
                text="*maturity-bot* helps your team climb the automation ladder, "
                "one rung at a time.\n" + lines
            ),
        ).to_dict(),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Levels: 0 manual · 1 scripted · 2 infrastructure as code · "
                    "3 continuous delivery · 4 continuous deployment · 5 self-healing"
                )
            ]
        ).to_dict(),
    )


def usage_text(not_understood: str | None = None) -> str:
    """Plain-text fallback for notifications and screen readers."""
    head = "maturity-bot: " + ", ".join(escape_mrkdwn(s.usage) for s in SUBCOMMANDS)
    return head if not not_understood else f"I didn't catch that. {head}"
