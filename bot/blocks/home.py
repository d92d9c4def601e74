"""The App Home tab: every team of the workspace, its level and its next step's progress.

Teams are listed A to Z (a standing board: people look for their own team); each line
says a level change since last week first, a drop with the criteria no longer met.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.digest import team_line
from bot.slack.ids import COMMAND
from conversations.digest import Digest

MAX_TEAMS_SHOWN = 90  # a Home tab holds 100 blocks


def home_view(digest: Digest) -> dict:
    blocks: list = [
        HeaderBlock(text="Automation maturity"),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Run `{COMMAND} assess` in a team's channel to place it on the ladder, "
                f"`{COMMAND} digest schedule monday 09:00` for a weekly digest, or "
                f"`{COMMAND} help` for everything else."
            )
        ),
        DividerBlock(),
    ]
    if not digest.teams:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="_No team has checked in yet._")))
    by_name = sorted(digest.teams, key=lambda w: w.name.casefold())
    for week in by_name[:MAX_TEAMS_SHOWN]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=team_line(week))))
    if len(digest.teams) > MAX_TEAMS_SHOWN:
        more = len(digest.teams) - MAX_TEAMS_SHOWN
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {more} more teams.")]))
    return View(type="home", blocks=blocks).to_dict()
