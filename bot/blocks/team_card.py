"""One team, as ``/maturity team [name]`` shows it: level, channel, owners, last change —
and, for those who may change it, the controls (rename, owners, channel, delete), plus
export for everyone. The confirmations asked before deleting a team or a workspace's data.

Every control is checked again when it is used: showing it is not permission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig

from bot.blocks.teams_list import (
    CHANNEL_ID,
    USER_ID,
    channel_link,
    level_word,
    mention,
    owners_phrase,
    team_name,
    when,
)
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.text import truncate

MAX_OWNERS = 20
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75


@dataclass(frozen=True)
class TeamCard:
    team_id: int
    name: str
    level: int | None
    target_level: int | None
    channel_id: str | None
    owners: list[str]  # whoever owns it now (the creator until owners are set)
    owners_set: bool  # owners were named (not just the creator by default)
    created_by: str
    created_at: datetime
    last_change: datetime | None
    may_change: bool  # the person looking may change it (checked again on every change)
    note: str = ""  # mrkdwn said above the card (what just changed); already escaped
    checkins: str = ""  # the weekly check-ins, in words (issue 13); already escaped


def card_text(card: TeamCard) -> str:
    return f"Team {team_name(card.name)}: {level_word(card.level)}"


def card_blocks(card: TeamCard) -> list[Block]:
    blocks: list[Block] = []
    if card.note:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=card.note)))
    blocks.append(HeaderBlock(text=truncate(f"Team · {' '.join(card.name.split())}", HEADER_MAX)))
    target = f" · aiming at Level {card.target_level}" if card.target_level is not None else ""
    owned = "" if card.owners_set else " (who created it, until owners are set)"
    created = f"{when(card.created_at)}" + (
        f" by {mention(card.created_by)}" if card.created_by else ""
    )
    blocks.append(
        SectionBlock(
            block_id=BlockId.TEAM_CARD,
            fields=[
                MarkdownTextObject(text=f"*Level*\n{level_word(card.level)}{target}"),
                MarkdownTextObject(text=f"*Channel*\n{channel_link(card.channel_id)}"),
                MarkdownTextObject(text=f"*Owners*\n{owners_phrase(card.owners, 10)}{owned}"),
                MarkdownTextObject(text=f"*Last change*\n{when(card.last_change)}"),
                MarkdownTextObject(text=f"*Created*\n{created}"),
                *(
                    [MarkdownTextObject(text=f"*Weekly check-ins*\n{card.checkins}")]
                    if card.checkins
                    else []
                ),
            ],
        )
    )
    if card.may_change:
        blocks += _controls(card)
    buttons = [
        ButtonElement(
            text=f"Export {label}",
            action_id=f"{ActionId.TEAM_EXPORT}:{card.team_id}:{fmt}",
            value=fmt,
        )
        for label, fmt in (("CSV", "csv"), ("JSON", "json"))
    ]
    if card.may_change:
        buttons.append(
            ButtonElement(
                text="Delete team…",
                action_id=f"{ActionId.TEAM_DELETE}:{card.team_id}",
                style="danger",
            )
        )
    blocks.append(ActionsBlock(block_id=BlockId.TEAM_CARD_ACTIONS, elements=buttons))
    how = (
        f"`{COMMAND} team owners @a @b`, `{COMMAND} team rename <new name>` and "
        f"`{COMMAND} team channel #channel` change it too; its owners and workspace admins "
        "may."
        if card.may_change
        else "Its owners and workspace admins change its settings; anyone may look and export."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=how)]))
    return blocks


def _controls(card: TeamCard) -> list[Block]:
    owners = [o for o in card.owners if USER_ID.fullmatch(o)][:MAX_OWNERS]
    channel = card.channel_id if card.channel_id and CHANNEL_ID.fullmatch(card.channel_id) else None
    return [
        InputBlock(
            block_id=BlockId.TEAM_RENAME_INPUT,
            label="Name (press Enter to rename)",
            dispatch_action=True,
            element=PlainTextInputElement(
                action_id=f"{ActionId.TEAM_RENAME}:{card.team_id}",
                initial_value=" ".join(card.name.split())[:80],
                max_length=80,
                dispatch_action_config=DispatchActionConfig(
                    trigger_actions_on=["on_enter_pressed"]
                ),
            ),
        ),
        ActionsBlock(
            block_id=BlockId.TEAM_SETTINGS,
            elements=[
                UserMultiSelectElement(
                    placeholder="Owners",
                    action_id=f"{ActionId.TEAM_OWNERS}:{card.team_id}",
                    initial_users=owners or None,
                    max_selected_items=MAX_OWNERS,
                ),
                ConversationSelectElement(
                    placeholder="Channel",
                    action_id=f"{ActionId.TEAM_CHANNEL}:{card.team_id}",
                    initial_conversation=channel,
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            ],
        ),
    ]


# ------------------------------------------------------------------ confirmations


def delete_team_blocks(*, team_id: int, name: str, contents: str, issued: str) -> list[Block]:
    """Asked before a team goes: what goes with it, and the one button that deletes it."""
    shown = team_name(name)
    return [
        SectionBlock(
            block_id=BlockId.TEAM_DELETE_QUESTION,
            text=MarkdownTextObject(
                text=f"Delete the team *{shown}* and everything kept about it — {contents}? "
                "This can't be undone. For a copy first: "
                f"`{COMMAND} export {shown} csv`."
            ),
        ),
        ActionsBlock(
            block_id=BlockId.TEAM_DELETE_ACTIONS,
            elements=[
                ButtonElement(
                    text=truncate(f"Delete “{' '.join(name.split())}”", BUTTON_TEXT_MAX),
                    action_id=f"{ActionId.TEAM_DELETE_CONFIRM}:{team_id}",
                    value=issued,
                    style="danger",
                    confirm=ConfirmObject(
                        title="Delete this team?",
                        text="Its check-ins, board, history, nudges and runbook go with it.",
                        confirm="Delete",
                        deny="Keep it",
                        style="danger",
                    ),
                ),
                ButtonElement(text="Keep it", action_id=ActionId.CONFIRM_CANCEL),
            ],
        ),
    ]


def delete_workspace_blocks(*, contents: str, tokens: bool, issued: str) -> list[Block]:
    """Asked before a workspace admin deletes everything the bot keeps for the workspace."""
    also = (
        " and the app's tokens for this workspace: I stop working here until someone installs "
        "me again"
        if tokens
        else ""
    )
    return [
        SectionBlock(
            block_id=BlockId.WORKSPACE_DELETE_QUESTION,
            text=MarkdownTextObject(
                text=f"Delete everything I keep for this workspace — {contents}{also}? This "
                "can't be undone. For a copy first: "
                f"`{COMMAND} workspace export`."
            ),
        ),
        ActionsBlock(
            block_id=BlockId.WORKSPACE_DELETE_ACTIONS,
            elements=[
                ButtonElement(
                    text="Delete everything",
                    action_id=ActionId.WORKSPACE_DELETE_CONFIRM,
                    value=issued,
                    style="danger",
                    confirm=ConfirmObject(
                        title="Delete everything?",
                        text="Every team, check-in, board, history, runbook and schedule.",
                        confirm="Delete",
                        deny="Keep it",
                        style="danger",
                    ),
                ),
                ButtonElement(text="Keep everything", action_id=ActionId.CONFIRM_CANCEL),
            ],
        ),
    ]


# What deleting takes with it, in words (tables not named here are counted as "records").
KEPT = {
    "teams": ("team", "teams"),
    "assessments": ("check-in", "check-ins"),
    "criterion_statuses": ("criterion status", "criterion statuses"),
    "criterion_events": ("criterion change", "criterion changes"),
    "level_changes": ("level change", "level changes"),
    "nudges": ("nudge", "nudges"),
    "runbook_operations": ("runbook operation", "runbook operations"),
    "runbook_imports": ("runbook import", "runbook imports"),
    "schedules": ("digest or reminder", "digests and reminders"),
    "checkins": ("weekly check-in", "weekly check-ins"),
    "evidence_hooks": ("hook token", "hook tokens"),
    "evidence_events": ("deploy or incident event", "deploy and incident events"),
    "evidence_measurements": ("measurement", "measurements"),
    "evidence_github": ("GitHub connection", "GitHub connections"),
}


NOTHING_KEPT = "nothing recorded yet"


def contents(counts: Mapping[str, int]) -> str:
    """``{"assessments": 3, "nudges": 1}`` → "3 check-ins, 1 nudge"; "nothing yet" when
    every count is 0."""
    parts = []
    other = 0
    for table, count in counts.items():
        if not count:
            continue
        if table in KEPT:
            one, many = KEPT[table]
            parts.append(f"{count:,} {one if count == 1 else many}")
        elif table not in ("workspaces", "claims"):
            other += count
    if other:
        parts.append(f"{other:,} other record{'s' if other != 1 else ''}")
    return ", ".join(parts) if parts else NOTHING_KEPT
