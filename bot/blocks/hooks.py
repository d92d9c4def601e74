"""``/maturity hook``: a team's evidence hooks — whether it has a token, the token itself
the one time it is made, and how to send events with it."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.criteria import team_words, who
from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import COMMAND

PATHS = "`POST /hooks/deploys` and `POST /hooks/incidents` on this bot's address"


def _how() -> ContextBlock:
    return ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"Send events to {PATHS}, with `Authorization: Bearer <token>` and a JSON "
                "body (see the README's *Evidence* section). Measured deploy times, automated "
                "rollbacks, approvals and incident remediation then show on the board; a "
                "criterion nobody has answered follows the measurement, a person's answer is "
                "never overridden."
            )
        ]
    )


def _typed(team_name: str) -> str:
    """The team's name as it would be typed after a command, safe in an inline code span."""
    return escape_mrkdwn(" ".join(team_name.split())).replace("`", "'")


def hook_status_blocks(team_name: str, made_at: datetime | None, made_by: str) -> list[Block]:
    team = team_words(team_name)
    if made_at is None:
        text = (
            f"*{team}* has no hook token yet. `{COMMAND} hook rotate {_typed(team_name)}` "
            "makes one (shown to you once)."
        )
    else:
        text = (
            f"*{team}* has a hook token, made {made_at:%d %b %Y} by {who(made_by)}. I keep only "
            "a fingerprint of it, so I can't show it again: if it is lost or leaked, "
            f"`{COMMAND} hook rotate {_typed(team_name)}` makes a new one and the old one stops "
            "working at once."
        )
    return [SectionBlock(text=MarkdownTextObject(text=text)), _how()]


def new_token_blocks(team_name: str, token: str, replaced: bool) -> list[Block]:
    team = team_words(team_name)
    old = " The previous token has stopped working." if replaced else ""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"A new hook token for *{team}* — shown this once, only to you: I keep "
                f"only a fingerprint of it.{old} Put it in your CI's secrets now."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=f"```{token}```")),
        _how(),
    ]
