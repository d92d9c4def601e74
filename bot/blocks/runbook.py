"""Block Kit for the runbook: the ranked list, import previews, forms, reminders.

Built with slack_sdk's models, which check Slack's limits as they serialise. Titles,
sections, notes and URLs are the user's words: every one goes through ``escape_mrkdwn``
before it lands in mrkdwn (plain_text fields are not parsed by Slack). A runbook of any
size fits: the list is paged (:data:`PAGE_SIZE` operations a message) and so is the import
preview (:data:`PREVIEW_PAGE_SIZE` steps a modal page).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.assessment import nudge_block
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from conversations.nudges import Nudge
from conversations.runbook import (
    ADD_EXAMPLE,
    FREQUENCY_LABELS,
    MAX_MINUTES,
    NOTE_MAX,
    SECTION_MAX,
    TITLE_MAX,
    Frequency,
    Ranked,
    Summary,
    percent_phrase,
    toil_phrase,
)
from conversations.text import escape_mrkdwn, format_number, plural, truncate

PAGE_SIZE = 8
PREVIEW_PAGE_SIZE = 25
PREVIEW_LINES = 15
TITLE_SHOWN = 100
NAME_SHOWN = 60
SECTION_TEXT_MAX = 3000
PASTE_MAX = 3000  # Slack's cap on a plain-text input
GOAL = 80
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
REMIND_CHOICES = (("monday", "Next Monday"), ("2weeks", "In 2 weeks"), ("date", "Pick a date…"))
FREQUENCY_OPTIONS = [
    Option(value=f.value, text=FREQUENCY_LABELS[f].capitalize()) for f in Frequency
]
CODES = {
    Frequency.PER_DEPLOY: "p",
    Frequency.DAILY: "d",
    Frequency.WEEKLY: "w",
    Frequency.MONTHLY: "m",
    Frequency.QUARTERLY: "q",
    Frequency.YEARLY: "y",
}
FROM_CODE = {code: f for f, code in CODES.items()}


def q(title: str, limit: int = TITLE_SHOWN) -> str:
    """A user's title, quoted, shortened and safe for mrkdwn."""
    return f"“{escape_mrkdwn(truncate(title, limit))}”"


def name(team_name: str) -> str:
    return escape_mrkdwn(truncate(team_name, NAME_SHOWN))


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if USER_ID.match(user_id or "") else ""


def link(url: str, label: str) -> str:
    """A mrkdwn link to a URL we validated as http(s); never lets the URL close the link."""
    safe = escape_mrkdwn(url).replace("|", "%7C")
    return f"<{safe}|{escape_mrkdwn(label)}>"


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=label)


def frequency_option(frequency: Frequency) -> Option:
    return FREQUENCY_OPTIONS[list(Frequency).index(frequency)]


# ------------------------------------------------------------------ the ranked list


@dataclass(frozen=True)
class OpLine:
    """One operation as the list shows it."""

    ranked: Ranked
    section: str = ""
    owner: str = ""
    script_url: str = ""
    broken_note: str = ""
    keep_manual_reason: str = ""
    reminder: str = ""  # "Monday 2 June" when the viewer has a reminder set


@dataclass(frozen=True)
class RunbookPage:
    team_id: int
    team_name: str
    lines: list[OpLine]
    summary: Summary
    deploys_per_day: float
    deploys_known: bool
    page: int = 0
    note: str = ""  # mrkdwn, already safe: what just happened ("Removed “X”.")

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.lines) / PAGE_SIZE))


def _how_often(line: OpLine) -> str:
    op = line.ranked.op
    return f"{FREQUENCY_LABELS[op.frequency]} · {format_number(op.minutes)} min a run"


@dataclass(frozen=True)
class _Room:
    """How much of each user text an operation's line shows (before escaping)."""

    title: int = TITLE_SHOWN
    section: int = 40
    note: int = 120
    reason: int = 150
    link: bool = True


# Escaping can make a text five times longer (``&`` → ``&amp;``) and a script link may be
# 2,000 characters: when the full line would pass Slack's 3,000, show less of each text,
# then leave the link out, rather than cut the mrkdwn (and maybe an entity) in half.
_ROOMS = (_Room(), _Room(title=60, section=20, note=40, reason=40), _Room(60, 20, 40, 40, False))


def _op_text(line: OpLine) -> str:
    for room in _ROOMS:
        text = _op_text_in(line, room)
        if len(text) <= SECTION_TEXT_MAX:
            return text
    return truncate(text, SECTION_TEXT_MAX)  # pragma: no cover - the last room always fits


def _op_text_in(line: OpLine, room: _Room) -> str:
    op, r = line.ranked.op, line.ranked
    section = f"_{escape_mrkdwn(truncate(line.section, room.section))}_ · " if line.section else ""
    title = escape_mrkdwn(truncate(op.title, room.title))
    extras: list[str] = []
    if line.owner and mention(line.owner):
        extras.append(f"owner {mention(line.owner)}")
    if op.broken:
        what = " and ".join(
            w for w, on in (("fails often", op.fails), ("differs by person", op.differs)) if on
        )
        note = f" — {q(line.broken_note, room.note)}" if line.broken_note else ""
        extras.append(f":warning: broken: {what}{note}")
    if line.reminder:
        extras.append(f":alarm_clock: you'll be reminded {escape_mrkdwn(line.reminder)}")
    if op.scripted:
        script = f" ({link(line.script_url, 'script')})" if line.script_url and room.link else ""
        head = f":white_check_mark: *{title}*"
        saves = f"saves *{toil_phrase(r.toil)} a month*"
        body = f"{section}scripted{script} · {_how_often(line)} · {saves}"
    elif op.kept_manual:
        head = f":raised_hand: *{title}*"
        body = (
            f"{section}kept manual: {q(line.keep_manual_reason, room.reason)} · "
            f"{_how_often(line)} · {toil_phrase(r.toil)} a month"
        )
    else:
        head = f"*{r.rank}. {title}*"
        body = f"{section}{_how_often(line)} · *{toil_phrase(r.toil)} a month*"
    text = f"{head}\n{body}"
    if extras:
        text += "\n" + " · ".join(extras)
    return text


def remind_select(operation_id: int) -> StaticSelectElement:
    return StaticSelectElement(
        action_id=f"{ActionId.RUNBOOK_REMIND}:{operation_id}",
        placeholder="Remind me to script this",
        options=[_option(v, label) for v, label in REMIND_CHOICES],
    )


def _op_actions(line: OpLine, team_name: str) -> ActionsBlock:
    op = line.ranked.op
    elements: list[Any] = []
    if op.to_script:
        elements.append(remind_select(op.id))
    elements.append(
        ButtonElement(text="Edit", action_id=f"{ActionId.RUNBOOK_EDIT}:{op.id}", value=str(op.id))
    )
    elements.append(
        ButtonElement(
            text="Remove",
            action_id=f"{ActionId.RUNBOOK_REMOVE}:{op.id}",
            value=str(op.id),
            confirm=ConfirmObject(
                title="Remove it?",
                text=PlainTextObject(  # plain: the title is the user's, unescaped
                    text=truncate(
                        f"“{truncate(op.title, 80)}” leaves {truncate(team_name, 40)}'s "
                        "runbook, with any reminders about it.",
                        300,
                    )
                ),
                confirm="Remove",
                deny="Keep it",
                style="danger",
            ),
        )
    )
    return ActionsBlock(block_id=f"{BlockId.RUNBOOK_OP_ACTIONS_PREFIX}{op.id}", elements=elements)


def _summary_text(s: Summary) -> str:
    if not s.total:
        return ""
    done = (
        f"*{percent_phrase(s.share)}* of {plural(s.total, 'operation')} scripted (the goal is "
        f"{GOAL}%) · *{percent_phrase(s.toil_weighted_share)}* of the toil · "
        f"*{toil_phrase(s.toil_removed)} a month* of toil removed so far"
    )
    return f"{done}\n{toil_phrase(s.toil_manual)} a month is still done by hand."


def nav_buttons(team_id: int) -> list[ButtonElement]:
    return [
        ButtonElement(
            text="Add an operation",
            action_id=f"{ActionId.RUNBOOK_ADD}:{team_id}",
            value=str(team_id),
        ),
        ButtonElement(
            text="Paste a runbook",
            action_id=f"{ActionId.RUNBOOK_PASTE}:{team_id}",
            value=str(team_id),
        ),
    ]


def list_blocks(p: RunbookPage) -> list[Block]:
    """The ranked runbook: what to script next first, a page at a time."""
    blocks: list[Block] = [
        HeaderBlock(block_id=BlockId.RUNBOOK_HEADER, text=truncate(f"Runbook · {p.team_name}", 150))
    ]
    if p.note:
        blocks.append(
            SectionBlock(block_id=BlockId.RUNBOOK_NOTE, text=MarkdownTextObject(text=p.note))
        )
    if not p.lines:
        blocks += [
            SectionBlock(
                block_id=BlockId.RUNBOOK_SUMMARY,
                text=MarkdownTextObject(
                    text=f"Nothing in *{name(p.team_name)}*'s runbook yet. List the jobs your team "
                    "does by hand and I'll rank them by the toil they cost, so you script the "
                    f"ones that pay off first.\nAdd one: `{ADD_EXAMPLE}`\nOr import a whole "
                    f"runbook: paste it below, or `{COMMAND} runbook import https://…/runbook.md`."
                ),
            ),
            ActionsBlock(block_id=BlockId.RUNBOOK_NAV, elements=nav_buttons(p.team_id)),
        ]
        return blocks
    blocks.append(
        SectionBlock(
            block_id=BlockId.RUNBOOK_SUMMARY, text=MarkdownTextObject(text=_summary_text(p.summary))
        )
    )
    how = "Ranked by toil: runs a month × minutes a run."
    if any(line.ranked.op.frequency is Frequency.PER_DEPLOY for line in p.lines):
        rate = plural(p.deploys_per_day, "deploy")
        source = (
            "from your last check-in"
            if p.deploys_known
            else f"a guess until `{COMMAND} assess` records your real rate"
        )
        how += f" Per-deploy steps count {rate} a day ({source})."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=how)]))
    top = [line for line in p.lines if line.ranked.rank is not None][:3]
    if p.page == 0 and top:
        names = " · ".join(
            f"{line.ranked.rank}. {escape_mrkdwn(truncate(line.ranked.op.title, 60))} "
            f"({toil_phrase(line.ranked.toil)})"
            for line in top
        )
        blocks.append(
            SectionBlock(
                block_id=BlockId.RUNBOOK_TOP,
                text=MarkdownTextObject(text=f"*Script next:* {names}"),
                accessory=ButtonElement(
                    text="Remind me about these" if len(top) > 1 else "Remind me about it",
                    action_id=f"{ActionId.RUNBOOK_REMIND_TOP}:{p.team_id}",
                    value=",".join(str(line.ranked.op.id) for line in top),
                    style="primary",
                ),
            )
        )
    blocks.append(DividerBlock())
    page = min(max(p.page, 0), p.pages - 1)
    for line in p.lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.RUNBOOK_OP_PREFIX}{line.ranked.op.id}",
                text=MarkdownTextObject(text=_op_text(line)),
            )
        )
        blocks.append(_op_actions(line, p.team_name))
    blocks.append(DividerBlock())
    nav: list[ButtonElement] = []
    if page > 0:
        nav.append(
            ButtonElement(
                text="‹ Previous",
                action_id=f"{ActionId.RUNBOOK_PAGE}:{p.team_id}:prev",
                value=str(page - 1),
            )
        )
    if page < p.pages - 1:
        nav.append(
            ButtonElement(
                text="Next ›",
                action_id=f"{ActionId.RUNBOOK_PAGE}:{p.team_id}:next",
                value=str(page + 1),
            )
        )
    blocks.append(
        ActionsBlock(block_id=BlockId.RUNBOOK_NAV, elements=[*nav, *nav_buttons(p.team_id)])
    )
    if p.pages > 1:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Page {page + 1} of {p.pages} · {plural(len(p.lines), 'operation')}"
                    )
                ]
            )
        )
    return blocks


def list_text(p: RunbookPage) -> str:
    s = p.summary
    if not s.total:
        return f"{escape_mrkdwn(p.team_name)}'s runbook is empty."
    return (
        f"{escape_mrkdwn(p.team_name)}'s runbook: {percent_phrase(s.share)} of "
        f"{plural(s.total, 'operation')} scripted."
    )


def added_blocks(note: str, team_id: int) -> list[Block]:
    return [
        SectionBlock(
            block_id=BlockId.RUNBOOK_NOTE,
            text=MarkdownTextObject(text=note),
            accessory=ButtonElement(
                text="Show the runbook",
                action_id=f"{ActionId.RUNBOOK_SHOW}:{team_id}",
                value=str(team_id),
            ),
        )
    ]


# ------------------------------------------------------------------ import previews


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


def _step_line(step: dict[str, Any]) -> str:
    freq = FREQUENCY_LABELS[Frequency(step["frequency"])]
    done = " · :white_check_mark: scripted" if step.get("scripted") else ""
    reason = escape_mrkdwn(truncate(str(step.get("reason", "")), 60))
    return (
        f"• {escape_mrkdwn(truncate(str(step['title']), 80))} — *{freq}* _({reason})_ · "
        f"{format_number(step['minutes'])} min{done}"
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
    return [
        SectionBlock(
            block_id=BlockId.RUNBOOK_PREVIEW,
            text=MarkdownTextObject(
                text=f"*Import preview for {name(p.team_name)}* — "
                f"from `{_source(p.source_label)}`\n"
                + " · ".join(facts)
                + ". How often each step runs is my guess from its words: review them, or "
                "import as they are and edit later. Nothing is saved until you import."
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


@dataclass
class PreviewState:
    """What the preview modal carries in ``private_metadata`` from page to page."""

    key: str
    page: int
    codes: str
    response_url: str = ""
    channel_id: str = ""
    replace: bool = False  # the answer replaces the message the import started from

    def dumps(self) -> str:
        return json.dumps(
            {
                "k": self.key,
                "p": self.page,
                "f": self.codes,
                "r": self.response_url,
                "c": self.channel_id,
                "x": int(self.replace),
            },
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, raw: str) -> PreviewState:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls(
            key=str(data.get("k", "")),
            page=p if isinstance(p := data.get("p"), int) and 0 <= p < 10_000 else 0,
            codes=str(data.get("f", "")),
            response_url=str(data.get("r", "")),
            channel_id=str(data.get("c", "")),
            replace=bool(data.get("x")),
        )


def preview_modal(p: Preview, state: PreviewState) -> dict[str, Any]:
    """One page of the import preview: each step with its guessed frequency to adjust."""
    page = min(max(state.page, 0), p.pages - 1)
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
                "words. Change any that are off; nothing is saved until you import."
            ),
        )
    ]
    for offset, step in enumerate(steps):
        index = first + offset
        code = (
            state.codes[index] if index < len(state.codes) else CODES[Frequency(step["frequency"])]
        )
        frequency = FROM_CODE.get(code, Frequency(step["frequency"]))
        hint_parts = [
            str(step.get("section") or ""),
            f"{format_number(step['minutes'])} min a run"
            + (" (a guess)" if step.get("minutes_guessed") else ""),
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
                hint=truncate(" · ".join(h for h in hint_parts if h), 150),
                optional=True,
            )
        )
    submit = (
        truncate(f"Import {n} steps" if n != 1 else "Import 1 step", 24) if last else "Next page"
    )
    return View(
        type="modal",
        callback_id=CallbackId.RUNBOOK_PREVIEW,
        title="Import runbook",
        submit=submit,
        close="Cancel",
        private_metadata=state.dumps(),
        blocks=blocks,
    ).to_dict()


def _question_modal(
    callback_id: str, title: str, submit: str, metadata: str, intro: str, field: Block
) -> dict[str, Any]:
    """A modal that says one thing and asks one thing."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=metadata,
        blocks=[SectionBlock(text=MarkdownTextObject(text=intro)), field],
    ).to_dict()


def paste_modal(team_name: str, metadata: str) -> dict[str, Any]:
    return _question_modal(
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


# ------------------------------------------------------------------ the add / edit form


@dataclass(frozen=True)
class FormValues:
    title: str = ""
    frequency: Frequency = Frequency.WEEKLY
    minutes: int = 30
    section: str = ""
    scripted: bool = False
    script_url: str = ""
    fails: bool = False
    differs: bool = False
    broken_note: str = ""
    keep_manual_reason: str = ""
    owner: str = ""


SCRIPTED_OPTION = _option("scripted", "It's scripted")
FAILS_OPTION = _option("fails", "It fails often")
DIFFERS_OPTION = _option("differs", "People get different results")


def _text_input(
    block_id: str,
    label: str,
    value: str,
    *,
    max_length: int,
    optional: bool = False,
    multiline: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(
            action_id=ActionId.RUNBOOK_INPUT,
            initial_value=value[:max_length] or None,
            max_length=max_length,
            multiline=multiline,
            placeholder=placeholder,
        ),
        optional=optional,
        hint=hint,
    )


def form_modal(values: FormValues, *, team_name: str, metadata: str, new: bool) -> dict[str, Any]:
    """Add an operation, or edit one (every field prefilled)."""
    broken = [o for o, on in ((FAILS_OPTION, values.fails), (DIFFERS_OPTION, values.differs)) if on]
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=f"*{name(team_name)}*'s runbook")]),
        _text_input(
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
        InputBlock(
            block_id=BlockId.RUNBOOK_MINUTES,
            label="Minutes one run takes",
            element=NumberInputElement(
                action_id=ActionId.RUNBOOK_INPUT,
                is_decimal_allowed=False,
                initial_value=str(values.minutes),
                min_value="1",
                max_value=str(MAX_MINUTES),
            ),
        ),
        _text_input(
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
        InputBlock(
            block_id=BlockId.RUNBOOK_SCRIPT_URL,
            label="Link to the script",
            element=UrlInputElement(
                action_id=ActionId.RUNBOOK_INPUT, initial_value=values.script_url or None
            ),
            optional=True,
            hint="A link counts as scripted. Clear both to put it back on the to-script list.",
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
        _text_input(
            BlockId.RUNBOOK_BROKEN_NOTE,
            "What goes wrong",
            values.broken_note,
            max_length=NOTE_MAX,
            optional=True,
            multiline=True,
        ),
        _text_input(
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


# ------------------------------------------------------------------ reminders


def date_modal(initial: date, metadata: str, what: str) -> dict[str, Any]:
    return _question_modal(
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
    return _question_modal(
        CallbackId.RUNBOOK_SCRIPTED,
        "Scripted ✓",
        "Save",
        metadata,
        f"Nice work on {q(title)}! Where does the script live?",
        InputBlock(
            block_id=BlockId.RUNBOOK_SCRIPT_URL,
            label="Link to the script",
            element=UrlInputElement(action_id=ActionId.RUNBOOK_INPUT, initial_value=url or None),
            hint="The file in version control, or the pipeline job that runs it: where a "
            "newcomer will find it.",
        ),
    )


def keep_manual_modal(title: str, metadata: str) -> dict[str, Any]:
    return _question_modal(
        CallbackId.RUNBOOK_KEEP_MANUAL,
        "Keep it manual",
        "Save",
        metadata,
        f"Fine by me: some jobs are cheaper by hand. Why keep {q(title)} manual? "
        "I'll stop reminding you about it.",
        _text_input(
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
) -> list[Block]:
    place = f"#{rank} of {total} to script in" if rank else "in"
    return [
        SectionBlock(
            block_id=BlockId.REMINDER,
            text=MarkdownTextObject(
                text=f":alarm_clock: *Time to script {q(title)}?*\nIt costs about "
                f"*{toil_phrase(toil)} of hands-on work a month* ({FREQUENCY_LABELS[frequency]}, "
                f"{format_number(minutes)} min a run), {place} *{name(team_name)}*'s runbook."
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


def reminder_text(title: str, toil: float) -> str:
    return f"Time to script {q(title)}? It costs about {toil_phrase(toil)} of toil a month."


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
