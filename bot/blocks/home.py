"""The App Home tab: every team of this workspace with its level, and how to start."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from conversations.model import level_name
from conversations.text import escape_mrkdwn
from storage.models import Team

MAX_TEAMS_SHOWN = 40


def home_view(teams: list[Team]) -> dict:
    blocks: list = [
        HeaderBlock(text="Automation maturity"),
        SectionBlock(
            text=MarkdownTextObject(
                text="Run `/maturity assess` in a team's channel to place it on the ladder, "
                "or `/maturity help` to see everything I can do."
            )
        ),
        DividerBlock(),
    ]
    if not teams:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="_No team has checked in yet._")))
    for team in teams[:MAX_TEAMS_SHOWN]:
        level = (
            f"Level {team.level} — {level_name(team.level)}"
            if team.level is not None
            else "not assessed yet"
        )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*{escape_mrkdwn(team.name)}*\n{level}"))
        )
    if len(teams) > MAX_TEAMS_SHOWN:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"…and {len(teams) - MAX_TEAMS_SHOWN} more teams.")
                ]
            )
        )
    return View(type="home", blocks=blocks).to_dict()
