"""Reminders to script an operation: the modal that picks a day, the reminder DM with its
three answers, the modals those answers open, the reminder once settled, and the nudges
that marking an operation for scripting may call for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.assessment import nudge_block
from bot.blocks.runbook.common import name, q, question_modal, text_input
from bot.slack.ids import ActionId, BlockId, CallbackId
from conversations.nudges import Nudge
from conversations.runbook.adding import LOCATION_MAX, NOTE_MAX
from conversations.runbook.ranking import FREQUENCY_LABELS, Frequency, toil_phrase
from conversations.text import format_number


def date_modal(initial: date, metadata: str, what: str) -> dict[str, Any]:
    return question_modal(
        CallbackId.RUNBOOK_REMIND_DATE,
        "Remind me on…",
        "Remind me",
        metadata,
        f"I'll DM you about {what} at 09:00 your time.",
        InputBlock(
            block_id=BlockId.RUNBOOK_DATE,
            label="Which day",
            element=DatePickerElement(
                action_id=ActionId.RUNBOOK_INPUT, initial_date=initial.isoformat()
            ),
        ),
    )


def scripted_modal(title: str, metadata: str, url: str = "") -> dict[str, Any]:
    return question_modal(
        CallbackId.RUNBOOK_SCRIPTED,
        "Scripted ✓",
        "Save",
        metadata,
        f"Nice work on {q(title)}! Where does the script live?",
        text_input(
            BlockId.RUNBOOK_SCRIPT_URL,
            "Where the script lives",
            url,
            max_length=LOCATION_MAX,
            optional=True,
            placeholder="ops/scripts/rotate-certs.sh, git@…:ops.git or a link",
            hint="A path in your repository, a git or ssh URL, a link to the pipeline job: "
            "wherever a newcomer will find it. Optional.",
        ),
    )


def keep_manual_modal(title: str, metadata: str) -> dict[str, Any]:
    return question_modal(
        CallbackId.RUNBOOK_KEEP_MANUAL,
        "Keep it manual",
        "Save",
        metadata,
        f"Fine by me: some jobs are cheaper by hand. Why keep {q(title)} manual? "
        "I'll stop reminding you about it.",
        text_input(
            BlockId.RUNBOOK_REASON,
            "Why",
            "",
            max_length=NOTE_MAX,
            multiline=True,
            placeholder="It runs once a year and the checklist does the job.",
        ),
    )


def reminder_blocks(
    *,
    operation_id: int,
    schedule_id: int,
    title: str,
    team_name: str,
    frequency: Frequency,
    minutes: int,
    toil: float,
    rank: int | None,
    total: int,
    estimated: bool = False,
    minutes_guessed: bool = False,
    deploys_assumed: bool = False,
) -> list[Block]:
    place = f"#{rank} of {total} to script in" if rank else "in"
    guess = ", a guess" if minutes_guessed else ""
    assumed = " (one deploy a day, assumed)" if deploys_assumed else ""
    costs = "It costs" if not estimated else "By our estimate it costs"
    return [
        SectionBlock(
            block_id=BlockId.REMINDER,
            text=MarkdownTextObject(
                text=f":alarm_clock: *Time to script {q(title)}?*\n{costs} "
                f"*{toil_phrase(toil, estimated=estimated)} of hands-on work a month* "
                f"({FREQUENCY_LABELS[frequency]}{assumed}, {format_number(minutes)} min a run"
                f"{guess}), "
                f"{place} *{name(team_name)}*'s runbook."
            ),
        ),
        ActionsBlock(
            block_id=BlockId.REMINDER_ACTIONS,
            elements=[
                ButtonElement(
                    text="Scripted ✓",
                    action_id=f"{ActionId.REMINDER_SCRIPTED}:{operation_id}",
                    value=str(schedule_id),
                    style="primary",
                ),
                ButtonElement(
                    text="Snooze 1 week",
                    action_id=f"{ActionId.REMINDER_SNOOZE}:{operation_id}",
                    value=str(schedule_id),
                ),
                ButtonElement(
                    text="Keep it manual",
                    action_id=f"{ActionId.REMINDER_KEEP_MANUAL}:{operation_id}",
                    value=str(schedule_id),
                ),
            ],
        ),
    ]


def reminder_text(title: str, toil: float, estimated: bool = False) -> str:
    return (
        f"Time to script {q(title)}? It costs {toil_phrase(toil, estimated=estimated)} of toil "
        "a month."
    )


def settled_blocks(text: str, context: str = "") -> list[Block]:
    """A reminder after its answer: what was decided, no buttons left to click."""
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.REMINDER, text=MarkdownTextObject(text=text))
    ]
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    return blocks


def nudge_message_blocks(intro: str, nudges: Sequence[tuple[Nudge, int | None]]) -> list[Block]:
    blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=intro)])]
    for nudge, record in nudges:
        blocks.append(nudge_block(nudge, record_id=record))
    return blocks
