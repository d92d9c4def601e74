"""``/maturity teams``: the workspace's teams, a page at a time (a workspace may have
hundreds; a message holds 50 blocks), each with its level, channel, owners and last change
and a button that opens it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import escape_and_truncate
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.text import plural

PAGE_SIZE = 20  # 20 rows + header, navigation and a note: well inside 50 blocks
OWNERS_SHOWN = 5
NAME_SHOWN = 80
USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")


@dataclass(frozen=True)
class TeamLine:
    """One team as the list shows it (plain values; ``owners``: whoever owns it now)."""

    team_id: int
    name: str
    level: int | None
    channel_id: str | None
    owners: list[str] = field(default_factory=list)
    last_change: datetime | None = None


def when(at: datetime | None) -> str:
    return "never" if at is None else f"{at:%d %b %Y}"


def mention(user_id: str) -> str:
    """A stored Slack user id as a mention (never typed text: anything else is "someone")."""
    return f"<@{user_id}>" if USER_ID.fullmatch(user_id) else "someone"


def channel_link(channel_id: str | None) -> str:
    if not channel_id:
        return "no channel"
    return f"<#{channel_id}>" if CHANNEL_ID.fullmatch(channel_id) else "a private conversation"


def owners_phrase(owners: Sequence[str], shown: int = OWNERS_SHOWN) -> str:
    if not owners:
        return "workspace admins only"
    people = ", ".join(mention(o) for o in owners[:shown])
    more = len(owners) - shown
    return people + (f" and {more} more" if more > 0 else "")


def level_word(level: int | None) -> str:
    return "not assessed yet" if level is None else f"Level {level}"


def team_name(name: str) -> str:
    return escape_and_truncate(" ".join(name.split()), NAME_SHOWN)


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def teams_list_text(total: int, page: int) -> str:
    if total == 0:
        return "No teams on the board yet."
    first = page * PAGE_SIZE + 1
    last = min(total, first + PAGE_SIZE - 1)
    return f"Teams in this workspace: {first}–{last} of {total}"


def teams_list_blocks(lines: Sequence[TeamLine], *, total: int, page: int) -> list[Block]:
    """Page ``page`` (from 0) of ``total`` teams."""
    if total == 0:
        return [
            SectionBlock(
                block_id=BlockId.TEAMS_HEADER,
                text=MarkdownTextObject(
                    text=f"No teams on the board yet. `{COMMAND} assess` in a team's channel "
                    "puts one there."
                ),
            )
        ]
    pages = page_count(total)
    where = f" · page {page + 1} of {pages}" if pages > 1 else ""
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.TEAMS_HEADER,
            text=MarkdownTextObject(
                text=f"*Teams in this workspace* — {plural(total, 'team')}, A to Z{where}"
            ),
        )
    ]
    for line in lines:
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.TEAMS_ROW_PREFIX}{line.team_id}",
                text=MarkdownTextObject(
                    text=f"*{team_name(line.name)}* · {level_word(line.level)} · "
                    f"{channel_link(line.channel_id)}\n"
                    f"Owners: {owners_phrase(line.owners)} · last change {when(line.last_change)}"
                ),
                accessory=ButtonElement(
                    text="Open", action_id=f"{ActionId.TEAM_SHOW}:{line.team_id}"
                ),
            )
        )
    nav: list[ButtonElement] = []
    if page > 0:
        nav.append(ButtonElement(text="← Previous", action_id=f"{ActionId.TEAMS_PAGE}:{page - 1}"))
    if page + 1 < pages:
        nav.append(ButtonElement(text="Next →", action_id=f"{ActionId.TEAMS_PAGE}:{page + 1}"))
    if nav:
        blocks.append(ActionsBlock(block_id=BlockId.TEAMS_NAV, elements=nav))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"`{COMMAND} team <name>` shows one team; its owners and workspace "
                    "admins change its settings there."
                )
            ]
        )
    )
    return blocks
