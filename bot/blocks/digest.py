"""Block Kit for the weekly digest: one compact parent message, one thread reply per team.

Level changes lead everywhere: in the headline, at the top of the team list, and as the
first line of a team's reply; a drop is said plainly, with the criteria no longer met.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import escape_mrkdwn
from conversations.digest import (
    MET,
    Digest,
    TeamWeek,
    change_phrase,
    deploy_phrase,
    drop_phrase,
    level_phrase,
    progress_bar,
)
from conversations.text import truncate

SECTION_LIMIT = 2900  # Slack allows 3,000 characters of section text
MAX_TEAM_SECTIONS = 40  # keep the parent well under 50 blocks
NUDGE_LABELS = {
    "skip_level": "skipping a level",
    "over_automation": "automating more than the scale needs",
    "broken_process": "automating a broken process",
    "cultural_readiness": "culture not ready for the next step",
    "ready_to_advance": "ready to advance",
    "approaching_threshold": "nearly at the size for the next level",
    "stale_evidence": "evidence not confirmed for 90 days",
}


def _name(week: TeamWeek) -> str:
    return escape_mrkdwn(truncate(week.name, 80))


def _change(week: TeamWeek) -> str:
    """The change since last week; a drop with what fell, marked in words as well."""
    phrase = change_phrase(week)
    if week.levelled_down:
        why = drop_phrase(week)
        return f":small_red_triangle_down: {phrase}" + (f" ({escape_mrkdwn(why)})" if why else "")
    if week.levelled_up:
        return f":arrow_up: {phrase}"
    return phrase


def team_line(week: TeamWeek) -> str:
    away = " · :palm_tree: owners away, check-in skipped" if week.owners_away_until else ""
    if not week.assessed:
        return f"*{_name(week)}* · not assessed yet — run `/maturity assess` in its channel{away}"
    if week.step_into is None:
        return f"*{_name(week)}* · {level_phrase(week.level)} · at the top · {_change(week)}{away}"
    bar = progress_bar(week.step_met, week.step_total)
    return (
        f"*{_name(week)}* · {level_phrase(week.level)} · next: Level {week.step_into} "
        f"`{bar}` {week.step_met}/{week.step_total} · {_change(week)}"
        + (away or (" · :hourglass: stalled" if week.stalled else ""))
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
    """The parent's notification text (mrkdwn too: team names are escaped)."""
    return f"{title}: {escape_mrkdwn(digest.headline)}"


def _status(status: str | None) -> str:
    return (status or "new").replace("_", " ")


def level_change_line(week: TeamWeek) -> str:
    """The first line of a team's reply when its level moved (or it joined the ladder)."""
    if week.levelled_down:
        line = (
            f":small_red_triangle_down: *Fell from Level {week.level_before} to Level "
            f"{week.level}* this week."
        )
        if week.fell:
            labels = "\n".join(f"    • {escape_mrkdwn(label)}" for label in week.fell[:6])
            more = f"\n    • …and {len(week.fell) - 6} more" if len(week.fell) > 6 else ""
            line += f" No longer met:\n{labels}{more}"
        return line
    if week.levelled_up:
        return f":arrow_up: *Rose from Level {week.level_before} to Level {week.level}* this week."
    if week.placed:
        return f":wave: *First check-in:* placed at Level {week.level}."
    return ""


def team_detail_blocks(week: TeamWeek) -> list[Block]:
    lines: list[str] = []
    if changed := level_change_line(week):
        lines.append(changed)
    for move in week.moves:
        label = escape_mrkdwn(move.label)
        if move.after == MET:
            mark = ":white_check_mark:"
            change = "now met" if move.before is None else f"{_status(move.before)} → met"
        else:
            mark = ":small_orange_diamond:"
            change = f"{_status(move.before)} → {_status(move.after)}"
        lines.append(f"{mark} {label}: {change}")
    if week.nudges:
        raised = ", ".join(NUDGE_LABELS.get(n, n) for n in dict.fromkeys(week.nudges))
        lines.append(f":bulb: Nudged this week: {raised}")
    if week.toil_removed:
        lines.append(f":robot_face: {round(week.toil_removed)} min of monthly toil scripted away")
    if week.reminders:
        titles = ", ".join(escape_mrkdwn(truncate(t, 80)) for t in week.reminders[:5])
        more = f" and {len(week.reminders) - 5} more" if len(week.reminders) > 5 else ""
        lines.append(f":alarm_clock: Reminders coming up: {titles}{more}")
    if week.owners_away_until is not None:
        back = week.owners_away_until
        lines.append(
            f":palm_tree: Check-in skipped: every owner is away (back {back:%a %d %b}), "
            "so a quiet board here is no news."
        )
    elif week.stalled:
        lines.append(
            ":hourglass: No update in over two weeks. A quick `/maturity assess` keeps the "
            "board honest."
        )
    if not lines:
        lines.append("Quiet week: nothing moved.")
    if week.deploys is not None:
        lines.append(f":rocket: Deploys: {escape_mrkdwn(deploy_phrase(week.deploys))}")
    text = truncate(f"*{_name(week)}* — {level_phrase(week.level)}\n" + "\n".join(lines), 2900)
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def team_detail_text(week: TeamWeek) -> str:
    """The reply's notification text: the level, and a level change first of all."""
    text = f"{escape_mrkdwn(week.name)}: {level_phrase(week.level)}"
    if week.levelled_down or week.levelled_up:
        text += f" ({change_phrase(week)})"
    return text


def to_dicts(blocks: list[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]
