"""The App Home tab: a place to act on the person's own teams, then every team at a glance.

From the top:

- **Your teams** (teams the person owns, or whose latest check-in they ran): each with
  its level and next step, *Check in* (or *Resume check-in*), every criterion of the step
  it is on with the board's own *Update* button (for someone who may change the team),
  and the team's active nudges, each with *Dismiss* (block ``nudge.<rule id>``, DESIGN.md).
- **Your reminders**: the runbook operations the person asked to be reminded to script,
  with when, in their time zone.
- **All teams**: every team of the workspace, A to Z, one line each (level and the next
  step's progress), as many as the view holds.

A Home tab holds at most 100 blocks: the sections above are capped so the whole view stays
within that (:data:`MAX_BLOCKS`), whatever the number of teams, nudges or reminders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.board import criterion_row, update_button
from bot.blocks.criteria import team_words
from bot.blocks.text import escape_and_truncate
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.board import BoardEntry
from conversations.digest import level_phrase, progress_bar
from conversations.model import MAX_LEVEL, Step, step_into
from conversations.scoring import Status
from conversations.text import plural, truncate

MAX_BLOCKS = 100  # Slack's limit for a Home tab
MY_TEAMS_SHOWN = 6  # each takes up to 1 + 3 criteria + NUDGES_SHOWN blocks
NUDGES_SHOWN = 3  # per team
REMINDERS_SHOWN = 10
ALL_TEAMS_SHOWN = 90
SECTION_LIMIT = 2900  # Slack allows 3,000 characters of section text
TITLE_SHOWN = 150
BUTTON_LABEL_MAX = 75

# What each nudge says on the Home, in a line (the check-in's result says it at length).
NUDGE_WORDS: dict[str, tuple[str, str]] = {
    "skip_level": (
        "Skipping a level",
        "Work above the next step is counted before the step itself is done. A level only "
        "holds when every step below it does: finish the next step first.",
    ),
    "over_automation": (
        "More automation than the scale needs",
        "What is being automated (or aimed at) costs more than it saves at this team's "
        "size. Weigh the toil it removes first.",
    ),
    "broken_process": (
        "Automating a broken process",
        "A step that fails or differs between people is being scripted. Fix the process "
        "first, or the script repeats the mistake faster.",
    ),
    "cultural_readiness": (
        "Culture before the next level",
        "Blameless incident reviews and trust in the automation come before levels 3 and "
        "up; without them, people work around the pipeline.",
    ),
    "ready_to_advance": (
        "Ready to advance",
        "The current step is done and the team's scale makes the next one pay off.",
    ),
    "approaching_threshold": (
        "Nearly time for the next level",
        "The team is one step short of the size where the next level starts paying off: "
        "plan its first move now.",
    ),
    "stale_evidence": (
        "Evidence gone stale",
        "A criterion the level rests on has not been confirmed for 90 days: check it still holds.",
    ),
}


@dataclass(frozen=True)
class HomeNudge:
    """An active nudge of one of the person's teams (its record id dismisses it)."""

    record_id: int
    rule_id: str
    subject: str = ""  # what it is about (a runbook operation's title), if anything


@dataclass(frozen=True)
class MyTeam:
    team_id: int
    name: str
    level: int | None
    board: Mapping[str, BoardEntry]
    may_change: bool  # an owner, or a workspace admin: *Update* is offered
    resume: bool = False  # the person has a check-in of this team open
    nudges: Sequence[HomeNudge] = ()


@dataclass(frozen=True)
class HomeReminder:
    title: str
    team_name: str
    due: str  # when, in words, in the person's time zone


@dataclass(frozen=True)
class TeamLine:
    """One team in the list of every team: its level and its next step's progress."""

    name: str
    level: int | None
    met: int = 0
    total: int = 0


@dataclass(frozen=True)
class Home:
    mine: Sequence[MyTeam] = ()
    reminders: Sequence[HomeReminder] = ()
    teams: Sequence[TeamLine] = ()
    more_mine: int = field(default=0)  # the person's teams beyond ``mine`` (not shown)


def next_step(level: int | None) -> Step | None:
    """The step a team at ``level`` is on (None at the top of the ladder)."""
    into = (level or 0) + 1
    return step_into(into) if into <= MAX_LEVEL else None


def _met(step: Step, board: Mapping[str, BoardEntry]) -> int:
    return sum(1 for c in step.criteria if c.id in board and board[c.id].status is Status.MET)


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


# ------------------------------------------------------------------ your teams


def checkin_button(team: MyTeam) -> ButtonElement:
    label = "Resume check-in" if team.resume else "Check in"
    return ButtonElement(
        text=label,
        action_id=f"{ActionId.HOME_CHECKIN}:{team.team_id}",
        value="resume" if team.resume else "start",
        accessibility_label=truncate(
            f"{label} for {' '.join(team.name.split())}", BUTTON_LABEL_MAX
        ),
    )


def team_summary(team: MyTeam) -> str:
    """``*Payments* · Level 1 — Scripted · next: Level 2 — Infrastructure as code`` and,
    on the next line, how far along that step is."""
    head = f"*{team_words(team.name)}* · {level_phrase(team.level)}"
    step = next_step(team.level)
    if step is None:
        line = f"{head} · at the top of the ladder\nEvery criterion of every step is met."
    else:
        met, total = _met(step, team.board), len(step.criteria)
        line = (
            f"{head} · next: Level {step.into} — {step.name}\n"
            f"`{progress_bar(met, total)}` {met}/{total} met · the step usually takes "
            f"{step.typical_duration}"
        )
    if not team.may_change:
        line += "\n_Its owners or a workspace admin move its criteria._"
    return line


def nudge_block(nudge: HomeNudge, team: MyTeam, block_id: str) -> SectionBlock:
    title, why = NUDGE_WORDS.get(nudge.rule_id, (nudge.rule_id.replace("_", " "), ""))
    text = f":bulb: *{title}* — {why}".rstrip(" —")
    if nudge.subject:
        text += f"\n_{escape_and_truncate(' '.join(nudge.subject.split()), TITLE_SHOWN)}_"
    return SectionBlock(
        block_id=block_id,
        text=_md(text),
        accessory=ButtonElement(
            text="Dismiss",
            action_id=f"{ActionId.NUDGE_DISMISS}:{nudge.record_id}",
            value=nudge.rule_id,
            accessibility_label=truncate(
                f"Dismiss “{title}” for {' '.join(team.name.split())}", BUTTON_LABEL_MAX
            ),
        ),
    )


def team_blocks(team: MyTeam, nudge_ids: set[str]) -> list[Block]:
    """One of the person's teams: its summary with *Check in*, the criteria of its step
    (with *Update* when they may change it), its active nudges. ``nudge_ids`` holds the
    nudge block ids used so far in the view: a rule shown for a second team gets its block
    id suffixed with the team's id, since block ids are unique within a view."""
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"{BlockId.HOME_TEAM_PREFIX}{team.team_id}",
            text=_md(team_summary(team)),
            accessory=checkin_button(team),
        )
    ]
    step = next_step(team.level)
    for c in step.criteria if step is not None else ():
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.HOME_CRITERION_PREFIX}{team.team_id}.{c.id}",
                text=_md(criterion_row(c, team.board.get(c.id))),
                accessory=update_button(team.team_id, c) if team.may_change else None,
            )
        )
    for nudge in team.nudges[:NUDGES_SHOWN]:
        block_id = f"{BlockId.NUDGE_PREFIX}{nudge.rule_id}"
        if block_id in nudge_ids:
            block_id = f"{block_id}.{team.team_id}"
        nudge_ids.add(block_id)
        blocks.append(nudge_block(nudge, team, block_id))
    return blocks


def _mine(home: Home) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Your teams")]
    if not home.mine:
        blocks.append(
            SectionBlock(
                text=_md(
                    "_No team is yours yet._ A team is yours when you own it "
                    f"(`{COMMAND} team owners`) or ran its latest check-in: "
                    f"`{COMMAND} assess` in your team's channel starts one."
                )
            )
        )
        return blocks
    nudge_ids: set[str] = set()
    shown = home.mine[:MY_TEAMS_SHOWN]
    for team in shown:
        blocks += team_blocks(team, nudge_ids)
    more = len(home.mine) - len(shown) + home.more_mine
    if more > 0:
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        f"…and {plural(more, 'more team')} of yours: "
                        f"`{COMMAND} board <team name>` shows any of them."
                    )
                ]
            )
        )
    return blocks


# ------------------------------------------------------------------ your reminders


def reminder_line(reminder: HomeReminder) -> str:
    title = escape_and_truncate(" ".join(reminder.title.split()), TITLE_SHOWN)
    return (
        f":alarm_clock: *{title}* · {team_words(reminder.team_name)} · "
        f"{escape_and_truncate(reminder.due, 120)}"
    )


def _reminders(home: Home) -> list[Block]:
    blocks: list[Block] = [DividerBlock(), HeaderBlock(text="Your reminders")]
    if not home.reminders:
        text = (
            f"_No reminders._ `{COMMAND} runbook` ranks a team's manual operations by toil; "
            "*Remind me* beside one sets a reminder to script it."
        )
    else:
        lines = [reminder_line(r) for r in home.reminders[:REMINDERS_SHOWN]]
        more = len(home.reminders) - len(lines)
        if more > 0:
            lines.append(f"…and {more} more.")
        text = "\n".join(lines)
    blocks.append(SectionBlock(block_id=BlockId.HOME_REMINDERS, text=_md(text[:SECTION_LIMIT])))
    return blocks


# ------------------------------------------------------------------ every team


def team_line(team: TeamLine) -> str:
    """``*Payments* · Level 1 — Scripted · next: Level 2 `▰▰▰▱▱▱▱▱▱▱` 1/3``."""
    name = f"*{team_words(team.name)}*"
    if team.level is None:
        return f"{name} · not assessed yet"
    if team.level >= MAX_LEVEL:
        return f"{name} · {level_phrase(team.level)} · at the top"
    return (
        f"{name} · {level_phrase(team.level)} · next: Level {team.level + 1} "
        f"`{progress_bar(team.met, team.total)}` {team.met}/{team.total}"
    )


def _all_teams(home: Home, room: int) -> list[Block]:
    """Every team, A to Z, several to a section, in at most ``room`` blocks."""
    blocks: list[Block] = [
        DividerBlock(),
        HeaderBlock(block_id=BlockId.HOME_ALL_TEAMS, text="All teams"),
    ]
    if not home.teams:
        blocks.append(SectionBlock(text=_md("_No team has checked in yet._")))
        return blocks
    sections = max(1, room - len(blocks) - 1)  # the footer needs one
    chunks: list[list[str]] = [[]]
    size, shown = 0, 0
    for team in sorted(home.teams, key=lambda t: t.name.casefold())[:ALL_TEAMS_SHOWN]:
        line = team_line(team)
        if size + len(line) + 1 > SECTION_LIMIT and chunks[-1]:
            if len(chunks) >= sections:
                break
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
        shown += 1
    blocks += [SectionBlock(text=_md("\n".join(chunk))) for chunk in chunks]
    more = len(home.teams) - shown
    footer = f"`{COMMAND} teams` lists every team with its channel and owners."
    if more:
        footer = f"…and {plural(more, 'more team')}. " + footer
    blocks.append(ContextBlock(elements=[_md(footer)]))
    return blocks


# ------------------------------------------------------------------ the view


def home_blocks(home: Home) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text="Automation maturity"),
        SectionBlock(
            text=_md(
                "Your teams' next steps, ready to move: *Update* a criterion, check in, or "
                f"dismiss a nudge right here. `{COMMAND} help` lists everything else."
            )
        ),
        DividerBlock(),
    ]
    blocks += _mine(home)
    blocks += _reminders(home)
    blocks += _all_teams(home, MAX_BLOCKS - len(blocks))
    return blocks


def home_view(home: Home) -> dict:
    return View(type="home", blocks=home_blocks(home)).to_dict()
