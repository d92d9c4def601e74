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

from bot.slack.ids import ActionId
from conversations.assessment import Result
from conversations.explain import CriterionProgress, Explanation
from conversations.model import Question, QuestionKind, Section
from conversations.nudges import Nudge
from conversations.scoring import Status
from conversations.text import escape_and_truncate, escape_mrkdwn, truncate

SECTION_LABELS = {
    Section.CRITERIA: "Where you are",
    Section.CONTEXT: "Your scale",
    Section.PREREQUISITES: "Before the next step",
    Section.CULTURE: "How the team works",
}
STATUS_MARK = {
    Status.MET: ":white_check_mark:",
    Status.PARTLY: ":large_yellow_circle:",
    Status.NOT_MET: ":white_circle:",
    Status.UNKNOWN: ":grey_question:",
}
TEAM_NAME_LIMIT = 80
# Block id prefixes marking a question still waiting (its prompt) and an answered record.
ASKING = "ask."
ANSWERED = "answered."


def answer_action_id(assessment_id: int, index: int) -> str:
    """Unique within the block (Slack requires it); carries which check-in it belongs to."""
    return f"{ActionId.ASSESS_ANSWER}:{assessment_id}:{index}"


def answer_label(q: Question, value: str) -> str:
    for option in q.options:
        if option.value == value:
            return option.label
    unit = {QuestionKind.PERCENT: "%", QuestionKind.MINUTES: " min"}.get(q.kind, "")
    return f"{value}{unit}"


def _buttons(q: Question, assessment_id: int, chosen: str | None) -> list[ButtonElement]:
    buttons = []
    for i, option in enumerate(q.options):
        style = "primary" if chosen is not None and option.value == chosen else None
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


def intro_blocks(team_name: str, resumed: bool = False) -> list[Block]:
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    text = (
        f"Picking up the check-in for *{name}* where you left off."
        if resumed
        else f"Let's see where *{name}* stands on the automation ladder. "
        "A handful of questions, one at a time; click an earlier answer to change it."
    )
    return [SectionBlock(text=MarkdownTextObject(text=text))]


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
) -> list[Block]:
    ex = result.explanation
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Level {result.level} — {ex.level_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{name}* · {result.questions_asked} questions answered"
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
        missing = [*ex.missing_prerequisites, *ex.unknown_prerequisites]
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
    return f"{team_name}: Level {result.level} — {result.explanation.level_name}"


_VERDICT_MARK = {
    True: ":large_green_circle:",
    False: ":large_orange_circle:",
    None: ":grey_question:",
}


def resume_blocks(team_name: str, assessment_id: int, answered: int) -> list[Block]:
    name = escape_mrkdwn(truncate(team_name, TEAM_NAME_LIMIT))
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"You already have a check-in open for *{name}* "
                f"({answered} answered so far). Pick up where you left off, or start over?"
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
