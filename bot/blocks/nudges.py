"""Block Kit for nudges in a team's channel (issue 14) and for ``/maturity nudges``.

Each nudge is a section whose ``block_id`` is ``nudge.<rule id>`` (DESIGN.md), followed in
the daily message by its buttons: *Got it*, *Not relevant for us*, *Remind me later*, and
where the bot can help, one that does the next action (runs a command). Text is the
rules' plain text, escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import ActionId, BlockId, CallbackId
from conversations.nudges import Help, Nudge
from conversations.text import truncate

REASON_MAX = 500
SNOOZE_DAYS = 7
SUPPRESS_DAYS = 90

_HELP_BUTTONS: dict[Help, tuple[str, str]] = {
    Help.TARGET: ("Check in", "assess"),
    Help.RUNBOOK: ("Open the runbook", "runbook"),
    Help.REVIEW: ("Review the board", "board"),
    Help.CHECKIN: ("Check in", "assess"),
}


@dataclass(frozen=True)
class Shown:
    """A nudge as posted: its record (whose id the buttons carry)."""

    nudge: Nudge
    record_id: int


def nudge_text(nudge: Nudge) -> str:
    # Each part is cut before escaping, so an entity like &amp; is never split.
    return (
        f":bulb: *{escape_and_truncate(nudge.title, 150)}*\n"
        f"{escape_and_truncate(nudge.seen, 1200)} {escape_and_truncate(nudge.why, 800)}\n"
        f"*Next:* {escape_and_truncate(nudge.action, 700)}"
    )


def nudge_section(nudge: Nudge) -> SectionBlock:
    return SectionBlock(block_id=nudge.block_id, text=MarkdownTextObject(text=nudge_text(nudge)))


def _help_button(nudge: Nudge, team_name: str) -> ButtonElement | None:
    found = _HELP_BUTTONS.get(Help(nudge.help)) if nudge.help else None
    if found is None:
        return None
    label, command = found
    value = f"{command} {' '.join(team_name.split())}".strip()
    return ButtonElement(text=label, action_id=ActionId.COMMAND_RUN, value=value[:2000])


def nudge_buttons(nudge: Nudge, record_id: int, team_name: str) -> ActionsBlock:
    elements = [
        ButtonElement(
            text="Got it",
            action_id=f"{ActionId.NUDGE_GOT_IT}:{record_id}",
            value=nudge.id.value,
        ),
        ButtonElement(
            text="Not relevant for us",
            action_id=f"{ActionId.NUDGE_NOT_RELEVANT}:{record_id}",
            value=nudge.id.value,
        ),
        ButtonElement(
            text="Remind me later",
            action_id=f"{ActionId.NUDGE_SNOOZE}:{record_id}",
            value=nudge.id.value,
        ),
    ]
    helper = _help_button(nudge, team_name)
    if helper is not None:
        elements.insert(0, helper)
    return ActionsBlock(block_id=f"{BlockId.NUDGE_ACTIONS_PREFIX}{record_id}", elements=elements)


def daily_blocks(team_name: str, shown: Sequence[Shown]) -> list[Block]:
    """The team's one nudge message of the day: what is new, each with its buttons."""
    many = len(shown) > 1
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.NUDGES_HEADER,
            text=MarkdownTextObject(
                text=f"*{'A few things' if many else 'Something'} I noticed about "
                f"{escape_and_truncate(team_name, 80)}*"
            ),
        )
    ]
    for item in shown:
        blocks.append(nudge_section(item.nudge))
        blocks.append(nudge_buttons(item.nudge, item.record_id, team_name))
    return blocks


def daily_text(team_name: str, shown: Sequence[Shown]) -> str:
    titles = "; ".join(s.nudge.title for s in shown)
    return truncate(f"Nudges for {team_name}: {titles}", 3000)


ANSWERED_WORDS = {
    "got_it": "noted by {who}",
    "not_relevant": "not relevant for this team, said {who}; quiet for 90 days",
    "snoozed": "{who} asked to be reminded in 7 days",
}


def answered_blocks(
    blocks: list[dict], record_id: int, outcome: str, user_id: str, title: str
) -> list[dict]:
    """The message with one nudge's section and buttons replaced by what was answered."""
    actions_id = f"{BlockId.NUDGE_ACTIONS_PREFIX}{record_id}"
    index = next((i for i, b in enumerate(blocks) if b.get("block_id") == actions_id), None)
    if index is None:
        return blocks
    words = ANSWERED_WORDS.get(outcome, "answered by {who}").format(who=f"<@{user_id}>")
    note = ContextBlock(
        block_id=f"{BlockId.NUDGE_ANSWERED_PREFIX}{record_id}",
        elements=[MarkdownTextObject(text=f":white_check_mark: _{escape_mrkdwn(title)}_: {words}")],
    ).to_dict()
    start = (
        index - 1
        if index > 0 and str(blocks[index - 1].get("block_id", "")).startswith(BlockId.NUDGE_PREFIX)
        else index
    )
    return [*blocks[:start], note, *blocks[index + 1 :]]


def list_blocks(team_name: str, nudges: Sequence[Nudge]) -> list[Block]:
    """``/maturity nudges``: the team's active nudges, or that there are none."""
    name = escape_and_truncate(team_name, 80)
    if not nudges:
        return [
            SectionBlock(
                block_id=BlockId.NUDGES_NONE,
                text=MarkdownTextObject(
                    text=f"Nothing to nudge {name} about right now: no mistake in sight, "
                    "and nothing it said to raise later is due."
                ),
            )
        ]
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.NUDGES_HEADER,
            text=MarkdownTextObject(text=f"*Active nudges for {name}*"),
        )
    ]
    blocks.extend(nudge_section(n) for n in nudges)
    return blocks


def reason_view(record_id: int, title: str) -> View:
    """*Not relevant for us*: quiet for 90 days already; why, if they want to say."""
    return View(
        type="modal",
        callback_id=CallbackId.NUDGE_REASON,
        private_metadata=str(record_id),
        title="Not relevant for us",
        submit="Save",
        close="Skip",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"I won't raise _{escape_and_truncate(title, 150)}_ for this team "
                    f"for {SUPPRESS_DAYS} days. Want to say why? It helps whoever reads the "
                    "team's history."
                )
            ),
            InputBlock(
                block_id=BlockId.NUDGE_REASON,
                label="Why it doesn't apply (optional)",
                optional=True,
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=REASON_MAX
                ),
            ),
        ],
    )
