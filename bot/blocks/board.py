"""The criteria board: every success criterion of a team, who last moved it, and when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.ids import COMMAND
from conversations.board import BoardChange, BoardEntry
from conversations.digest import level_phrase
from conversations.model import STEPS, CriterionKind, criterion
from conversations.text import escape_mrkdwn, format_number, truncate

MARK = {
    "met": ":white_check_mark:",
    "partly": ":large_yellow_circle:",
    "not_met": ":white_circle:",
    "unknown": ":grey_question:",
}
HISTORY_SHOWN = 8
SOURCES = {"assessment": "check-in", "runbook": "runbook"}


def _when(at: datetime) -> str:
    return f"{at:%d %b %Y}"


def _who(user_id: str) -> str:
    # Slack user ids we stored from payloads (never typed text) render as mentions.
    return f"<@{user_id}>" if user_id[:1] in ("U", "W") and user_id.isalnum() else "someone"


def _value(criterion_id: str, value: float | None) -> str:
    if value is None:
        return ""
    unit = "%" if criterion(criterion_id).kind is CriterionKind.PERCENT else " min"
    return f" ({format_number(value)}{unit})"


def board_blocks(
    *,
    team_name: str,
    level: int | None,
    board: Mapping[str, BoardEntry],
    history: Sequence[BoardChange],
) -> list[Block]:
    name = escape_mrkdwn(truncate(team_name, 80))
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Criteria board · {team_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{name}* is at {level_phrase(level)}"
                    if level is not None
                    else f"*{name}* has not been assessed yet"
                )
            ]
        ),
    ]
    for step in STEPS:
        lines = []
        for c in step.criteria:
            row = board.get(c.id)
            status = row.status if row else "unknown"
            detail = (
                f" — {_who(row.updated_by)}, {_when(row.updated_at)}"
                f" via {SOURCES.get(row.source, row.source or 'an update')}"
                if row
                else " — not answered yet"
            )
            value = _value(c.id, row.value) if row else ""
            lines.append(
                f"{MARK.get(status, MARK['unknown'])} {escape_mrkdwn(c.label)}{value}{detail}"
            )
        done = all(board.get(c.id) and board[c.id].status == "met" for c in step.criteria)
        title = f"*Level {step.into} — {escape_mrkdwn(step.name)}*" + (" · done" if done else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=title + "\n" + "\n".join(lines))))
    if history:
        recent = list(history)[-HISTORY_SHOWN:][::-1]
        lines = [
            f"{_when(e.created_at)} · {escape_mrkdwn(criterion(e.criterion_id).label)}: "
            f"{e.status.replace('_', ' ')}{_value(e.criterion_id, e.value)} · {_who(e.user_id)}"
            for e in recent
        ]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text="*Recent changes*\n" + "\n".join(lines))),
        ]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"`{COMMAND} assess` updates the board; the runbook keeps "
                    "the scripted share current."
                )
            ]
        )
    )
    return blocks
