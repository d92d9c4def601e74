"""The weekly digest's content: pure functions over plain data, no Slack, no database.

The bot hands in, per team, its current criteria statuses, the history of criterion
changes, its level history and what happened this week (nudges, runbook progress); this
module works out the week's story. Level changes lead, in both directions: a team that
fell a level is said to have fallen, with the criteria that are no longer met; a team that
climbed, or checked in for the first time, comes next; then what moved, who stalled, and
the numbers for the chart. A criterion recorded for the first time as not met is no news
and stays out.

It also reads the team list a digest is scheduled for (``teams Payments Platform, Search``)
against the workspace's team names: :func:`read_team_list`.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conversations.evidence import SOURCE_NAMES, SOURCE_WORDS, is_production
from conversations.model import MAX_LEVEL, criteria_for_step, criterion, level_name, step_into
from conversations.scoring import format_minutes
from conversations.text import closest, format_number, join_and, plural, truncate

STALLED_AFTER = timedelta(days=14)
HISTORY_WEEKS = 12
BAR_WIDTH = 10
MET = "met"
UNKNOWN = "unknown"
HEADLINE_NAMES = 5  # teams named per kind of level change in the headline


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
class DeployTrend:
    """A team's deploys over the digest's 12 weeks, DORA-style: successful production
    deploys (as the evidence measurement counts them) a week, oldest week first, and their
    median time this week and in the week 12 weeks ago (None: no such deploy that week)."""

    counts: tuple[int, ...]
    median_now: float | None
    median_then: float | None
    sources: str  # "GitHub Actions", "deploy webhook and GitHub Actions"

    @property
    def this_week(self) -> int:
        return self.counts[-1] if self.counts else 0


class DeployTally:
    """Folds a team's deploy events, one at a time, into a :class:`DeployTrend`: a count a
    week, and the durations of only the two weeks whose medians are shown, so memory stays
    bounded whatever the number of events."""

    def __init__(self, now: datetime, weeks: int = HISTORY_WEEKS) -> None:
        self.now, self.weeks = now, weeks
        self.counts = [0] * weeks  # index 0: the week ending now
        self.first: list[float] = []  # minutes, the week ending now
        self.last: list[float] = []  # minutes, the oldest week
        self.sources: set[str] = set()

    def add(
        self,
        *,
        environment: str,
        succeeded: bool | None,
        started_at: datetime,
        finished_at: datetime | None,
        source: str,
    ) -> None:
        if not succeeded or not is_production(environment) or started_at > self.now:
            return
        week = int((self.now - started_at) / timedelta(weeks=1))
        if week >= self.weeks:
            return
        self.counts[week] += 1
        self.sources.add(SOURCE_NAMES.get(source, SOURCE_WORDS))
        minutes = ((finished_at or started_at) - started_at).total_seconds() / 60
        if week == 0:
            self.first.append(minutes)
        elif week == self.weeks - 1:
            self.last.append(minutes)

    def trend(self) -> DeployTrend | None:
        """None when no deploy counted (a team without evidence)."""
        if not any(self.counts):
            return None
        return DeployTrend(
            counts=tuple(reversed(self.counts)),
            median_now=_median(self.first),
            median_then=_median(self.last),
            sources=" and ".join(sorted(self.sources)),
        )


def _median(minutes: list[float]) -> float | None:
    return round(statistics.median(minutes), 1) if minutes else None


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int]) -> str:
    """Weekly counts as Unicode blocks, scaled to the busiest week; a week with none is
    the lowest block, a week with any at least the second."""
    top = max(counts, default=0)
    if top <= 0:
        return SPARKS[0] * len(counts)
    steps = len(SPARKS) - 2
    return "".join(SPARKS[0] if n <= 0 else SPARKS[1 + round(steps * n / top)] for n in counts)


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
    # Weekly check-ins on, but every owner away (issue 13): when the first is back.
    owners_away_until: datetime | None = None
    deploys: DeployTrend | None = None  # None: no deploy evidence in the 12 weeks


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
    # The level this week is compared with: a week ago's, else (a team whose first
    # check-in was this week) the first level it was placed at.
    level_before: int | None = None
    first_checkin: bool = False  # placed on the ladder for the first time this week
    fell: tuple[str, ...] = ()  # after a drop: the criteria (labels) no longer met
    # Its weekly check-in is paused: every owner is away until then (not silence).
    owners_away_until: datetime | None = None
    deploys: DeployTrend | None = None

    @property
    def levelled_up(self) -> bool:
        return (
            self.level is not None
            and self.level_before is not None
            and self.level > self.level_before
        )

    @property
    def levelled_down(self) -> bool:
        return (
            self.level is not None
            and self.level_before is not None
            and self.level < self.level_before
        )

    @property
    def placed(self) -> bool:
        """First check-in this week, and the level it gave still holds."""
        return self.first_checkin and not (self.levelled_up or self.levelled_down)

    @property
    def assessed(self) -> bool:
        return self.level is not None


@dataclass(frozen=True, slots=True)
class Digest:
    period: str
    teams: tuple[TeamWeek, ...]  # level drops first, then climbs, first check-ins, the rest
    levelled_up: tuple[str, ...]
    criteria_met: int
    toil_removed: float
    levelled_down: tuple[str, ...] = ()
    placed: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        """The week in one line, level changes first: "Payments fell from Level 1 to
        Level 0; Search rose from Level 2 to Level 3; 2 criteria met this week." """
        by_name = {w.name: w for w in self.teams}
        parts = _name_some(
            [
                f"{n} fell from Level {by_name[n].level_before} to Level {by_name[n].level}"
                for n in self.levelled_down
            ],
            "more teams fell a level",
        )
        parts += _name_some(
            [
                f"{n} rose from Level {by_name[n].level_before} to Level {by_name[n].level}"
                for n in self.levelled_up
            ],
            "more teams rose a level",
        )
        if self.placed:
            shown = list(self.placed[:HEADLINE_NAMES])
            if len(self.placed) > HEADLINE_NAMES:
                shown.append(f"{len(self.placed) - HEADLINE_NAMES} more")
            parts.append(
                f"{plural(len(self.placed), 'team')} checked in for the first time "
                f"({join_and(shown)})"
            )
        parts.append(f"{plural(self.criteria_met, 'criterion', 'criteria')} met this week")
        if self.toil_removed:
            parts.append(f"{_minutes(self.toil_removed)} of monthly toil scripted away")
        return "; ".join(parts) + "."


def _name_some(phrases: list[str], rest: str) -> list[str]:
    if len(phrases) <= HEADLINE_NAMES:
        return phrases
    return [*phrases[:HEADLINE_NAMES], f"{len(phrases) - HEADLINE_NAMES} {rest}"]


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


def worth_telling(before: str | None, after: str) -> bool:
    """Whether a criterion's change this week is news: any change between two known
    statuses, or one met for the first time. A criterion recorded for the first time as
    not met (or partly, or unknown) was never met: nothing changed for the reader."""
    if before == after:
        return False
    if before is None or before == UNKNOWN:
        return after == MET
    return True


def _fell(level: int, before: int, statuses: Mapping[str, str]) -> tuple[str, ...]:
    """The criteria of the steps into ``level + 1`` … ``before`` that are not met now: why
    a team that was at ``before`` is at ``level``."""
    return tuple(
        c.label
        for into in range(level + 1, min(before, MAX_LEVEL) + 1)
        for c in criteria_for_step(into)
        if statuses.get(c.id) != MET
    )


def team_week(team: TeamInput, *, now: datetime) -> TeamWeek:
    week_ago = now - timedelta(days=7)
    statuses_now = state_at(team.events, now)
    statuses_then = state_at(team.events, week_ago)
    level_then = level_at(team.levels, week_ago)
    this_week = sorted((e for e in team.levels if week_ago < e.at <= now), key=lambda e: e.at)
    first_checkin = level_then is None and team.level is not None and bool(this_week)
    level_before = level_then
    if first_checkin:
        level_before = this_week[0].level
    fell: tuple[str, ...] = ()
    if team.level is not None and level_before is not None and team.level < level_before:
        fell = _fell(team.level, level_before, statuses_now)
    step, met_now, total = _step_progress(team.level, statuses_now)
    # Progress a week ago is measured against the same step, so "change" means something.
    met_then = (
        sum(1 for c in step_into(step).criteria if statuses_then.get(c.id) == MET) if step else 0
    )
    # A team placed for the first time this week: its placement is the news, not every
    # criterion it was asked about.
    moves = (
        ()
        if first_checkin
        else tuple(
            CriterionMove(cid, criterion(cid).label, statuses_then.get(cid), status)
            for cid, status in sorted(statuses_now.items())
            if worth_telling(statuses_then.get(cid), status)
            and any(e.criterion_id == cid and week_ago < e.at <= now for e in team.events)
        )
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
        level_before=level_before,
        first_checkin=first_checkin,
        fell=fell,
        owners_away_until=team.owners_away_until,
        deploys=team.deploys,
    )


def _rank(week: TeamWeek) -> int:
    """Level changes lead: drops, then climbs, then first check-ins, then the rest."""
    if week.levelled_down:
        return 0
    if week.levelled_up:
        return 1
    if week.placed:
        return 2
    return 3


def build_digest(teams: Sequence[TeamInput], *, now: datetime, period: str) -> Digest:
    weeks = tuple(
        sorted((team_week(t, now=now) for t in teams), key=lambda w: (_rank(w), w.name.casefold()))
    )
    return Digest(
        period=period,
        teams=weeks,
        levelled_up=tuple(w.name for w in weeks if w.levelled_up),
        levelled_down=tuple(w.name for w in weeks if w.levelled_down),
        placed=tuple(w.name for w in weeks if w.placed),
        criteria_met=sum(w.met_this_week for w in weeks),
        toil_removed=sum(w.toil_removed for w in weeks),
    )


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    if total <= 0:
        return "▱" * width
    filled = round(width * done / total)
    return "▰" * filled + "▱" * (width - filled)


def change_phrase(week: TeamWeek) -> str:
    """Since last week, in a few words: "down from Level 2", "up from Level 1",
    "first check-in", "+1 criterion", "no change". A level change always wins over the
    criteria count (which is measured on the new level's next step)."""
    if week.levelled_down:
        return f"down from Level {week.level_before}"
    if week.levelled_up:
        return f"up from Level {week.level_before}"
    if week.placed:
        return "first check-in"
    delta = week.step_met - week.step_met_week_ago
    if delta > 0:
        return f"+{plural(delta, 'criterion', 'criteria')}"
    if delta < 0:
        return f"−{plural(-delta, 'criterion', 'criteria')}"
    return "no change"


def drop_phrase(week: TeamWeek, *, limit: int = 2) -> str:
    """Why a team fell, plainly: "no longer met: The scripts live in version control"."""
    if not week.levelled_down or not week.fell:
        return ""
    shown = [truncate(label, 80) for label in week.fell[:limit]]
    if len(week.fell) > limit:
        shown.append(f"+{len(week.fell) - limit} more")
    return "no longer met: " + "; ".join(shown)


def level_phrase(level: int | None) -> str:
    return "not assessed yet" if level is None else f"Level {level} — {level_name(level)}"


def has_history(week: TeamWeek) -> bool:
    return sum(1 for p in week.history if p.level is not None or p.criteria_met) >= 2


def deploy_phrase(trend: DeployTrend) -> str:
    """The DORA-style line's words: "5 deploys this week · 12 weeks ▁▂▃▅▇ · median 7 min
    this week (25 min 12 weeks ago) — GitHub Actions"."""
    weeks = len(trend.counts)
    parts = [
        f"{plural(trend.this_week, 'deploy')} this week",
        f"{weeks} weeks {sparkline(trend.counts)}",
    ]
    if trend.median_now is not None:
        median = f"median {format_minutes(trend.median_now)} this week"
        if trend.median_then is not None:
            median += f" ({format_minutes(trend.median_then)} {weeks} weeks ago)"
        parts.append(median)
    elif trend.median_then is not None:
        parts.append(f"median {format_minutes(trend.median_then)} {weeks} weeks ago")
    return " · ".join(parts) + f" — {trend.sources}"


def _minutes(minutes: float) -> str:
    if minutes >= 120:
        return f"{format_number(round(minutes / 60, 1))} h"
    return f"{format_number(round(minutes))} min"


# ------------------------------------------------------------------------------ team lists

ALL_TEAMS = frozenset({"all", "every team", "all teams", "everyone"})
_SEPARATORS = frozenset({",", ";", "&", "and", "+"})
_QUOTED = re.compile(
    "|".join(
        (
            r'"([^"]*)"',
            r"“([^”]*)”",
            r"„([^“”]*)[“”]",
            r"«([^»]*)»",
            r"‘([^’]*)’",
            r"(?<!\w)'([^']*)'(?!\w)",  # 'Data team', not Bob's
        )
    )
)
_TOKEN = re.compile(r"[,;]|[^\s,;]+")
_STRAY_QUOTES = '"“”„«»‘’'
MAX_WORDS_IN_A_NAME = 12


@dataclass(frozen=True, slots=True)
class TeamList:
    """A team list as typed, read against the workspace's team names."""

    names: tuple[str, ...] = ()  # known teams, as the workspace spells them, in typed order
    unknown: tuple[str, ...] = ()  # what matched no team, as typed
    everyone: bool = False  # "all"
    suggestions: tuple[tuple[str, str], ...] = ()  # (typed, closest known name)


def _unescape(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` in a command's text as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", _unescape(text)).casefold().split())


def _spans(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: ``quoted`` names, ``sep`` (a comma, "and", "&"…), ``word``."""
    out: list[tuple[str, str]] = []
    at = 0
    for match in _QUOTED.finditer(text):
        out += _words(text[at : match.start()])
        quoted = next(g for g in match.groups() if g is not None)
        out.append(("quoted", " ".join(quoted.split())))
        at = match.end()
    return out + _words(text[at:])


def _words(text: str) -> list[tuple[str, str]]:
    """Words and separators; a stray quote (one never closed) is dropped from its word."""
    out: list[tuple[str, str]] = []
    for token in _TOKEN.findall(text):
        if token in (",", ";"):
            out.append(("sep", token))
        elif word := token.strip(_STRAY_QUOTES):
            out.append(("word", word))
    return out


def read_team_list(text: str, known: Sequence[str]) -> TeamList:
    """Read ``Payments Platform, Search and "Data & ML"`` as team names.

    Names are matched against the workspace's ``known`` team names, longest first, case-
    and width-insensitively, so a multi-word name needs no quotes; commas, semicolons,
    "and", "&" and "+" separate names (unless they belong to a known name); quotes keep a
    name together. Words that match no team are kept, as typed and grouped as they stood,
    in ``unknown``, each with the closest known name when one is near. A known name
    followed by words that make a near miss of a longer name (``Payments Platfrom`` when
    there are teams "Payments" and "Payments Platform") counts as that near miss.
    """
    text = _unescape(text)
    if _key(text) in ALL_TEAMS:
        return TeamList(everyone=True)
    by_key = {_key(n): n for n in known}
    tokens = _spans(text)
    names: list[str] = []
    unknown: list[str] = []
    pending: list[str] = []
    last_match: str | None = None  # the name matched right before the pending words

    def close_pending() -> None:
        nonlocal last_match
        if pending:
            phrase = " ".join(pending)
            if last_match is not None:
                joined = f"{last_match} {phrase}"
                near = closest(joined, known)
                if near is not None and _key(near) != _key(last_match):
                    names.pop()
                    phrase = joined
            unknown.append(phrase)
            pending.clear()
        last_match = None

    i = 0
    while i < len(tokens):
        kind, token = tokens[i]
        if kind == "quoted":
            close_pending()
            found = by_key.get(_key(token))
            if found is not None:
                names.append(found)
            elif token:
                unknown.append(token)
            i += 1
            continue
        match = _longest_match(tokens, i, by_key)
        if match is not None:
            close_pending()
            found, i = match
            names.append(found)
            last_match = found
            continue
        if kind == "sep" or token.casefold() in _SEPARATORS:
            close_pending()
        else:
            pending.append(token)
        i += 1
    close_pending()
    unique = tuple(dict.fromkeys(names))
    typed = tuple(dict.fromkeys(unknown))
    suggestions = tuple((t, near) for t in typed if (near := closest(t, list(known))) is not None)
    return TeamList(names=unique, unknown=typed, suggestions=suggestions)


def _longest_match(
    tokens: Sequence[tuple[str, str]], start: int, by_key: Mapping[str, str]
) -> tuple[str, int] | None:
    """The longest run of tokens from ``start`` that spells a known name, and where it
    ends; a name may hold separators ("Research and Development") but not quotes."""
    end = start
    words: list[str] = []
    best: tuple[str, int] | None = None
    while end < len(tokens) and end - start < MAX_WORDS_IN_A_NAME:
        kind, token = tokens[end]
        if kind == "quoted":
            break
        words.append(token)
        end += 1
        found = by_key.get(_key(" ".join(words).replace(" ,", ",").replace(" ;", ";")))
        if found is not None:
            best = (found, end)
    return best
