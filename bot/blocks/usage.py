"""The ``/maturity help`` answer (also the answer to anything not understood), and
"did you mean …?" for a near miss, with a button that runs what was probably meant."""

from __future__ import annotations

from functools import cache

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import escape_mrkdwn
from bot.slack.commands import SUBCOMMANDS
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.text import truncate

QUOTE_LIMIT = 200
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
SECTION_MAX = 3000


def _quoted(text: str) -> str:
    """User text inside an inline-code span: one line, escaped, no backtick to close it."""
    flat = " ".join(text.split())  # a quote stays on one line
    return escape_mrkdwn(truncate(flat, QUOTE_LIMIT)).replace("`", "'")


def usage_blocks(not_understood: str | None = None, suggestion: str | None = None) -> list[dict]:
    """Usage, after "I didn't catch …" when something was not understood; a near miss
    (``suggestion``: the command text probably meant) gets "did you mean …?" first."""
    if not_understood and suggestion:
        return suggestion_blocks(not_understood, suggestion, pointer=False) + list(_usage())
    blocks: list[dict] = []
    if not_understood:
        blocks.append(
            SectionBlock(
                block_id=BlockId.ERROR,
                text=MarkdownTextObject(
                    text=f"I didn't catch `{_quoted(not_understood)}`. Here is what I can do:"
                ),
            ).to_dict()
        )
    return blocks + list(_usage())


def suggestion_blocks(typed: str, meant: str, *, pointer: bool = True) -> list[dict]:
    """ "I didn't catch `asess`. Did you mean `/maturity assess`?" with a button that runs
    ``meant`` (the text after ``/maturity``), and (``pointer``) a pointer to the help."""
    blocks = [
        SectionBlock(
            block_id=BlockId.ERROR,
            text=MarkdownTextObject(
                text=f"I didn't catch `{_quoted(typed)}`. "
                f"Did you mean `{COMMAND} {_quoted(meant)}`?"
            ),
        ).to_dict()
    ]
    if len(meant) <= BUTTON_VALUE_MAX:
        label = " ".join(f"Run {COMMAND} {meant}".split())
        blocks.append(
            ActionsBlock(
                block_id=BlockId.SUGGESTION,
                elements=[
                    ButtonElement(
                        text=truncate(label, BUTTON_TEXT_MAX),
                        action_id=ActionId.COMMAND_RUN,
                        value=meant,
                        style="primary",
                    )
                ],
            ).to_dict()
        )
    if pointer:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"`{COMMAND} help` lists everything I can do.")]
            ).to_dict()
        )
    return blocks


@cache
def _usage() -> tuple[dict, ...]:
    """The fixed part, built (and validated) once: help is the most frequent command."""
    lines = [f"• `{escape_mrkdwn(s.usage)}` — {escape_mrkdwn(s.summary)}" for s in SUBCOMMANDS]
    # A section holds 3,000 characters: the list goes on in as many sections as it needs.
    texts = ["*maturity-bot* helps your team climb the automation ladder, one rung at a time."]
    for line in lines:
        if len(texts[-1]) + 1 + len(line) > SECTION_MAX:
            texts.append(line)
        else:
            texts[-1] += "\n" + line
    return (
        *(
            SectionBlock(
                block_id=BlockId.USAGE if i == 0 else None, text=MarkdownTextObject(text=text)
            ).to_dict()
            for i, text in enumerate(texts)
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Levels: 0 manual · 1 scripted · 2 infrastructure as code · "
                    "3 continuous delivery · 4 continuous deployment · 5 self-healing"
                )
            ]
        ).to_dict(),
    )


def usage_text(not_understood: str | None = None, suggestion: str | None = None) -> str:
    """Plain-text fallback for notifications and screen readers."""
    if not_understood and suggestion:
        return f"I didn't catch that. Did you mean {COMMAND} {_quoted(suggestion)}?"
    head = "maturity-bot: " + ", ".join(escape_mrkdwn(s.usage) for s in SUBCOMMANDS)
    return head if not not_understood else f"I didn't catch that. {head}"
