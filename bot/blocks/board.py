"""The criteria board: every success criterion of a team, where it stands (in words, not
only an emoji a screen reader spells out as ":white_circle:"), where that came from (a
check-in, the runbook…) with its evidence, who last moved it, and when.

The runbook's scripted share is shown under ``scripted.ops_80pct`` whenever the runbook has
operations, with what it counts for: the team's answer when the team said the runbook lists
all of its operations, otherwise evidence beside the answer a person gave.
"""

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

from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import COMMAND
from conversations.board import BoardChange, BoardEntry
from conversations.digest import level_phrase
from conversations.model import STEPS, Criterion, CriterionKind, criterion, question
from conversations.runbook.coverage import SCRIPTED_CRITERION, RunbookEvidence
from conversations.text import format_number, truncate

MARK = {
    "met": ":white_check_mark:",
    "partly": ":large_yellow_circle:",
    "not_met": ":white_circle:",
    "unknown": ":grey_question:",
}
# Every row says its status in words too: the emoji alone is read out by name.
WORD = {
    "met": "Met",
    "partly": "Partly met",
    "not_met": "Not met",
    "unknown": "Unknown",
}
NOT_ANSWERED = "Not answered yet"
HISTORY_SHOWN = 8
EVIDENCE_SHOWN = 160
SOURCES = {"assessment": "check-in", "runbook": "runbook"}
RUNBOOK = "runbook"


def _when(at: datetime) -> str:
    return f"{at:%d %b %Y}"


def _who(user_id: str) -> str:
    # Slack user ids we stored from payloads (never typed text) render as mentions.
    if not user_id:
        return "maturity-bot"
    return f"<@{user_id}>" if user_id[:1] in ("U", "W") and user_id.isalnum() else "someone"


def _source(source: str) -> str:
    return escape_mrkdwn(SOURCES.get(source, source or "an update"))


def _value(criterion_id: str, value: float | None, source: str = "") -> str:
    """`` (25%)``; a check-in's range button reads as the range chosen
    (`` (answered “50–79%”)``), never as the number standing for it."""
    if value is None:
        return ""
    c = criterion(criterion_id)
    if source == "assessment":
        chosen = _range_label(c, value)
        if chosen:
            return f" (answered “{escape_mrkdwn(chosen)}”)"
    unit = "%" if c.kind is CriterionKind.PERCENT else " min"
    return f" ({format_number(value)}{unit})"


def _range_label(c: Criterion, value: float) -> str:
    """The label of the check-in button whose answer is ``value`` ("80% or more"), if any."""
    try:
        options = question(c.id).options
    except KeyError:
        return ""
    for option in options:
        try:
            if float(option.value) == value:
                return option.label
        except ValueError:
            continue
    return ""


def _said_by(row: BoardEntry, history: Sequence[BoardChange]) -> tuple[str, str, datetime, str]:
    """Where the status came from — source, who, when, evidence. A check-in that took a
    measured figure as known records it again as its own, with no change (so no history):
    the figure is still its last change's."""
    last = next((c for c in reversed(history) if c.criterion_id == row.criterion_id), None)
    if last is None:
        return row.source, row.updated_by, row.updated_at, ""
    if last.source == row.source:
        return row.source, row.updated_by, row.updated_at, last.evidence
    if (last.status, last.value) == (row.status, row.value):
        return last.source, last.user_id, last.created_at, last.evidence
    return row.source, row.updated_by, row.updated_at, ""


def _row(
    c: Criterion,
    row: BoardEntry | None,
    history: Sequence[BoardChange],
    runbook: RunbookEvidence | None,
) -> str:
    label = escape_mrkdwn(c.label)
    if row is None:
        line = f"{MARK['unknown']} *{NOT_ANSWERED}* · {label}"
    else:
        status = str(row.status)
        word = WORD.get(status, WORD["unknown"])
        source, who, at, evidence = _said_by(row, history)
        detail = f"{_source(source)}, {_who(who)}, {_when(at)}"
        line = (
            f"{MARK.get(status, MARK['unknown'])} *{word}* · {label}"
            f"{_value(c.id, row.value, source)} — {detail}"
        )
        if evidence and source != RUNBOOK:
            line += f"\n      _{escape_mrkdwn(truncate(evidence, EVIDENCE_SHOWN))}_"
    if c.id == SCRIPTED_CRITERION and runbook is not None and runbook.total:
        line += f"\n      :clipboard: {escape_mrkdwn(runbook.phrase())}. {runbook.standing()}"
    return line


def board_blocks(
    *,
    team_name: str,
    level: int | None,
    board: Mapping[str, BoardEntry],
    history: Sequence[BoardChange],
    runbook: RunbookEvidence | None = None,
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
        lines = [_row(c, board.get(c.id), history, runbook) for c in step.criteria]
        done = all(board.get(c.id) and board[c.id].status == "met" for c in step.criteria)
        title = f"*Level {step.into} — {escape_mrkdwn(step.name)}*" + (" · done" if done else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=title + "\n" + "\n".join(lines))))
    if history:
        recent = list(history)[-HISTORY_SHOWN:][::-1]
        lines = [
            f"{_when(e.created_at)} · {escape_mrkdwn(criterion(e.criterion_id).label)}: "
            f"{WORD.get(str(e.status), WORD['unknown']).lower()}"
            f"{_value(e.criterion_id, e.value, e.source)} · {_source(e.source)} · {_who(e.user_id)}"
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
                    text=f"`{COMMAND} assess` updates the board. The runbook's scripted share "
                    "stands in for the check-in's answer only when the team says the runbook "
                    f"lists all of its operations (asked on `{COMMAND} runbook`)."
                )
            ]
        )
    )
    return blocks
