"""Block Kit for the weekly digest: one compact parent message, one thread reply per team."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from conversations.digest import (
    Digest,
    TeamWeek,
    change_phrase,
    level_phrase,
    progress_bar,
)
from conversations.text import escape_mrkdwn, truncate

SECTION_LIMIT = 2900  # Slack allows 3,000 characters of section text
MAX_TEAM_SECTIONS = 40  # keep the parent well under 50 blocks
NUDGE_LABELS = {
    "skip_level": "skipping a level",
    "over_automation": "automating more than the scale needs",
    "broken_process": "automating a broken process",
    "cultural_readiness": "culture not ready for the next step",
    "ready_to_advance": "ready to advance",
}


def _name(week: TeamWeek) -> str:
    return escape_mrkdwn(truncate(week.name, 80))


def team_line(week: TeamWeek) -> str:
    if not week.assessed:
        return f"*{_name(week)}* · not assessed yet — run `/maturity assess` in its channel"
    if week.step_into is None:
        return f"*{_name(week)}* · {level_phrase(week.level)} · at the top · {change_phrase(week)}"
    bar = progress_bar(week.step_met, week.step_total)
    return (
        f"*{_name(week)}* · {level_phrase(week.level)} · next: Level {week.step_into} "
        f"`{bar}` {week.step_met}/{week.step_total} · {change_phrase(week)}"
        + (" · :hourglass: stalled" if week.stalled else "")
    )


def parent_blocks(digest: Digest, *, title: str) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(title, 150)),
        SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(digest.headline))),
    ]
    if not digest.teams:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="No team here has checked in yet. `/maturity assess` in a team's "
                    "channel gets it on the board."
                )
            )
        )
        return blocks
    chunk: list[str] = []
    size = 0
    sections = 0
    shown = 0
    for week in digest.teams:
        line = team_line(week)
        if size + len(line) + 1 > SECTION_LIMIT:
            if sections + 1 >= MAX_TEAM_SECTIONS:
                break
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            sections += 1
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
        shown += 1
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    more = len(digest.teams) - shown
    footer = "Details for each team are in the thread."
    if more:
        footer = f"…and {more} more teams. " + footer
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def parent_text(digest: Digest, title: str) -> str:
    return f"{title}: {digest.headline}"


def team_detail_blocks(week: TeamWeek) -> list[Block]:
    lines: list[str] = []
    for move in week.moves:
        mark = ":white_check_mark:" if move.after == "met" else ":small_orange_diamond:"
        before = (move.before or "new").replace("_", " ")
        lines.append(
            f"{mark} {escape_mrkdwn(move.label)}: {before} → {move.after.replace('_', ' ')}"
        )
    if week.nudges:
        raised = ", ".join(NUDGE_LABELS.get(n, n) for n in dict.fromkeys(week.nudges))
        lines.append(f":bulb: Nudged this week: {raised}")
    if week.toil_removed:
        lines.append(f":robot_face: {round(week.toil_removed)} min of monthly toil scripted away")
    if week.reminders:
        titles = ", ".join(escape_mrkdwn(truncate(t, 80)) for t in week.reminders[:5])
        more = f" and {len(week.reminders) - 5} more" if len(week.reminders) > 5 else ""
        lines.append(f":alarm_clock: Reminders coming up: {titles}{more}")
    if week.stalled:
        lines.append(
            ":hourglass: No update in over two weeks. A quick `/maturity assess` keeps the "
            "board honest."
        )
    if not lines:
        lines.append("Quiet week: nothing moved.")
    text = truncate(f"*{_name(week)}* — {level_phrase(week.level)}\n" + "\n".join(lines), 2900)
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def team_detail_text(week: TeamWeek) -> str:
    return f"{week.name}: {level_phrase(week.level)}"


def to_dicts(blocks: list[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]
