"""The criteria board: every success criterion of a team, where it stands (in words, not
only an emoji a screen reader spells out as ":white_circle:"), where that came from (a
check-in, the board, the runbook…) with its evidence, note and link, who last moved it,
and when — and, given the team's id, an *Update* button beside each criterion (block
``board.<criterion id>``) that opens its form.

The runbook's scripted share is shown under ``scripted.ops_80pct`` whenever the runbook has
operations, with what it counts for: the team's answer when the team said the runbook lists
all of its operations, otherwise evidence beside the answer a person gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.checkins import Split, board_split_block
from bot.blocks.criteria import change_words, fit_section, why_words
from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.board import (
    SOURCE_WORDS,
    STATUS_LABELS,
    BoardChange,
    BoardEntry,
    format_value,
    status_of,
)
from conversations.digest import level_phrase
from conversations.evidence import Measurement, is_context
from conversations.model import STEPS, Criterion, criterion, question
from conversations.runbook.coverage import SCRIPTED_CRITERION, RunbookEvidence
from conversations.scoring import Status
from conversations.text import truncate

MARK = {
    "met": ":white_check_mark:",
    "partly": ":large_yellow_circle:",
    "not_met": ":white_circle:",
    "unknown": ":grey_question:",
    "blocked": ":no_entry:",
}
# Every row says its status in words too: the emoji alone is read out by name.
WORD = {str(status): label for status, label in STATUS_LABELS.items()}
NOT_ANSWERED = "Not answered yet"
HISTORY_SHOWN = 8
EVIDENCE_SHOWN = 160
SOURCES = dict(SOURCE_WORDS)
RUNBOOK = "runbook"
EVIDENCE = "evidence"


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
    return f" ({format_value(c, value)})"


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


def _said_by(
    row: BoardEntry, history: Sequence[BoardChange]
) -> tuple[str, str, datetime, BoardChange | None]:
    """Where the status came from — source, who, when, and the change that said so (its
    evidence, note and link). A check-in that took a measured figure as known records it
    again as its own, with no change (so no history): the figure is still its last
    change's."""
    last = next((c for c in reversed(history) if c.criterion_id == row.criterion_id), None)
    if last is None:
        return row.source, row.updated_by, row.updated_at, None
    if last.source == row.source:
        return row.source, row.updated_by, row.updated_at, last
    if (last.status, last.value) == (row.status, row.value):
        return last.source, last.user_id, last.created_at, last
    return row.source, row.updated_by, row.updated_at, None


def _row(
    c: Criterion,
    row: BoardEntry | None,
    history: Sequence[BoardChange],
    runbook: RunbookEvidence | None,
    measured: Measurement | None = None,
) -> str:
    label = escape_mrkdwn(c.label)
    if row is None:
        line = f"{MARK['unknown']} *{NOT_ANSWERED}* · {label}"
    else:
        status = str(row.status)
        word = WORD.get(status, WORD["unknown"])
        source, who, at, change = _said_by(row, history)
        detail = f"{_source(source)}, {_who(who)}, {_when(at)}"
        line = (
            f"{MARK.get(status, MARK['unknown'])} *{word}* · {label}"
            f"{_value(c.id, row.value, source)} — {detail}"
        )
        evidence = change.evidence if change else ""
        if source == EVIDENCE and measured is not None:
            evidence = measured.evidence  # the window's figure as it stands now
        if evidence and source != RUNBOOK:
            line += f"\n      _{escape_and_truncate(evidence, EVIDENCE_SHOWN)}_"
        why = why_words(change.note, change.link) if change else ""
        if why:
            line += f"\n      {why}"
    if c.id == SCRIPTED_CRITERION and runbook is not None and runbook.total:
        line += f"\n      :clipboard: {escape_mrkdwn(runbook.phrase())}. {runbook.standing()}"
    if measured is not None and (row is None or row.source != EVIDENCE):
        line += f"\n      {_measured_line(c, measured, row)}"
    return line


def _measured_line(c: Criterion, m: Measurement, row: BoardEntry | None) -> str:
    """A measurement beside the answer a person gave (which it never overrides)."""
    word = WORD.get(str(m.status), WORD["unknown"]).lower()
    figure = f" ({format_value(c, m.value)})" if m.value is not None and c.is_numeric else ""
    stands = ""
    if row is not None and (str(row.status), row.value) != (str(m.status), m.value):
        if m.kept_by:
            stands = f" The answer above was kept by {_who(m.kept_by)} over the measurement."
        else:
            stands = " The answer above stands until someone changes it."
    return (
        f":bar_chart: Measured: {word}{figure} — "
        f"{escape_and_truncate(m.evidence, EVIDENCE_SHOWN)}.{stands}"
    )


def update_button(team_id: int, c: Criterion) -> ButtonElement:
    """*Update* beside a criterion: opens its form (wherever it is shown: the board, the
    App Home)."""
    return ButtonElement(
        text="Update",
        action_id=f"{ActionId.CRITERION_UPDATE}:{team_id}",
        value=c.id,
        accessibility_label=truncate(f"Update “{c.label}”", 75),
    )


def criterion_row(c: Criterion, row: BoardEntry | None) -> str:
    """One criterion's line as the board shows it (status in words, figure, who moved it
    and when), without its history's evidence: the App Home lists the current step so."""
    return fit_section(_row(c, row, (), None))


def _recent_line(e: BoardChange) -> str:
    """``02 Dec 2026 · *label*: not met → met (7 min) · board · @alice``; a change recorded
    before the board kept what it replaced reads as its new state alone."""
    if e.old_status is not None:
        what = change_words(e)
    else:
        what = (
            f"{escape_mrkdwn(criterion(e.criterion_id).label)}: "
            f"{WORD.get(str(e.status), WORD['unknown']).lower()}"
            f"{_value(e.criterion_id, e.value, e.source)}"
        )
    return f"{_when(e.created_at)} · {what} · {_source(e.source)} · {_who(e.user_id)}"


def board_blocks(
    *,
    team_name: str,
    level: int | None,
    board: Mapping[str, BoardEntry],
    history: Sequence[BoardChange],
    runbook: RunbookEvidence | None = None,
    team_id: int = 0,
    measured: Mapping[str, Measurement] | None = None,
    splits: Mapping[str, Split] | None = None,
) -> list[Block]:
    """The board (25 blocks at most: a header, the level, a title per step, a row per
    criterion — with *Update* when ``team_id`` is given — the recent changes, a footer;
    and a line under each criterion whose owners' answers split, with their notes: 40
    at most). ``history`` holds at least each criterion's latest change and the newest
    ones."""
    name = escape_mrkdwn(truncate(team_name, 80))
    facts = [
        MarkdownTextObject(
            text=f":bar_chart: Measured: {escape_and_truncate(m.evidence, EVIDENCE_SHOWN)}"
        )
        for cid, m in sorted((measured or {}).items())
        if is_context(cid)
    ]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Criteria board · {team_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{name}* is at {level_phrase(level)}"
                    if level is not None
                    else f"*{name}* has not been assessed yet"
                ),
                *facts[:9],
            ]
        ),
    ]
    for step in STEPS:
        done = all(
            board.get(c.id) and status_of(str(board[c.id].status)) is Status.MET
            for c in step.criteria
        )
        title = f"*Level {step.into} — {escape_mrkdwn(step.name)}*" + (" · done" if done else "")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=title)]))
        for c in step.criteria:
            line = fit_section(
                _row(c, board.get(c.id), history, runbook, (measured or {}).get(c.id))
            )
            blocks.append(
                SectionBlock(
                    block_id=f"{BlockId.BOARD_CRITERION_PREFIX}{c.id}",
                    text=MarkdownTextObject(text=line),
                    accessory=update_button(team_id, c) if team_id else None,
                )
            )
            split = (splits or {}).get(c.id)
            if split is not None:
                blocks.append(board_split_block(split))
    if history:
        recent = list(history)[-HISTORY_SHOWN:][::-1]
        lines = [_recent_line(e) for e in recent]
        blocks += [
            DividerBlock(),
            SectionBlock(
                text=MarkdownTextObject(text=fit_section("*Recent changes*\n" + "\n".join(lines)))
            ),
        ]
    if team_id:
        history_command = f"history {' '.join(team_name.split())}"
        if len(history_command) <= 2000:
            blocks.append(
                ActionsBlock(
                    block_id=BlockId.BOARD_ACTIONS,
                    elements=[
                        ButtonElement(
                            text="History",
                            action_id=ActionId.COMMAND_RUN,
                            value=history_command,
                        )
                    ],
                )
            )
    how = (
        f"*Update* moves a criterion (so does `{COMMAND} set <criterion id> <value>`); "
        if team_id
        else ""
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{how}`{COMMAND} assess` updates the whole board. The runbook's "
                    "scripted share stands in for the check-in's answer only when the team "
                    f"says the runbook lists all of its operations (asked on `{COMMAND} "
                    f"runbook`). `{COMMAND} history` lists every change."
                )
            ]
        )
    )
    return blocks
