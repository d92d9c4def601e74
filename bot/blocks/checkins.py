"""Block Kit for the weekly check-in DM: one message with everything a person can act on.

Contract (DESIGN.md, "Weekly check-ins"): a question's buttons sit in a block whose
``block_id`` is the criterion id; each button's ``value`` is the answer — ``yes``,
``no``, ``partly``, ``skip``, or a representative number for a range. The message is
re-rendered in place after every answer (the chosen button marked), and once more when
it closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    TextObject,
)
from slack_sdk.models.views import View

from bot.blocks.assessment import answer_label
from bot.blocks.criteria import source_words, team_words, who
from bot.blocks.criteria import who as who_of
from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from conversations.board import NOTE_MAX, STATUS_WORDS, status_of
from conversations.checkins import SKIP, split_phrase
from conversations.model import criterion, level_name, question
from conversations.scoring import Status
from conversations.text import truncate

NOTE_LIMIT = 200  # a note with an answer: a short reason, not an essay
NOTES_SHOWN = 4  # notes shown with one split (a context block holds 10 elements)


@dataclass(frozen=True)
class ChangeLine:
    criterion_id: str
    old_status: str | None
    status: str
    user_id: str
    source: str


@dataclass(frozen=True)
class CheckInView:
    checkin_id: int
    team_id: int
    team_name: str
    level: int | None
    questions: Sequence[str]
    answers: dict[str, str]
    confirming: frozenset[str] = frozenset()  # met criteria asked again (90 days unconfirmed)
    changes: Sequence[ChangeLine] = field(default_factory=tuple)
    due_back: str = ""  # "Tuesday 2 December at 10:00"
    closed: str = ""  # "answered" | "missed" | "closed" | "" (open)
    note: str = ""  # what they said was newly scripted (plain text)
    reasons: dict[str, str] = field(default_factory=dict)  # criterion id -> their note on it
    measured: dict[str, MeasuredAsk] = field(default_factory=dict)  # criterion id -> the ask


USED, KEPT = "used", "kept"  # how a measurement's confirmation was answered
USE, KEEP = "use", "keep"  # its buttons' values


@dataclass(frozen=True)
class MeasuredAsk:
    """A measurement that differs from a person's value, asked to confirm: its words with
    source and window, what the person said (in words), and how it was answered (""
    while open, :data:`USED` or :data:`KEPT`)."""

    evidence: str
    said: str
    outcome: str = ""


def measured_action_id(checkin_id: int, q_index: int, option_index: int) -> str:
    return f"{ActionId.CHECKIN_MEASURED}:{checkin_id}:{q_index}:{option_index}"


def answer_action_id(checkin_id: int, q_index: int, option_index: int) -> str:
    """Unique within the message (Slack requires it); carries the check-in's id."""
    return f"{ActionId.CHECKIN_ANSWER}:{checkin_id}:{q_index}:{option_index}"


def checkin_text(view: CheckInView) -> str:
    left = len([c for c in view.questions if c not in view.answers])
    if view.closed:
        return f"Weekly check-in for {escape_mrkdwn(view.team_name)}: closed"
    return (
        f"Weekly check-in for {escape_mrkdwn(view.team_name)}: "
        f"{left} of {len(view.questions)} questions waiting"
    )


def checkin_blocks(view: CheckInView) -> list[Block]:
    name = team_words(view.team_name)
    if view.level is None:
        where = "not on the ladder yet"
    else:
        where = f"Level {view.level} — {escape_mrkdwn(level_name(view.level))}"
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.CHECKIN_INTRO,
            text=MarkdownTextObject(
                text=f":wave: *Weekly check-in for {name}* ({where}). "
                f"{len(view.questions)} quick questions about where the team's next step "
                "stands; each answer goes straight onto the board."
            ),
        )
    ]
    for qi, cid in enumerate(view.questions):
        blocks += _question(view, qi, cid)
    blocks.append(DividerBlock())
    blocks.append(_scripted(view))
    blocks.append(_board(view))
    blocks.append(ContextBlock(block_id=BlockId.CHECKIN_FOOTER, elements=[_footer(view)]))
    return blocks


def note_action_id(checkin_id: int, q_index: int) -> str:
    return f"{ActionId.CHECKIN_NOTE}:{checkin_id}:{q_index}"


def may_note(closed: str) -> bool:
    """A note goes with a given answer while the check-in is open, or all answered."""
    return closed in ("", "answered")


def _question(view: CheckInView, qi: int, cid: str) -> list[Block]:
    ask = view.measured.get(cid)
    if ask is not None:
        return _measured(view, qi, cid, ask)
    q = question(cid)
    given = view.answers.get(cid)
    again = " _(still true? nobody has confirmed it for 90 days)_" if cid in view.confirming else ""
    prompt = f"*{escape_mrkdwn(q.prompt)}*{again}"
    if given is not None:
        shown = "skipped" if given == SKIP else escape_mrkdwn(answer_label(q, given))
        prompt += f" → *{shown}*"
    reason = " ".join(view.reasons.get(cid, "").split())
    noting = given is not None and given != SKIP and may_note(view.closed)
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"{BlockId.CHECKIN_QUESTION_PREFIX}{cid}",
            text=MarkdownTextObject(text=prompt),
            accessory=ButtonElement(
                text="Edit note" if reason else "Add a note",
                action_id=note_action_id(view.checkin_id, qi),
                value=cid,
                accessibility_label=truncate(f"A note on your answer to “{q.prompt}”", 75),
            )
            if noting
            else None,
        )
    ]
    if reason:  # as plain text: no mention, link or markup can come of it
        blocks.append(
            ContextBlock(
                block_id=f"{BlockId.CHECKIN_NOTE_PREFIX}{cid}",
                elements=[
                    MarkdownTextObject(text=":memo: Your note:"),
                    PlainTextObject(text=f"“{truncate(reason, NOTE_LIMIT)}”", emoji=False),
                ],
            )
        )
    if view.closed:
        return blocks
    buttons = []
    for oi, option in enumerate(q.options):
        picked = given is not None and given in (option.value, option.band)
        buttons.append(
            ButtonElement(
                text=option.label,
                action_id=answer_action_id(view.checkin_id, qi, oi),
                value=option.value,
                style="primary" if picked else None,
            )
        )
    blocks.append(ActionsBlock(block_id=cid, elements=buttons))
    return blocks


def _measured(view: CheckInView, qi: int, cid: str, ask: MeasuredAsk) -> list[Block]:
    """A measurement to confirm: "Measured: median 7 min over 31 deploys, last 14 days —
    GitHub Actions. You said 25 min." with *Use the measurement* and *Keep my answer*."""
    label = escape_and_truncate(criterion(cid).label, 200)
    if ask.evidence:
        text = f"*{label}*\n:bar_chart: Measured: {escape_and_truncate(ask.evidence, 500)}."
    else:
        text = f"*{label}*\n:bar_chart: The measurement has expired since."
    if ask.said and ask.outcome != USED:
        text += f" You said {escape_and_truncate(ask.said, 100)}."
    if ask.outcome == USED:
        text += " → *Used the measurement*"
    elif ask.outcome == KEPT:
        text += " → *Kept your answer* (shown beside the measurement on the board)"
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"{BlockId.CHECKIN_QUESTION_PREFIX}{cid}", text=MarkdownTextObject(text=text)
        )
    ]
    if view.closed or ask.outcome:
        return blocks
    blocks.append(
        ActionsBlock(
            block_id=cid,
            elements=[
                ButtonElement(
                    text="Use the measurement",
                    action_id=measured_action_id(view.checkin_id, qi, 0),
                    value=USE,
                ),
                ButtonElement(
                    text="Keep my answer",
                    action_id=measured_action_id(view.checkin_id, qi, 1),
                    value=KEEP,
                ),
            ],
        )
    )
    return blocks


def _scripted(view: CheckInView) -> Block:
    text = "*Anything newly scripted or automated this week?* "
    if view.note:
        text += f"You said: _{escape_and_truncate(view.note, 500)}_"
    elif view.closed:
        text += "Nothing said."
    else:
        text += "Type it here in a line, or add it to the runbook."
    if view.closed:
        return SectionBlock(block_id=BlockId.CHECKIN_SCRIPTED, text=MarkdownTextObject(text=text))
    return SectionBlock(
        block_id=BlockId.CHECKIN_SCRIPTED,
        text=MarkdownTextObject(text=text),
        accessory=ButtonElement(
            text="Add to runbook",
            action_id=f"{ActionId.CHECKIN_RUNBOOK}:{view.team_id}",
            value=str(view.team_id),
        ),
    )


def _board(view: CheckInView) -> Block:
    if not view.changes:
        text = "*On the board this week:* nothing moved yet."
    else:
        lines = []
        for change in view.changes[:5]:
            label = escape_mrkdwn(criterion(change.criterion_id).label)
            before = STATUS_WORDS[status_of(change.old_status)] if change.old_status else "new"
            after = STATUS_WORDS[status_of(change.status)]
            lines.append(
                f"• {label}: {before} → *{after}* ({who(change.user_id)}, "
                f"{source_words(change.source)})"
            )
        text = "*On the board this week:*\n" + "\n".join(lines)
    return SectionBlock(block_id=BlockId.CHECKIN_BOARD, text=MarkdownTextObject(text=text))


def _footer(view: CheckInView) -> MarkdownTextObject:
    if view.closed == "answered":
        text = ":white_check_mark: All answered, thank you. See you next week."
    elif view.closed == "missed":
        text = "This check-in closed unanswered. Next week's will come as usual."
    elif view.closed:
        text = "This check-in has closed; the answers given are on the board."
    else:
        due = f"Answer by {escape_mrkdwn(view.due_back)}; " if view.due_back else ""
        text = f"{due}skip what you're not sure of. Away? `{COMMAND} away 2w` pauses check-ins."
    return MarkdownTextObject(text=text)


def reminder_text(team_name: str, left: int, closes: str) -> str:
    """The one gentle reminder (a reply under the check-in)."""
    return (
        f"A gentle nudge: {left} question{'s' if left != 1 else ''} still open in this week's "
        f"check-in for {escape_mrkdwn(team_name)} (just above). It closes {closes}."
    )


# ------------------------------------------------------------------ calibration


@dataclass(frozen=True)
class Split:
    """A disagreement as the team's channel sees it."""

    calibration_id: int
    team_name: str
    criterion_id: str
    groups: dict[Status, list[str]]  # status -> who said so
    settled: Status | None = None
    settled_by: str = ""
    why: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # who -> their note on their answer


SETTLE_WORDS = {Status.MET: "yes", Status.PARTLY: "partly", Status.NOT_MET: "no"}


def split_text(split: Split) -> str:
    label = criterion(split.criterion_id).label
    if split.settled is not None:
        return f"Settled: “{label}” is {STATUS_WORDS[split.settled]}"
    return f"{escape_mrkdwn(split.team_name)} disagrees on “{label}”: {split_phrase(split.groups)}"


def note_elements(split: Split) -> list[TextObject]:
    """Each note given with an answer in the split: ``<@U…> (no):`` then the note as
    plain text (no mention, link or markup can come of it), at most :data:`NOTES_SHOWN`."""
    out: list[TextObject] = []
    for status, people in split.groups.items():
        word = SETTLE_WORDS.get(status, STATUS_WORDS[status])
        for person in people:
            note = " ".join(split.notes.get(person, "").split())
            if note and len(out) < NOTES_SHOWN * 2:
                out.append(MarkdownTextObject(text=f"{who_of(person)} ({word}):"))
                out.append(PlainTextObject(text=f"“{truncate(note, NOTE_LIMIT)}”", emoji=False))
    return out


def notes_block(split: Split, block_id: str | None = None) -> Block | None:
    """Why people answered as they did, under a split (None: nobody gave a note)."""
    notes = note_elements(split)
    return ContextBlock(block_id=block_id, elements=notes) if notes else None


def board_split_block(split: Split) -> Block:
    """An open split on the board, under its criterion's row: the counts, each note."""
    head = MarkdownTextObject(
        text=f":scales: Split: {escape_mrkdwn(split_phrase(split.groups))}, not met until an "
        "owner settles it" + (" —" if split.notes else ".")
    )
    return ContextBlock(
        block_id=f"{BlockId.BOARD_SPLIT_PREFIX}{split.criterion_id}",
        elements=[head, *note_elements(split)],
    )


def split_blocks(split: Split) -> list[Block]:
    label = escape_mrkdwn(criterion(split.criterion_id).label)
    who = "; ".join(
        f"{SETTLE_WORDS.get(status, STATUS_WORDS[status])}: " + ", ".join(who_of(p) for p in people)
        for status, people in split.groups.items()
    )
    text = (
        f":scales: *{team_words(split.team_name)}* doesn't agree on *{label}*: "
        f"{escape_mrkdwn(split_phrase(split.groups))} ({who})."
    )
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"{BlockId.CALIBRATION_PREFIX}{split.criterion_id}",
            text=MarkdownTextObject(text=text),
        )
    ]
    notes = notes_block(split, BlockId.CALIBRATION_NOTES)
    if notes is not None:
        blocks.append(notes)
    if split.settled is not None:
        why = f": _{escape_and_truncate(split.why, 300)}_" if split.why else ""
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f":white_check_mark: Settled as *{STATUS_WORDS[split.settled]}* "
                        f"by {who_of(split.settled_by)}{why}"
                    )
                ]
            )
        )
        return blocks
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Until an owner settles it, it counts as not met on the board."
                )
            ]
        )
    )
    blocks.append(
        ActionsBlock(
            block_id=BlockId.CALIBRATION_ACTIONS,
            elements=[
                ButtonElement(
                    text=f"Settle: {SETTLE_WORDS.get(status, STATUS_WORDS[status])}",
                    action_id=f"{ActionId.CHECKIN_SETTLE}:{split.calibration_id}:{status.value}",
                    value=status.value,
                )
                for status in split.groups
            ],
        )
    )
    return blocks


def settle_modal(split: Split, status: Status, metadata: str) -> View:
    label = criterion(split.criterion_id).label
    notes = notes_block(split, BlockId.CALIBRATION_NOTES)
    return View(
        type="modal",
        callback_id=CallbackId.CHECKIN_SETTLE,
        title="Settle it",
        submit="Settle",
        close="Cancel",
        private_metadata=metadata,
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape_and_truncate(label, 200)}* is "
                    f"*{STATUS_WORDS[status]}*. {escape_mrkdwn(split_phrase(split.groups))}."
                )
            ),
            *([notes] if notes is not None else []),
            InputBlock(
                block_id=BlockId.CALIBRATION_WHY,
                label="Why?",
                element=PlainTextInputElement(
                    action_id=ActionId.RUNBOOK_INPUT, multiline=True, max_length=NOTE_MAX
                ),
                hint="Kept with the board's history, and said in the channel.",
            ),
        ],
    )


# ------------------------------------------------------------------ team-wide result


@dataclass(frozen=True)
class Agreement:
    criterion_id: str
    groups: dict[Status, list[str]]  # status -> who said so (skips left out)


def round_text(team_name: str, level: int | None) -> str:
    shown = "not placed yet" if level is None else f"Level {level}"
    return f"Team-wide check-in for {escape_mrkdwn(team_name)}: {shown}"


def round_blocks(
    team_name: str, asked: int, answered: int, agreements: Sequence[Agreement], level: int | None
) -> list[Block]:
    """Agreement per criterion first, then the level (issue 13: several people, one truth)."""
    lines = []
    for a in agreements:
        label = escape_mrkdwn(criterion(a.criterion_id).label)
        said = sum(len(p) for p in a.groups.values())
        if not a.groups:
            lines.append(f":grey_question: {label} — nobody was sure")
        elif len(a.groups) == 1:
            [(status, _people)] = a.groups.items()
            word = SETTLE_WORDS.get(status, STATUS_WORDS[status])
            everyone = "both" if said == 2 else f"all {said}" if said > 2 else "1"
            verb = "says" if said == 1 else "say"
            lines.append(f":white_check_mark: {label} — {everyone} {verb} {word}")
        else:
            lines.append(f":scales: {label} — {escape_mrkdwn(split_phrase(a.groups))}")
    split = sum(1 for a in agreements if len(a.groups) > 1)
    head = (
        f"*Team-wide check-in for {team_words(team_name)}*: {answered} of {asked} people "
        f"answered. They agree on {len(agreements) - split} of {len(agreements)} criteria"
        + (f"; {split} split (settle them above, or on the board)." if split else ".")
    )
    shown = "not placed yet" if level is None else f"*Level {level}* — {level_name(level)}"
    return [
        SectionBlock(block_id=BlockId.TEAMWIDE_RESULT, text=MarkdownTextObject(text=head)),
        SectionBlock(text=MarkdownTextObject(text=truncate_lines("\n".join(lines)))),
        SectionBlock(
            block_id=BlockId.TEAMWIDE_LEVEL,
            text=MarkdownTextObject(text=f"With the split criteria counted as not met: {shown}."),
        ),
    ]


def truncate_lines(text: str, limit: int = 2900) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ a note with an answer


def note_modal(question_prompt: str, answer_words: str, note: str, metadata: str) -> View:
    """*Add a note*: a short reason with one answer, shown wherever the team sees a split."""
    return View(
        type="modal",
        callback_id=CallbackId.CHECKIN_NOTE,
        title="A note on your answer",
        submit="Save",
        close="Cancel",
        private_metadata=metadata,
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape_and_truncate(question_prompt, 300)}* → "
                    f"*{escape_and_truncate(answer_words, 100)}*"
                )
            ),
            InputBlock(
                block_id=BlockId.CHECKIN_NOTE,
                label="Why?",
                element=PlainTextInputElement(
                    action_id=ActionId.RUNBOOK_INPUT,
                    max_length=NOTE_LIMIT,
                    initial_value=note[:NOTE_LIMIT] or None,
                    placeholder="e.g. rollback is manual for the billing service",
                ),
                hint="Shown with your answer if the team's answers differ.",
            ),
        ],
    )
