"""The ranked runbook: what to script next first, then what to fix first, what stays manual
and what is scripted, a page at a time (:data:`PAGE_SIZE` operations a message), each
operation with its reminder menu, Edit and Remove; at the foot, what the runbook covers
(asked once: does it list all of the team's operations?)."""

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
    mention,
    name,
    option,
    q,
    script_place,
)
from bot.blocks.text import escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId, RunbookScopeAction
from conversations.model import criterion
from conversations.runbook.adding import ADD_EXAMPLE
from conversations.runbook.coverage import (
    SCRIPTED_CRITERION,
    Coverage,
    RunbookEvidence,
)
from conversations.runbook.ranking import (
    FREQUENCY_LABELS,
    Frequency,
    Group,
    Ranked,
    Summary,
    percent_phrase,
    toil_phrase,
)
from conversations.text import format_number, plural, truncate

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
    coverage: Coverage = Coverage.UNKNOWN  # what the team said its runbook lists

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.lines) / PAGE_SIZE))

    @property
    def evidence(self) -> RunbookEvidence:
        return RunbookEvidence(self.summary.scripted, self.summary.total, self.coverage)


def _how_often(line: OpLine) -> str:
    op = line.ranked.op
    guess = " _(a guess)_" if op.minutes_guessed else ""
    return f"{FREQUENCY_LABELS[op.frequency]} · {format_number(op.minutes)} min a run{guess}"


def _toil(r: Ranked) -> str:
    return toil_phrase(r.toil, estimated=r.estimated)


GROUP_HEADINGS: dict[Group, str] = {
    Group.SCRIPT_NEXT: "*To script*, most toil first",
    Group.FIX_FIRST: (
        ":construction: *Fix the process first* — these fail often or come out differently "
        "depending on who runs them, and a script would repeat that. Fix the steps, then clear "
        "the flag with Edit to rank them."
    ),
    Group.KEPT_MANUAL: "*Kept manual on purpose*",
    Group.SCRIPTED: "*Scripted*",
}


@dataclass(frozen=True)
class _Room:
    """How much of each user text an operation's line shows (before escaping)."""

    title: int = TITLE_SHOWN
    section: int = 40
    note: int = 120
    reason: int = 150
    link: bool = True
    location: int = 200  # a script location that is not a link, shown as text


# Escaping can make a text five times longer (``&`` → ``&amp;``) and a script link may be
# 2,000 characters: when the full line would pass Slack's 3,000, show less of each text,
# then leave the link out, rather than cut the mrkdwn (and maybe an entity) in half.
_ROOMS = (
    _Room(),
    _Room(title=60, section=20, note=40, reason=40, location=60),
    _Room(60, 20, 40, 40, False),
)


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
        script = ""
        if line.script_url and room.link:
            script = f" ({script_place(line.script_url, room.location)})"
        head = f":white_check_mark: *{title}*"
        saves = f"saves *{_toil(r)} a month*"
        body = f"{section}scripted{script} · {_how_often(line)} · {saves}"
    elif op.kept_manual:
        head = f":raised_hand: *{title}*"
        body = (
            f"{section}kept manual: {q(line.keep_manual_reason, room.reason)} · "
            f"{_how_often(line)} · {_toil(r)} a month"
        )
    elif r.rank is None:  # broken: its process comes first
        head = f":construction: *{title}*"
        body = f"{section}{_how_often(line)} · *{_toil(r)} a month*"
    else:
        head = f"*{r.rank}. {title}*"
        body = f"{section}{_how_often(line)} · *{_toil(r)} a month*"
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
    estimated = s.estimated > 0
    done = (
        f"*{percent_phrase(s.share)}* of {plural(s.total, 'operation')} scripted (the goal is "
        f"{GOAL}%) · *{percent_phrase(s.toil_weighted_share)}* of the toil · "
        f"*{toil_phrase(s.toil_removed, estimated=estimated)} a month* of toil removed so far"
    )
    manual = toil_phrase(s.toil_manual, estimated=estimated)
    text = f"{done}\n{manual[:1].upper()}{manual[1:]} a month is still done by hand"
    if estimated:
        text += (
            f" — an estimate: {plural(s.estimated, 'figure')} below "
            f"{'rests' if s.estimated == 1 else 'rest'} on a guess"
        )
    text += "."
    if s.fix_first:
        text += (
            f"\n:construction: {plural(s.fix_first, 'operation')} "
            f"{'is' if s.fix_first == 1 else 'are'} broken: fix the process before scripting."
        )
    return text


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
            "from your check-in"
            if p.deploys_known
            else f"assumed: a guess until `{COMMAND} assess` records your real rate"
        )
        how += f" Per-deploy steps count {rate} a day ({source})."
    if any(line.ranked.op.minutes_guessed for line in p.lines):
        how += " Minutes marked _(a guess)_ are my guesses: set the real ones with Edit."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=how)]))
    top = [line for line in p.lines if line.ranked.rank is not None][:3]
    if p.page == 0 and top:
        names = " · ".join(
            f"{line.ranked.rank}. {escape_mrkdwn(truncate(line.ranked.op.title, 60))} "
            f"({_toil(line.ranked)})"
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
    shown: Group | None = None
    for line in p.lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        if line.ranked.group is not shown:
            shown = line.ranked.group
            blocks.append(
                ContextBlock(
                    block_id=f"{BlockId.RUNBOOK_GROUP_PREFIX}{shown}",
                    elements=[MarkdownTextObject(text=GROUP_HEADINGS[shown])],
                )
            )
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
    return blocks + coverage_blocks(p)


def _scope_button(team_id: int, action: RunbookScopeAction, label: str) -> ButtonElement:
    return ButtonElement(
        text=label,
        action_id=f"{ActionId.RUNBOOK_SHOW}:{team_id}:{action}",
        value=str(action),
    )


def coverage_blocks(p: RunbookPage) -> list[Block]:
    """What the runbook's share counts for; the first time, the question (two buttons)."""
    e = p.evidence
    if not e.total:
        return []
    bar = escape_mrkdwn(criterion(SCRIPTED_CRITERION).label)
    found = f"From this runbook: *{escape_mrkdwn(e.counts())}* ({percent_phrase(e.share)})."
    if p.coverage is Coverage.UNKNOWN:
        return [
            SectionBlock(
                block_id=BlockId.RUNBOOK_SCOPE,
                text=MarkdownTextObject(
                    text=f"*Does this runbook list all of {name(p.team_name)}'s operations?* "
                    f"{found} If it lists them all, that share becomes the team's answer to "
                    f"“{bar}” and check-ins stop asking. If it lists only some (the manual ones "
                    "you want gone, say), it stays evidence beside the team's own answer."
                ),
            ),
            ActionsBlock(
                block_id=BlockId.RUNBOOK_SCOPE_ACTIONS,
                elements=[
                    _scope_button(p.team_id, RunbookScopeAction.ALL, "Yes, all of them"),
                    _scope_button(p.team_id, RunbookScopeAction.SOME, "No, only some"),
                ],
            ),
        ]
    if p.coverage is Coverage.ALL:
        text = (
            f"This runbook lists all of {name(p.team_name)}'s operations, so its share is the "
            f"team's answer to “{bar}”. {found}"
        )
        change = _scope_button(p.team_id, RunbookScopeAction.SOME, "It lists only some")
    else:
        text = (
            f"This runbook lists some of {name(p.team_name)}'s operations, so its share is "
            f"evidence: the team's own answer to “{bar}” stands. {found}"
        )
        change = _scope_button(p.team_id, RunbookScopeAction.ALL, "It lists all of them")
    return [
        SectionBlock(
            block_id=BlockId.RUNBOOK_SCOPE, text=MarkdownTextObject(text=text), accessory=change
        )
    ]


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
