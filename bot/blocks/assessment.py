"""Block Kit for the check-in: questions, answered records, the result, nudges.

Contracts (DESIGN.md): the block holding a question's answer buttons has the question id
as its ``block_id``; each button's ``value`` is the answer. Every nudge is a block whose
``block_id`` is ``nudge.<rule id>``. Built with slack_sdk's models, which check Slack's
limits (ids, text lengths, element counts) as they serialise.
"""

from __future__ import annotations

from collections.abc import Sequence

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

from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId
from conversations.assessment import Result
from conversations.explain import CriterionProgress, Explanation
from conversations.model import Question, QuestionKind, Section
from conversations.nudges import Nudge
from conversations.scoring import Status, shown_answer
from conversations.text import plural, truncate

SECTION_LABELS = {
    Section.CRITERIA: "Where you are",
    Section.GOAL: "Where you're heading",
    Section.CONTEXT: "Your scale",
    Section.PREREQUISITES: "Before the next step",
    Section.CULTURE: "How the team works",
}
STATUS_MARK = {
    Status.MET: ":white_check_mark:",
    Status.PARTLY: ":large_yellow_circle:",
    Status.NOT_MET: ":white_circle:",
    Status.UNKNOWN: ":grey_question:",
    Status.BLOCKED: ":no_entry:",
}
TEAM_NAME_LIMIT = 80
# Block id prefixes marking a question still waiting (its prompt) and an answered record.
ASKING = "ask."
ANSWERED = "answered."
# The result's header, suffixed with the check-in's id, so a corrected result can find and
# retire the one it replaces.
RESULT = "result."


def answer_action_id(assessment_id: int, index: int) -> str:
    """Unique within the block (Slack requires it); carries which check-in it belongs to."""
    return f"{ActionId.ASSESS_ANSWER}:{assessment_id}:{index}"


def _chose(option_value: str, option_band: str | None, value: str) -> bool:
    return value in (option_value, option_band)


def answer_label(q: Question, value: str) -> str:
    """An answer as the person gave it: the button's label ("50–79%") or what they typed
    ("65%", "2 hours"), never a number stood in for a range."""
    for option in q.options:
        if _chose(option.value, option.band, value):
            return option.label
    shown = shown_answer(q, value)
    if shown is not None:
        return shown
    unit = {QuestionKind.PERCENT: "%", QuestionKind.MINUTES: " min"}.get(q.kind, "")
    return f"{value}{unit}"


def _buttons(q: Question, assessment_id: int, chosen: str | None) -> list[ButtonElement]:
    buttons = []
    for i, option in enumerate(q.options):
        picked = chosen is not None and _chose(option.value, option.band, chosen)
        style = "primary" if picked else None
        buttons.append(
            ButtonElement(
                text=option.label,
                action_id=answer_action_id(assessment_id, i),
                value=option.value,
                style=style,
            )
        )
    return buttons


def question_blocks(q: Question, *, assessment_id: int, number: int, team_name: str) -> list[Block]:
    """A question waiting for its answer."""
    where = SECTION_LABELS.get(q.section, "")
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Check-in for *{escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))}*"
                    f" · question {number} · {where}"
                )
            ]
        ),
        SectionBlock(
            block_id=f"{ASKING}{q.id}",
            text=MarkdownTextObject(text=f"*{escape_mrkdwn(q.prompt)}*"),
        ),
        ActionsBlock(block_id=q.id, elements=_buttons(q, assessment_id, None)),
    ]
    if q.accepts_typing:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"Or just type it here. {escape_mrkdwn(q.hint)}")]
            )
        )
    return blocks


def answered_blocks(q: Question, *, assessment_id: int, number: int, value: str) -> list[Block]:
    """The compact record an answered question becomes; its buttons still change the answer."""
    label = escape_mrkdwn(answer_label(q, value))
    return [
        ContextBlock(
            block_id=f"{ANSWERED}{q.id}",
            elements=[MarkdownTextObject(text=f"{number}. {escape_mrkdwn(q.prompt)} → *{label}*")],
        ),
        ActionsBlock(block_id=q.id, elements=_buttons(q, assessment_id, value)),
    ]


def answered_text(q: Question, value: str) -> str:
    return f"{q.prompt} → {answer_label(q, value)}"


def dropped_blocks(q: Question) -> list[Block]:
    """A question that a changed answer made unnecessary."""
    return [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"~{escape_mrkdwn(q.prompt)}~ — not needed after your change"
                )
            ]
        )
    ]


def _how_many(expected: tuple[int, int]) -> str:
    low, high = expected
    if low == high:
        return plural(low, "question")
    return f"{low} to {high} questions"


def intro_blocks(
    team_name: str,
    resumed: bool = False,
    *,
    expected: tuple[int, int] | None = None,
    answered: int = 0,
) -> list[Block]:
    """The first message: whose check-in, honestly how long, and how to change or leave.

    ``expected`` is the fewest and most questions in all (the flow's own count)."""
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    if resumed:
        text = f"Picking up the check-in for *{name}* where you left off"
        if expected is not None and answered:
            text += f": {answered} answered, {_how_many(expected)} in all"
        text += "."
    else:
        text = f"Let's see where *{name}* stands on the automation ladder."
        if expected is not None:
            text += (
                f" It takes {_how_many(expected)}, one at a time: fewer if the team is early "
                "on the ladder, more the further up it is."
            )
    ways = (
        "Click an earlier answer to change it. Type *help* for how to answer, or *stop* to "
        "leave; what you've answered is kept."
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=ways)]),
    ]


def help_text(q: Question) -> str:
    """How to answer the waiting question, and how to leave (plain text, mrkdwn-safe)."""
    how = "Click one of the buttons under the question"
    if q.accepts_typing:
        how += f", or type the answer here. {q.hint}."
    else:
        how += ", or type yes, no or partly."
    return (
        f"{escape_mrkdwn(how)} Not sure? Click Skip or type *skip*: a skipped question "
        "counts as not known yet. To change an earlier answer, click a different button "
        f"on it. To leave, type *stop*: your answers are kept, and `{COMMAND} assess` in "
        "the team's channel picks up where you left off or starts over."
    )


def stopped_blocks(q: Question) -> list[Block]:
    """The waiting question, once the person typed stop: no buttons, a way back."""
    return [
        ContextBlock(
            block_id=f"stopped.{q.id}",
            elements=[
                MarkdownTextObject(
                    text=f"~{escape_mrkdwn(q.prompt)}~ — stopped here. "
                    f"`{COMMAND} assess` in the team's channel picks it up again."
                )
            ],
        )
    ]


def replaced_blocks() -> list[Block]:
    """An earlier result, once a corrected answer produced a new one."""
    return [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="This result was replaced after an answer changed; the updated one "
                    "is further down."
                )
            ]
        )
    ]


def _criterion_line(p: CriterionProgress) -> str:
    return f"{STATUS_MARK[p.status]} {escape_mrkdwn(p.label)} — _{escape_mrkdwn(p.detail)}_"


def nudge_block(nudge: Nudge, *, record_id: int | None) -> SectionBlock:
    # Each part is cut before escaping, so an entity like &amp; is never split.
    text = (
        f":bulb: *{escape_and_truncate(nudge.title, 150)}*\n"
        f"{escape_and_truncate(nudge.seen, 1200)} {escape_and_truncate(nudge.why, 800)}\n"
        f"*Next:* {escape_and_truncate(nudge.action, 700)}"
    )
    accessory = None
    if record_id is not None:
        accessory = ButtonElement(
            text="Dismiss",
            action_id=f"{ActionId.NUDGE_DISMISS}:{record_id}",
            value=nudge.id.value,
        )
    return SectionBlock(
        block_id=nudge.block_id,
        text=MarkdownTextObject(text=text),
        accessory=accessory,
    )


def result_blocks(
    result: Result,
    *,
    team_name: str,
    assessment_id: int,
    nudges: Sequence[tuple[Nudge, int | None]] | None = None,
    shareable: bool = True,
    shared_by: str | None = None,
    corrected: bool = False,
) -> list[Block]:
    ex = result.explanation
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    note = " · updated after an answer changed" if corrected else ""
    blocks: list[Block] = [
        HeaderBlock(
            block_id=f"{RESULT}{assessment_id}",
            text=truncate(f"Level {result.level} — {ex.level_name}", 150),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{name}* · {plural(result.questions_asked, 'question')} answered"
                    + note
                    + (f" · shared by <@{shared_by}>" if shared_by else "")
                )
            ]
        ),
        SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(_why(ex)))),
    ]
    if ex.in_place:
        lines = "\n".join(f"• {escape_mrkdwn(line)}" for line in ex.in_place[:8])
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*In place*\n{lines}")))
    if ex.next_step is not None:
        step = ex.next_step
        criteria = "\n".join(_criterion_line(p) for p in step.criteria)
        blocks += [
            DividerBlock(),
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Next step: Level {step.into} — {escape_mrkdwn(step.name)}* "
                    f"(typically {escape_mrkdwn(step.typical_duration)})\n{criteria}"
                )
            ),
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{_VERDICT_MARK[ex.pays_off]} {escape_mrkdwn(ex.pays_off_reason)}\n"
                    f"*Start with:* {escape_mrkdwn(step.first_move)}."
                )
            ),
        ]
        if ex.target_note:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=f":dart: {escape_mrkdwn(ex.target_note)}")
                )
            )
        # Unanswered groundwork is worth a mention only when the step is worth taking.
        unknown = ex.unknown_prerequisites if ex.pays_off is not False else ()
        missing = [*ex.missing_prerequisites, *unknown]
        if missing:
            names = "; ".join(escape_mrkdwn(p.label[:1].lower() + p.label[1:]) for p in missing)
            blocks.append(
                ContextBlock(
                    elements=[MarkdownTextObject(text=f"Get these in place first: {names}")]
                )
            )
    # (nudge, its record id for a Dismiss button); default: all of the result's, no button.
    shown = [(n, None) for n in result.nudges] if nudges is None else list(nudges)
    if shown:
        blocks.append(DividerBlock())
        for nudge, record in shown:
            blocks.append(nudge_block(nudge, record_id=record))
    if shareable:
        blocks.append(
            ActionsBlock(
                block_id="assess.result",
                elements=[
                    ButtonElement(
                        text="Share in the team channel",
                        action_id=f"{ActionId.ASSESS_SHARE}:{assessment_id}",
                        value=str(assessment_id),
                        style="primary",
                    )
                ],
            )
        )
    return blocks


def _why(ex: Explanation) -> str:
    """The summary, less its scale line when the "Worth it" line below says it anyway."""
    lines = ex.summary.split("\n")
    if ex.next_step is not None and lines and lines[-1] == ex.pays_off_reason:
        lines = lines[:-1]
    return "\n".join(lines)


def result_text(result: Result, team_name: str) -> str:
    return f"{escape_mrkdwn(team_name)}: Level {result.level} — {result.explanation.level_name}"


_VERDICT_MARK = {
    True: ":large_green_circle:",
    False: ":large_orange_circle:",
    None: ":grey_question:",
}


def resume_blocks(
    team_name: str, assessment_id: int, answered: int, *, stopped: bool = False
) -> list[Block]:
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    what = "You stopped a check-in for" if stopped else "You already have a check-in open for"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{what} *{name}* ({answered} answered so far). Pick up where you left "
                "off, or start over?"
            )
        ),
        ActionsBlock(
            block_id="assess.open",
            elements=[
                ButtonElement(
                    text="Resume",
                    action_id=f"{ActionId.ASSESS_RESUME}:{assessment_id}",
                    value=str(assessment_id),
                    style="primary",
                ),
                ButtonElement(
                    text="Start over",
                    action_id=f"{ActionId.ASSESS_RESTART}:{assessment_id}",
                    value=str(assessment_id),
                ),
            ],
        ),
    ]


def to_dicts(blocks: Sequence[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]
