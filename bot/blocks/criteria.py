"""Moving a criterion, in Block Kit: its Update form, what a change says (old → new, who,
from where, why), "did you mean …" for a criterion id, and the one message a level change
posts in the team's channel (first block ``level.change``, a contract)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from conversations.board import (
    BOARD_STATUSES,
    LINK_MAX,
    NOT_ANSWERED,
    NOTE_MAX,
    SOURCE_WORDS,
    STATUS_LABELS,
    STATUS_WORDS,
    BoardChange,
    BoardEntry,
    LevelStory,
    Moved,
    bar_phrase,
    format_value,
    unit_hint,
)
from conversations.model import MAX_LEVEL, Criterion, criterion, level_name, step_into
from conversations.scoring import Status
from conversations.text import join_and, plural, truncate

TEAM_SHOWN = 80
NOTE_SHOWN = 200
LINK_SHOWN = 1000  # a longer link is kept, but only said to be there
MOVES_SHOWN = 8
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
SECTION_MAX = 3000

STATUS_DESCRIPTIONS: dict[Status, str] = {
    Status.MET: "Done, and it holds",
    Status.PARTLY: "Under way, not there yet",
    Status.NOT_MET: "Not started, or short of the bar",
    Status.BLOCKED: "Stuck on something outside the team's hands",
}


def team_words(name: str) -> str:
    """A team's name in mrkdwn: one line, escaped, at most 80 characters."""
    return escape_mrkdwn(truncate(" ".join(name.split()), TEAM_SHOWN))


def who(user_id: str) -> str:
    """A Slack user id we stored from a payload as a mention; anything else as words."""
    if not user_id:
        return "maturity-bot"
    return f"<@{user_id}>" if user_id[:1] in ("U", "W") and user_id.isalnum() else "someone"


def source_words(source: str) -> str:
    return escape_mrkdwn(SOURCE_WORDS.get(source, source or "an update"))


def link_mrkdwn(url: str, label: str = "evidence") -> str:
    """An evidence link as a link when it is one Slack can show as such; otherwise said in
    words (a link with characters that would break the markup is never made clickable)."""
    if not url:
        return ""
    if len(url) > LINK_SHOWN or any(ch in url for ch in "<>| \n\t"):
        return "(evidence link kept)"
    return f"<{url.replace('&', '&amp;')}|{label}>"


def state_words(c: Criterion, status: Status | None, value: float | None) -> str:
    """``"met (7 min)"``, ``"in progress (65%)"``, ``"not answered"``."""
    if status is None or status is Status.UNKNOWN:
        return NOT_ANSWERED
    figure = format_value(c, value)
    return STATUS_WORDS.get(status, "unknown") + (f" ({figure})" if figure else "")


def change_words(change: BoardChange | Moved) -> str:
    """``*A deploy takes under 10 minutes*: not met (14 min) → met (7 min)``."""
    c = criterion(change.criterion_id)
    if isinstance(change, BoardChange):
        before, before_value = change.old_status, change.old_value
        after, after_value = change.status, change.value
    else:
        before, before_value = change.before, change.before_value
        after, after_value = change.after, change.after_value
    now = state_words(c, after, after_value)
    if before is None:
        return f"*{escape_mrkdwn(c.label)}*: {now}"
    if (before, before_value) == (after, after_value):
        return f"*{escape_mrkdwn(c.label)}*: still {now}"
    return f"*{escape_mrkdwn(c.label)}*: {state_words(c, before, before_value)} → {now}"


def why_words(note: str, link: str) -> str:
    """A change's note (quoted, escaped, cut) and its evidence link, on one line."""
    bits = []
    if note:
        bits.append(f"“_{escape_and_truncate(' '.join(note.split()), NOTE_SHOWN)}_”")
    if link:
        bits.append(link_mrkdwn(link))
    return " ".join(bits)


# ------------------------------------------------------------------ the Update form


def update_modal(
    *,
    team_name: str,
    c: Criterion,
    entry: BoardEntry | None,
    metadata: str,
) -> dict[str, Any]:
    """The Update form of criterion ``c`` on a team's board, prefilled with where it stands."""
    options = [
        Option(value=s.value, label=STATUS_LABELS[s], description=STATUS_DESCRIPTIONS[s])
        for s in BOARD_STATUSES
    ]
    current = next((o for o in options if entry and o.value == str(entry.status)), None)
    bar = f" The bar: {bar_phrase(c)}." if c.is_numeric else ""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape_mrkdwn(c.label)}*\n{team_words(team_name)} · step into "
                f"Level {c.step} — {escape_mrkdwn(level_name(c.step))}.{bar}"
            )
        ),
        InputBlock(
            block_id=BlockId.CRITERION_STATUS,
            label="Status",
            element=RadioButtonsElement(
                action_id=ActionId.RUNBOOK_INPUT, options=options, initial_option=current
            ),
            optional=c.is_numeric,  # a figure alone decides it
        ),
    ]
    if c.is_numeric:
        figure = format_value(c, entry.value if entry else None)
        blocks.append(
            InputBlock(
                block_id=BlockId.CRITERION_VALUE,
                label="Percentage" if c.kind.value == "percent" else "How long",
                element=PlainTextInputElement(
                    action_id=ActionId.RUNBOOK_INPUT,
                    initial_value=figure or None,
                    max_length=60,
                    placeholder="65%" if c.kind.value == "percent" else "14 min",
                ),
                optional=True,
                hint=f"{unit_hint(c)}. {bar_phrase(c).capitalize()} meets the bar.",
            )
        )
    blocks += [
        InputBlock(
            block_id=BlockId.CRITERION_LINK,
            label="Evidence link",
            element=PlainTextInputElement(
                action_id=ActionId.RUNBOOK_INPUT,
                max_length=LINK_MAX,
                placeholder="https://…",
            ),
            optional=True,
            hint="A dashboard, a pipeline run, a runbook page: whatever shows it.",
        ),
        InputBlock(
            block_id=BlockId.CRITERION_NOTE,
            label="Note",
            element=PlainTextInputElement(
                action_id=ActionId.RUNBOOK_INPUT, multiline=True, max_length=NOTE_MAX
            ),
            optional=True,
            hint="Kept in the history with the change.",
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.CRITERION_UPDATE,
        title="Update criterion",
        submit="Save",
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


# ------------------------------------------------------------------ `/maturity set`, answered


def level_words(before: int | None, after: int | None, *, channel: bool) -> str:
    """What a change did to the level, in a sentence (mrkdwn)."""
    if after is None or (before or 0) == after:
        return f"The team stays at Level {after if after is not None else 0}."
    told = (
        "Its channel hears about it in a minute."
        if channel
        else "The team has no channel, so nobody else is told."
    )
    if before is None or after > before:
        return f":arrow_up: That takes the team to *Level {after}* — {level_name(after)}. {told}"
    return f":arrow_down: That takes the team down to *Level {after}* — {level_name(after)}. {told}"


def changed_blocks(
    *,
    team_name: str,
    change: BoardChange | None,
    c: Criterion,
    level_before: int | None,
    level_after: int | None,
    channel: bool = True,
) -> list[Block]:
    """What a change did, for the person who made it."""
    if change is None:
        line = (
            f"*{escape_mrkdwn(c.label)}* is already at that on *{team_words(team_name)}*'s "
            "board: nothing changed."
        )
    else:
        line = f":white_check_mark: {change_words(change)} on *{team_words(team_name)}*'s board."
        why = why_words(change.note, change.link)
        if why:
            line += f"\n{why}"
    return [
        SectionBlock(text=MarkdownTextObject(text=line)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{level_words(level_before, level_after, channel=channel)} "
                    f"`{COMMAND} history` lists every change."
                )
            ]
        ),
    ]


def unknown_criterion_blocks(typed: str, suggestions: Sequence[str], rest: str) -> list[Block]:
    """ "I don't know a criterion `cd.deploy`" with the closest ids, each a button that
    runs the command with it (``rest``: what followed the id)."""
    shown = escape_and_truncate(" ".join(typed.split()), 80).replace("`", "'")
    if suggestions:
        ids = join_and([f"`{s}`" for s in suggestions])
        text = f"I don't know a criterion `{shown}`. Did you mean {ids}?"
    else:
        text = (
            f"I don't know a criterion `{shown}`. The ids are on `{COMMAND} board` and in "
            f"`{COMMAND} help`; for example `scripted.ops_80pct`."
        )
    blocks: list[Block] = [SectionBlock(block_id=BlockId.ERROR, text=MarkdownTextObject(text=text))]
    for i, cid in enumerate(suggestions):  # one block each: the Run button's id is fixed
        command = " ".join(f"set {cid} {rest}".split())
        if len(command) > BUTTON_VALUE_MAX:
            continue
        button = ButtonElement(
            text=truncate(f"Run {COMMAND} {command}", BUTTON_TEXT_MAX),
            action_id=ActionId.COMMAND_RUN,
            value=command,
        )
        blocks.append(
            ActionsBlock(block_id=f"{BlockId.CRITERION_SUGGESTIONS}.{i}", elements=[button])
        )
    return blocks


# ------------------------------------------------------------------ a level change, announced


def _moved_line(m: Moved) -> str:
    line = f"• {change_words(m)} — {who(m.user_id)}, {source_words(m.source)}"
    if m.note:
        line += f" {why_words(m.note, '')}"
    return line


def _needs_line(cid: str, status: Status) -> str:
    c = criterion(cid)
    word = NOT_ANSWERED if status is Status.UNKNOWN else STATUS_WORDS[status]
    mark = " :no_entry:" if status is Status.BLOCKED else ""
    return f"• {escape_mrkdwn(c.label)} — {word}{mark}"


def level_change_text(team_name: str, story: LevelStory) -> str:
    """The notification line: says "Level N"."""
    name = " ".join(team_name.split())[:TEAM_SHOWN]
    if story.from_level is None:
        return f"{name} is on the ladder at Level {story.to_level}."
    if story.up:
        return f"{name} reached Level {story.to_level} (up from Level {story.from_level})."
    return f"{name} dropped to Level {story.to_level} (down from Level {story.from_level})."


def level_change_blocks(team_name: str, story: LevelStory) -> list[Block]:
    """The one message a level change posts in the team's channel. Its first block is
    ``level.change`` and says "Level N"; then what changed and who changed it, which
    criteria fell (a drop), and what the next step needs now."""
    name, to = team_words(team_name), story.to_level
    if story.from_level is None:
        head = f":tada: *{name}* is on the ladder at *Level {to} — {level_name(to)}*."
    elif story.up:
        head = (
            f":tada: *{name}* reached *Level {to} — {level_name(to)}*, up from "
            f"Level {story.from_level}. Nicely done!"
        )
    else:
        names = [f"“{escape_mrkdwn(criterion(cid).label)}”" for cid in story.fell[:3]]
        if len(story.fell) > 3:
            names.append(f"{len(story.fell) - 3} more")
        verb = "is" if len(story.fell) == 1 else "are"
        head = (
            f":small_red_triangle_down: *{name}* dropped to *Level {to} — {level_name(to)}*, "
            f"down from Level {story.from_level}: {join_and(names)} {verb} no longer met."
        )
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.LEVEL_CHANGE, text=MarkdownTextObject(text=head))
    ]
    if story.moved:
        lines = [_moved_line(m) for m in story.moved[:MOVES_SHOWN]]
        if len(story.moved) > MOVES_SHOWN:
            lines.append(f"…and {plural(len(story.moved) - MOVES_SHOWN, 'more change')}")
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=fit_section("*What changed*\n" + "\n".join(lines)))
            )
        )
    if to >= MAX_LEVEL:
        nxt = "That's the top of the ladder: keep the automation trustworthy as you grow."
    else:
        step = step_into(to + 1)
        needs = "\n".join(_needs_line(cid, status) for cid, status in story.needs)
        nxt = (
            f"*Next: Level {step.into} — {escape_mrkdwn(step.name)}* "
            f"(teams usually take {step.typical_duration}) still needs:\n{needs}"
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=fit_section(nxt))))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"`{COMMAND} board` to move a criterion · `{COMMAND} history` for "
                    "every change"
                )
            ]
        )
    )
    return blocks


def fit_section(text: str, limit: int = SECTION_MAX) -> str:
    """Section text within Slack's limit, cut at a line so no markup is split."""
    if len(text) <= limit:
        return text
    lines, out, used = text.split("\n"), [], 0
    for line in lines:
        if used + len(line) + 1 > limit - 2:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out) + "\n…"
