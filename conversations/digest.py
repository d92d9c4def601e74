"""The weekly digest's content: pure functions over plain data, no Slack, no database.

The bot hands in, per team, its current criteria statuses, the history of criterion
changes, its level history and what happened this week (nudges, runbook progress); this
module works out the week's story: who levelled up, what moved, who stalled, and the
numbers for the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conversations.model import MAX_LEVEL, criterion, level_name, step_into
from conversations.text import format_number, plural

STALLED_AFTER = timedelta(days=14)
HISTORY_WEEKS = 12
BAR_WIDTH = 10
MET = "met"


@dataclass(frozen=True, slots=True)
class CriterionEventIn:
    criterion_id: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LevelEventIn:
    level: int
    at: datetime


@dataclass(frozen=True, slots=True)
class TeamInput:
    """Everything the digest needs about one team (built by the bot from storage)."""

    name: str
    level: int | None
    created_at: datetime
    events: tuple[CriterionEventIn, ...] = ()  # every criterion change, any order
    levels: tuple[LevelEventIn, ...] = ()  # every completed assessment's level
    nudges_this_week: tuple[str, ...] = ()  # rule ids
    reminders_upcoming: tuple[str, ...] = ()  # runbook operation titles
    toil_removed_this_week: float = 0.0  # minutes a month scripted away this week
    last_activity: datetime | None = None  # e.g. a runbook change


@dataclass(frozen=True, slots=True)
class CriterionMove:
    criterion_id: str
    label: str
    before: str | None
    after: str


@dataclass(frozen=True, slots=True)
class WeekPoint:
    week_end: datetime
    level: int | None
    criteria_met: int


@dataclass(frozen=True, slots=True)
class TeamWeek:
    name: str
    level: int | None
    level_week_ago: int | None
    step_into: int | None
    step_met: int
    step_total: int
    step_met_week_ago: int
    moves: tuple[CriterionMove, ...]
    met_this_week: int
    nudges: tuple[str, ...]
    reminders: tuple[str, ...]
    toil_removed: float
    last_update: datetime | None
    stalled: bool
    history: tuple[WeekPoint, ...] = field(default=())

    @property
    def levelled_up(self) -> bool:
        return (
            self.level is not None
            and self.level_week_ago is not None
            and self.level > self.level_week_ago
        )

    @property
    def assessed(self) -> bool:
        return self.level is not None


@dataclass(frozen=True, slots=True)
class Digest:
    period: str
    teams: tuple[TeamWeek, ...]
    levelled_up: tuple[str, ...]
    criteria_met: int
    toil_removed: float

    @property
    def headline(self) -> str:
        parts = []
        if self.levelled_up:
            names = ", ".join(self.levelled_up)
            parts.append(f"{plural(len(self.levelled_up), 'team')} levelled up ({names})")
        parts.append(f"{plural(self.criteria_met, 'criterion', 'criteria')} met this week")
        if self.toil_removed:
            parts.append(f"{_minutes(self.toil_removed)} of monthly toil scripted away")
        return "; ".join(parts) + "."


def state_at(events: Iterable[CriterionEventIn], when: datetime) -> dict[str, str]:
    """Each criterion's status as of ``when`` (its latest change at or before then)."""
    latest: dict[str, CriterionEventIn] = {}
    for e in events:
        if e.at <= when and (e.criterion_id not in latest or e.at >= latest[e.criterion_id].at):
            latest[e.criterion_id] = e
    return {cid: e.status for cid, e in latest.items()}


def level_at(levels: Iterable[LevelEventIn], when: datetime) -> int | None:
    best: LevelEventIn | None = None
    for e in levels:
        if e.at <= when and (best is None or e.at >= best.at):
            best = e
    return best.level if best else None


def _step_progress(level: int | None, statuses: Mapping[str, str]) -> tuple[int | None, int, int]:
    if level is None or level >= MAX_LEVEL:
        return None, 0, 0
    step = step_into(level + 1)
    met = sum(1 for c in step.criteria if statuses.get(c.id) == MET)
    return step.into, met, len(step.criteria)


def team_week(team: TeamInput, *, now: datetime) -> TeamWeek:
    week_ago = now - timedelta(days=7)
    statuses_now = state_at(team.events, now)
    statuses_then = state_at(team.events, week_ago)
    level_then = level_at(team.levels, week_ago)
    step, met_now, total = _step_progress(team.level, statuses_now)
    # Progress a week ago is measured against the same step, so "change" means something.
    met_then = (
        sum(1 for c in step_into(step).criteria if statuses_then.get(c.id) == MET) if step else 0
    )
    moves = tuple(
        CriterionMove(cid, criterion(cid).label, statuses_then.get(cid), status)
        for cid, status in sorted(statuses_now.items())
        if statuses_then.get(cid) != status
        and any(e.criterion_id == cid and week_ago < e.at <= now for e in team.events)
    )
    stamps = [e.at for e in team.events if e.at <= now] + [e.at for e in team.levels if e.at <= now]
    if team.last_activity is not None:
        stamps.append(team.last_activity)
    last = max(stamps) if stamps else None
    stalled = (last or team.created_at) < now - STALLED_AFTER
    history = tuple(
        WeekPoint(
            week_end=end,
            level=level_at(team.levels, end),
            criteria_met=sum(1 for s in state_at(team.events, end).values() if s == MET),
        )
        for end in (now - timedelta(weeks=w) for w in range(HISTORY_WEEKS - 1, -1, -1))
    )
    return TeamWeek(
        name=team.name,
        level=team.level,
        level_week_ago=level_then,
        step_into=step,
        step_met=met_now,
        step_total=total,
        step_met_week_ago=met_then,
        moves=moves,
        met_this_week=sum(1 for m in moves if m.after == MET),
        nudges=team.nudges_this_week,
        reminders=team.reminders_upcoming,
        toil_removed=team.toil_removed_this_week,
        last_update=last,
        stalled=stalled,
        history=history,
    )


def build_digest(teams: Sequence[TeamInput], *, now: datetime, period: str) -> Digest:
    weeks = tuple(sorted((team_week(t, now=now) for t in teams), key=lambda w: w.name.casefold()))
    return Digest(
        period=period,
        teams=weeks,
        levelled_up=tuple(w.name for w in weeks if w.levelled_up),
        criteria_met=sum(w.met_this_week for w in weeks),
        toil_removed=sum(w.toil_removed for w in weeks),
    )


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    if total <= 0:
        return "▱" * width
    filled = round(width * done / total)
    return "▰" * filled + "▱" * (width - filled)


def change_phrase(week: TeamWeek) -> str:
    """Since last week, in a few words: "up from Level 1", "+1 criterion", "no change"."""
    if week.levelled_up:
        return f"up from Level {week.level_week_ago}"
    delta = week.step_met - week.step_met_week_ago
    if delta > 0:
        return f"+{plural(delta, 'criterion', 'criteria')}"
    if delta < 0:
        return f"−{plural(-delta, 'criterion', 'criteria')}"
    return "no change"


def level_phrase(level: int | None) -> str:
    return "not assessed yet" if level is None else f"Level {level} — {level_name(level)}"


def has_history(week: TeamWeek) -> bool:
    return sum(1 for p in week.history if p.level is not None or p.criteria_met) >= 2


def _minutes(minutes: float) -> str:
    if minutes >= 120:
        return f"{format_number(round(minutes / 60, 1))} h"
    return f"{format_number(round(minutes))} min"
