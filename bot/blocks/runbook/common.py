"""What every runbook message and modal shares: user text made safe for mrkdwn, the
frequency options, and the shape of a modal that says one thing and asks one thing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import ActionId
from conversations.runbook.adding import is_web_link
from conversations.runbook.ranking import FREQUENCY_LABELS, Frequency
from conversations.text import truncate

TITLE_SHOWN = 100
NAME_SHOWN = 60
SECTION_TEXT_MAX = 3000
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
FREQUENCY_OPTIONS = [
    Option(value=f.value, text=FREQUENCY_LABELS[f].capitalize()) for f in Frequency
]


def q(title: str, limit: int = TITLE_SHOWN) -> str:
    """A user's title, quoted, shortened and safe for mrkdwn."""
    return f"“{escape_mrkdwn(truncate(title, limit))}”"


def name(team_name: str) -> str:
    return escape_mrkdwn(truncate(team_name, NAME_SHOWN))


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if USER_ID.match(user_id or "") else ""


def link(url: str, label: str) -> str:
    """A mrkdwn link to a URL we validated as http(s); never lets the URL close the link."""
    safe = escape_mrkdwn(url).replace("|", "%7C")
    return f"<{safe}|{escape_mrkdwn(label)}>"


def script_place(location: str, limit: int = 200) -> str:
    """Where a script lives, for mrkdwn: a link when it is an http(s) address, otherwise its
    words in a code span (escaped, backticks dropped: it can't become markup or a link)."""
    if is_web_link(location):
        return link(location, "script")
    words = escape_mrkdwn(truncate(location.replace("`", "'"), limit))
    return f"script in `{words}`"


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def option(value: str, label: str) -> Option:
    return Option(value=value, text=label)


def frequency_option(frequency: Frequency) -> Option:
    return FREQUENCY_OPTIONS[list(Frequency).index(frequency)]


def text_input(
    block_id: str,
    label: str,
    value: str,
    *,
    max_length: int,
    optional: bool = False,
    multiline: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(
            action_id=ActionId.RUNBOOK_INPUT,
            initial_value=value[:max_length] or None,
            max_length=max_length,
            multiline=multiline,
            placeholder=placeholder,
        ),
        optional=optional,
        hint=hint,
    )


def question_modal(
    callback_id: str, title: str, submit: str, metadata: str, intro: str, field: Block
) -> dict[str, Any]:
    """A modal that says one thing and asks one thing (``metadata``: encoded already)."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=metadata,
        blocks=[SectionBlock(text=MarkdownTextObject(text=intro)), field],
    ).to_dict()
