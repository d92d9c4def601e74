"""Block Kit for exports: which format, when the command did not say."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.teams import BUTTON_VALUE_MAX
from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.text import truncate

FORMATS = (("CSV", "csv"), ("JSON", "json"))


def format_question_blocks(team_text: str) -> list[dict]:
    """ "Which format?" with a CSV and a JSON button, each running the export command with
    that format (``team_text``: the team name as typed, possibly empty)."""
    named = " ".join(team_text.split())
    shown = escape_mrkdwn(truncate(named, 80)).replace("`", "'")
    command = f"{COMMAND} export{' ' + shown if shown else ''}"
    blocks: list[dict] = [
        SectionBlock(
            block_id=BlockId.EXPORT_FORMAT,
            text=MarkdownTextObject(
                text=f"Which format? `{command} csv` for a spreadsheet, `{command} json` for "
                "a program."
            ),
        ).to_dict()
    ]
    for label, fmt in FORMATS:
        value = " ".join(word for word in ("export", named, fmt) if word)
        if len(value) > BUTTON_VALUE_MAX:
            continue
        # One button a block: both run the command, so they share the action id.
        blocks.append(
            ActionsBlock(
                block_id=f"{BlockId.EXPORT_FORMAT}.{fmt}",
                elements=[ButtonElement(text=label, action_id=ActionId.COMMAND_RUN, value=value)],
            ).to_dict()
        )
    return blocks
