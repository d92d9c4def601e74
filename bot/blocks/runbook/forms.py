"""The add / edit form of a runbook operation (every field prefilled when editing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.runbook.common import (
    FREQUENCY_OPTIONS,
    USER_ID,
    frequency_option,
    name,
    option,
    text_input,
)
from bot.slack.ids import ActionId, BlockId, CallbackId
from conversations.runbook.adding import (
    LOCATION_MAX,
    MAX_MINUTES,
    NOTE_MAX,
    SECTION_MAX,
    TITLE_MAX,
)
from conversations.runbook.ranking import Frequency
from conversations.text import format_number


@dataclass(frozen=True)
class FormValues:
    title: str = ""
    frequency: Frequency = Frequency.WEEKLY
    minutes: int = 30
    minutes_guessed: bool = False  # ``minutes`` is our guess: ask for the real figure
    section: str = ""
    scripted: bool = False
    script_url: str = ""
    fails: bool = False
    differs: bool = False
    broken_note: str = ""
    keep_manual_reason: str = ""
    owner: str = ""


SCRIPTED_OPTION = option("scripted", "It's scripted")
FAILS_OPTION = option("fails", "It fails often")
DIFFERS_OPTION = option("differs", "People get different results")


def _minutes_input(values: FormValues) -> InputBlock:
    """How long one run takes; when the figure is our guess it starts empty (left empty,
    the guess stays, still marked as one)."""
    guessed = values.minutes_guessed
    return InputBlock(
        block_id=BlockId.RUNBOOK_MINUTES,
        label="Minutes one run takes",
        element=NumberInputElement(
            action_id=ActionId.RUNBOOK_INPUT,
            is_decimal_allowed=False,
            initial_value=None if guessed else str(values.minutes),
            min_value="1",
            max_value=str(MAX_MINUTES),
            placeholder=f"a guess: {format_number(values.minutes)}" if guessed else None,
        ),
        optional=guessed,
        hint=(
            f"{format_number(values.minutes)} min is my guess: nobody has said yet. Type the "
            "real figure, or leave it empty to keep the guess."
            if guessed
            else None
        ),
    )


def form_modal(values: FormValues, *, team_name: str, metadata: str, new: bool) -> dict[str, Any]:
    """Add an operation, or edit one (every field prefilled)."""
    broken = [o for o, on in ((FAILS_OPTION, values.fails), (DIFFERS_OPTION, values.differs)) if on]
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=f"*{name(team_name)}*'s runbook")]),
        text_input(
            BlockId.RUNBOOK_TITLE,
            "What is done by hand",
            values.title,
            max_length=TITLE_MAX,
            placeholder="Rotate TLS certificates",
        ),
        InputBlock(
            block_id=BlockId.RUNBOOK_FREQUENCY,
            label="How often",
            element=StaticSelectElement(
                action_id=ActionId.RUNBOOK_INPUT,
                options=FREQUENCY_OPTIONS,
                initial_option=frequency_option(values.frequency),
            ),
        ),
        _minutes_input(values),
        text_input(
            BlockId.RUNBOOK_SECTION,
            "Section",
            values.section,
            max_length=SECTION_MAX,
            optional=True,
            placeholder="Deploys",
        ),
        InputBlock(
            block_id=BlockId.RUNBOOK_SCRIPTED,
            label="Scripted?",
            element=CheckboxesElement(
                action_id=ActionId.RUNBOOK_INPUT,
                options=[SCRIPTED_OPTION],
                initial_options=[SCRIPTED_OPTION] if values.scripted else None,
            ),
            optional=True,
        ),
        text_input(
            BlockId.RUNBOOK_SCRIPT_URL,
            "Where the script lives",
            values.script_url,
            max_length=LOCATION_MAX,
            optional=True,
            placeholder="ops/scripts/rotate-certs.sh, a git URL or a link",
            hint="Any location counts as scripted. Clear both to put it back on the to-script "
            "list.",
        ),
        InputBlock(
            block_id=BlockId.RUNBOOK_BROKEN,
            label="Is the process broken?",
            element=CheckboxesElement(
                action_id=ActionId.RUNBOOK_INPUT,
                options=[FAILS_OPTION, DIFFERS_OPTION],
                initial_options=broken or None,
            ),
            optional=True,
            hint="Fix a broken process before you script it, or the script repeats the mess.",
        ),
        text_input(
            BlockId.RUNBOOK_BROKEN_NOTE,
            "What goes wrong",
            values.broken_note,
            max_length=NOTE_MAX,
            optional=True,
            multiline=True,
        ),
        text_input(
            BlockId.RUNBOOK_KEEP_MANUAL,
            "Keep it manual because…",
            values.keep_manual_reason,
            max_length=NOTE_MAX,
            optional=True,
            multiline=True,
            hint="Leave empty to keep it on the list of things to script.",
        ),
        InputBlock(
            block_id=BlockId.RUNBOOK_OWNER,
            label="Owner",
            element=UserSelectElement(
                action_id=ActionId.RUNBOOK_INPUT,
                initial_user=values.owner if USER_ID.match(values.owner or "") else None,
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.RUNBOOK_FORM,
        title="Add an operation" if new else "Edit operation",
        submit="Add" if new else "Save",
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()
