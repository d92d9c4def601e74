"""Block Kit for a command that needs a team the workspace does not have yet: the
question, and buttons that create the team (or use the one probably meant) and carry on
with the command that was typed."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.slack.ids import ActionId, BlockId
from conversations.text import truncate

BUTTON_TEXT_MAX = 75  # Slack's cap on a button's label
BUTTON_VALUE_MAX = 2000  # and on its value


def team_question_blocks(
    text: str,
    *,
    create: tuple[str, str] | None = None,
    use: tuple[str, str] | None = None,
) -> list[dict]:
    """``text`` (mrkdwn, user text already escaped) with up to two buttons:
    ``use`` = (the team probably meant, the command to run with it) and ``create`` =
    (the name of the team to create, the button's value). A value too long for a button
    leaves its button out."""
    buttons: list[ButtonElement] = []
    if use is not None and len(use[1]) <= BUTTON_VALUE_MAX:
        buttons.append(
            ButtonElement(
                text=truncate(f"Use “{use[0]}”", BUTTON_TEXT_MAX),
                action_id=ActionId.COMMAND_RUN,
                value=use[1],
                style="primary",
            )
        )
    if create is not None and len(create[1]) <= BUTTON_VALUE_MAX:
        buttons.append(
            ButtonElement(
                text=truncate(f"Create team “{create[0]}”", BUTTON_TEXT_MAX),
                action_id=ActionId.TEAM_CREATE,
                value=create[1],
                style=None if buttons else "primary",
            )
        )
    blocks: list[dict] = [
        SectionBlock(block_id=BlockId.TEAM_QUESTION, text=MarkdownTextObject(text=text)).to_dict()
    ]
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.TEAM_ACTIONS, elements=buttons).to_dict())
    return blocks
