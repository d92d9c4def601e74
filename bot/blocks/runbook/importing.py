"""Import previews: the card a URL import answers with, the preview modal (a page of
:data:`PREVIEW_PAGE_SIZE` steps at a time, each with its guessed frequency and its minutes to
set), the paste modal, and a modal that only says something."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.runbook.common import (
    FREQUENCY_OPTIONS,
    SECTION_TEXT_MAX,
    frequency_option,
    name,
    question_modal,
)
from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from bot.slack.metadata import PreviewMeta
from conversations.runbook.adding import MAX_MINUTES
from conversations.runbook.ranking import FREQUENCY_LABELS, Frequency
from conversations.text import format_number, plural, truncate

PREVIEW_PAGE_SIZE = 25
PREVIEW_LINES = 15
PASTE_MAX = 3000  # Slack's cap on a plain-text input
CODES = {
    Frequency.PER_DEPLOY: "p",
    Frequency.DAILY: "d",
    Frequency.WEEKLY: "w",
    Frequency.MONTHLY: "m",
    Frequency.QUARTERLY: "q",
    Frequency.YEARLY: "y",
}
FROM_CODE = {code: f for f, code in CODES.items()}


@dataclass(frozen=True)
class Preview:
    key: str
    team_name: str
    source_label: str
    steps: list[dict[str, Any]]

    @property
    def scripted(self) -> int:
        return sum(1 for s in self.steps if s.get("scripted"))

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.steps) / PREVIEW_PAGE_SIZE))

    @property
    def minutes_guessed(self) -> int:
        return sum(1 for s in self.steps if s.get("minutes_guessed"))


def _step_line(step: dict[str, Any]) -> str:
    freq = FREQUENCY_LABELS[Frequency(step["frequency"])]
    done = " · :white_check_mark: scripted" if step.get("scripted") else ""
    reason = escape_mrkdwn(truncate(str(step.get("reason", "")), 60))
    guess = " _(a guess)_" if step.get("minutes_guessed") else ""
    return (
        f"• {escape_mrkdwn(truncate(str(step['title']), 80))} — *{freq}* _({reason})_ · "
        f"{format_number(step['minutes'])} min{guess}{done}"
    )


def _source(label: str) -> str:
    return escape_mrkdwn(truncate(label, 120)).replace("`", "'")


def preview_card_blocks(p: Preview) -> list[Block]:
    """The ephemeral preview of a URL import: a summary, then Review / Import all / Cancel."""
    n = len(p.steps)
    lines: list[str] = []
    section = None
    used = 0
    shown = 0
    for step in p.steps[:PREVIEW_LINES]:
        line = _step_line(step)
        if step.get("section") and step["section"] != section:
            section = step["section"]
            line = f"*{escape_mrkdwn(truncate(section, 60))}*\n{line}"
        if used + len(line) + 1 > SECTION_TEXT_MAX - 40:
            break
        lines.append(line)
        used += len(line) + 1
        shown += 1
    if n > shown:
        lines.append(f"_…and {plural(n - shown, 'more step')}_")
    sections = len({s.get("section") for s in p.steps if s.get("section")})
    facts = [plural(n, "step"), f"{format_number(p.scripted)} already scripted"]
    if sections:
        facts.append(plural(sections, "section"))
    minutes = ""
    if p.minutes_guessed:
        minutes = (
            f" {plural(p.minutes_guessed, 'step')} {'says' if p.minutes_guessed == 1 else 'say'}"
            " nothing of how long a run takes: their minutes are guesses, marked as such until "
            "you set them (*Review and import* asks)."
        )
    return [
        SectionBlock(
            block_id=BlockId.RUNBOOK_PREVIEW,
            text=MarkdownTextObject(
                text=f"*Import preview for {name(p.team_name)}* — "
                f"from `{_source(p.source_label)}`\n"
                + " · ".join(facts)
                + ". How often each step runs is my guess from its words: review them, or "
                "import as they are and edit later."
                + minutes
                + " Nothing is saved until you import."
            ),
        ),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(
            block_id=BlockId.RUNBOOK_PREVIEW_ACTIONS,
            elements=[
                ButtonElement(
                    text="Review and import",
                    action_id=f"{ActionId.RUNBOOK_IMPORT_REVIEW}:{p.key}",
                    value=p.key,
                    style="primary",
                ),
                ButtonElement(
                    text=truncate(f"Import all {n} as guessed", 75),
                    action_id=f"{ActionId.RUNBOOK_IMPORT_ALL}:{p.key}",
                    value=p.key,
                ),
                ButtonElement(
                    text="Cancel",
                    action_id=f"{ActionId.RUNBOOK_IMPORT_CANCEL}:{p.key}",
                    value=p.key,
                ),
            ],
        ),
    ]


def preview_text(p: Preview) -> str:
    return f"Import preview: {plural(len(p.steps), 'step')} for {escape_mrkdwn(p.team_name)}"


def codes_of(steps: Sequence[dict[str, Any]]) -> str:
    """Every step's frequency, one letter each: what the preview modal carries page to page."""
    return "".join(CODES[Frequency(s["frequency"])] for s in steps)


def preview_modal(p: Preview, meta: PreviewMeta) -> dict[str, Any]:
    """One page of the import preview (``meta.page``): each step with its frequency so far
    (``meta.codes``, else the guess) to adjust. The modal carries ``meta`` page to page."""
    page = min(max(meta.page, 0), p.pages - 1)
    first = page * PREVIEW_PAGE_SIZE
    steps = p.steps[first : first + PREVIEW_PAGE_SIZE]
    n = len(p.steps)
    last = page == p.pages - 1
    pages = f" — page {page + 1} of {p.pages}" if p.pages > 1 else ""
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.RUNBOOK_PREVIEW,
            text=MarkdownTextObject(
                text=f"*{plural(n, 'step')}* for *{name(p.team_name)}*, from "
                f"`{_source(p.source_label)}`{pages}.\nI guessed how often each runs from its "
                "words: change any that are off. Give the minutes one run takes where you know "
                "them; an empty box keeps my guess, marked as one. Nothing "
                "is saved until you import."
            ),
        )
    ]
    for offset, step in enumerate(steps):
        index = first + offset
        code = meta.codes[index] if index < len(meta.codes) else CODES[Frequency(step["frequency"])]
        frequency = FROM_CODE.get(code, Frequency(step["frequency"]))
        hint_parts = [
            str(step.get("section") or ""),
            str(step.get("reason") or ""),
            "already scripted" if step.get("scripted") else "",
        ]
        blocks.append(
            InputBlock(
                block_id=f"{BlockId.RUNBOOK_STEP_PREFIX}{index}",
                label=truncate(f"{index + 1}. {step['title']}", 150),
                element=StaticSelectElement(
                    action_id=ActionId.RUNBOOK_INPUT,
                    options=FREQUENCY_OPTIONS,
                    initial_option=frequency_option(frequency),
                ),
                hint=truncate(" · ".join(h for h in hint_parts if h), 150) or None,
                optional=True,
            )
        )
        blocks.append(_minutes_input(index, step))
    submit = (
        truncate(f"Import {n} steps" if n != 1 else "Import 1 step", 24) if last else "Next page"
    )
    return View(
        type="modal",
        callback_id=CallbackId.RUNBOOK_PREVIEW,
        title="Import runbook",
        submit=submit,
        close="Cancel",
        private_metadata=meta.encode(),
        blocks=blocks,
    ).to_dict()


def _minutes_input(index: int, step: dict[str, Any]) -> InputBlock:
    """The minutes one run of a step takes: filled in when its words said, else empty with
    the guess shown (an empty box keeps the guess, still marked as one)."""
    minutes = format_number(step["minutes"])
    guessed = bool(step.get("minutes_guessed"))
    return InputBlock(
        block_id=f"{BlockId.RUNBOOK_STEP_MINUTES_PREFIX}{index}",
        label=f"Minutes one run of step {index + 1} takes",
        element=NumberInputElement(
            action_id=ActionId.RUNBOOK_INPUT,
            is_decimal_allowed=False,
            initial_value=None if guessed else minutes,
            min_value="1",
            max_value=str(MAX_MINUTES),
            placeholder=f"a guess: {minutes}" if guessed else None,
        ),
        optional=True,
    )


def paste_modal(team_name: str, metadata: str) -> dict[str, Any]:
    return question_modal(
        CallbackId.RUNBOOK_PASTE,
        "Paste a runbook",
        "Preview",
        metadata,
        f"Steps for *{name(team_name)}*'s runbook. You'll see what I found, with "
        "a guess of how often each step runs, before anything is saved.",
        InputBlock(
            block_id=BlockId.RUNBOOK_TEXT,
            label="Your runbook",
            element=PlainTextInputElement(
                action_id=ActionId.RUNBOOK_INPUT,
                multiline=True,
                max_length=PASTE_MAX,
                placeholder="1. Drain the node (10 min)  2. Patch and reboot  3. Check it",
            ),
            hint="Markdown or plain text: numbered or bulleted steps, headings for sections. A "
            "step with a code block or a line starting with $ counts as scripted already. "
            f"Longer than {PASTE_MAX:,} characters? Use {COMMAND} runbook import <URL>.",
        ),
    )


def notice_modal(text: str, title: str = "Runbook") -> dict[str, Any]:
    """A modal that only says something (no submit button)."""
    return View(
        type="modal",
        callback_id=CallbackId.RUNBOOK_NOTICE,
        title=truncate(title, 24),
        close="OK",
        blocks=[SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX)))],
    ).to_dict()
