"""The ranked runbook: what to script next first, a page at a time (:data:`PAGE_SIZE`
operations a message), each operation with its reminder menu, Edit and Remove."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.runbook.common import (
    SECTION_TEXT_MAX,
    TITLE_SHOWN,
    link,
    mention,
    name,
    option,
    q,
)
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.runbook.adding import ADD_EXAMPLE
from conversations.runbook.ranking import (
    FREQUENCY_LABELS,
    Frequency,
    Ranked,
    Summary,
    percent_phrase,
    toil_phrase,
)
from conversations.text import escape_mrkdwn, format_number, plural, truncate

PAGE_SIZE = 8
GOAL = 80
REMIND_CHOICES = (("monday", "Next Monday"), ("2weeks", "In 2 weeks"), ("date", "Pick a date…"))


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
        options=[option(v, label) for v, label in REMIND_CHOICES],
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
