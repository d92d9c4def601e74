"""Runbook to script: what a team does by hand, ranked by the toil it costs.

"Automate by frequency and impact, not novelty." An operation has a frequency and the
minutes one run takes; its *monthly toil* (runs a month × minutes) ranks what to script
next. A broken operation (it fails often, or differs by person) is not ranked with them: its
process is fixed first, or the script repeats the mess. A toil figure built on a guess (the
minutes of an imported step nobody gave, a per-deploy step before the team's deploy rate is
known) is an *estimate*, and says so. Marking a rare or cheap operation for scripting while
costlier ones stay manual earns a nudge.

The runbook's scripted share is evidence about the operations it lists; whether it stands
in for the team's ``scripted.ops_80pct`` is :mod:`conversations.runbook.coverage`'s call.

No Slack, no database. Titles are the user's own words: escape before rendering mrkdwn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from conversations.nudges import Nudge, broken_process_nudge, over_automation_runbook_nudge
from conversations.text import format_number

# ------------------------------------------------------------------ frequencies


class Frequency(StrEnum):
    PER_DEPLOY = "per_deploy"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


FREQUENCY_LABELS: dict[Frequency, str] = {
    Frequency.PER_DEPLOY: "every deploy",
    Frequency.DAILY: "daily",
    Frequency.WEEKLY: "weekly",
    Frequency.MONTHLY: "monthly",
    Frequency.QUARTERLY: "quarterly",
    Frequency.YEARLY: "yearly",
}
DAYS_PER_MONTH = 30
# Runs a month of each calendar frequency (a per-deploy one depends on the team's rate).
RUNS_PER_MONTH: dict[Frequency, float] = {
    Frequency.DAILY: DAYS_PER_MONTH,
    Frequency.WEEKLY: 52 / 12,
    Frequency.MONTHLY: 1.0,
    Frequency.QUARTERLY: 1 / 3,
    Frequency.YEARLY: 1 / 12,
}
# Used for per-deploy operations until the team's check-in tells us its real rate.
DEFAULT_DEPLOYS_PER_DAY = 1.0

_FREQUENCY_WORDS: dict[str, Frequency] = {
    "per_deploy": Frequency.PER_DEPLOY,
    "per-deploy": Frequency.PER_DEPLOY,
    "perdeploy": Frequency.PER_DEPLOY,
    "deploy": Frequency.PER_DEPLOY,
    "deploys": Frequency.PER_DEPLOY,
    "each-deploy": Frequency.PER_DEPLOY,
    "every-deploy": Frequency.PER_DEPLOY,
    "release": Frequency.PER_DEPLOY,
    "per-release": Frequency.PER_DEPLOY,
    "daily": Frequency.DAILY,
    "day": Frequency.DAILY,
    "nightly": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "week": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "month": Frequency.MONTHLY,
    "quarterly": Frequency.QUARTERLY,
    "quarter": Frequency.QUARTERLY,
    "yearly": Frequency.YEARLY,
    "year": Frequency.YEARLY,
    "annually": Frequency.YEARLY,
    "annual": Frequency.YEARLY,
}


def parse_frequency(text: str) -> Frequency | None:
    """``"weekly"``, ``"Per-Deploy"``, ``"annually"`` → a :class:`Frequency`; else None."""
    key = "-".join(text.strip().lower().replace("_", "-").split())
    return _FREQUENCY_WORDS.get(key)


def runs_per_month(frequency: Frequency, deploys_per_day: float | None = None) -> float:
    """How many times a month an operation of ``frequency`` runs."""
    if frequency is Frequency.PER_DEPLOY:
        rate = DEFAULT_DEPLOYS_PER_DAY if deploys_per_day is None else deploys_per_day
        return max(rate, 0.0) * DAYS_PER_MONTH
    return RUNS_PER_MONTH[frequency]


# ------------------------------------------------------------------ operations and toil


@dataclass(frozen=True, slots=True)
class Operation:
    """A runbook operation as the ranking sees it (a plain value, whatever stores it)."""

    id: int
    title: str
    frequency: Frequency
    minutes: float
    scripted: bool = False
    kept_manual: bool = False
    fails: bool = False  # fails often
    differs: bool = False  # different people get different results
    minutes_guessed: bool = False  # nobody said how long a run takes: ``minutes`` is a guess

    @property
    def broken(self) -> bool:
        return self.fails or self.differs

    @property
    def to_script(self) -> bool:
        """Still done by hand, and nobody decided to keep it that way."""
        return not self.scripted and not self.kept_manual

    @property
    def script_next(self) -> bool:
        """To script, and its process works: it competes for "script next"."""
        return self.to_script and not self.broken

    @property
    def fix_first(self) -> bool:
        """To script, but broken: fix the process before anyone scripts it."""
        return self.to_script and self.broken


class Group(StrEnum):
    """Where an operation stands on the list, in the list's order."""

    SCRIPT_NEXT = "script_next"
    FIX_FIRST = "fix_first"
    KEPT_MANUAL = "kept_manual"
    SCRIPTED = "scripted"


def group_of(op: Operation) -> Group:
    if op.scripted:
        return Group.SCRIPTED
    if op.kept_manual:
        return Group.KEPT_MANUAL
    return Group.FIX_FIRST if op.broken else Group.SCRIPT_NEXT


def is_estimate(op: Operation, deploys_per_day: float | None = None) -> bool:
    """Its toil rests on a guess: minutes nobody gave, or a deploy rate nobody told us."""
    return op.minutes_guessed or (op.frequency is Frequency.PER_DEPLOY and deploys_per_day is None)


def monthly_toil(op: Operation, deploys_per_day: float | None = None) -> float:
    """Minutes of hands-on work ``op`` costs a month (runs a month × minutes a run)."""
    return runs_per_month(op.frequency, deploys_per_day) * max(op.minutes, 0.0)


@dataclass(frozen=True, slots=True)
class Ranked:
    op: Operation
    toil: float  # minutes a month
    runs: float  # runs a month
    rank: int | None  # 1-based position among the operations to script next; None otherwise
    estimated: bool = False  # the toil rests on a guess (see :func:`is_estimate`)

    @property
    def group(self) -> Group:
        return group_of(self.op)


def _rank_key(r: Ranked) -> tuple[float, float, float, str, int]:
    # Impact first (toil), then frequency, then the cost of one run; stable after that.
    return (-r.toil, -r.runs, -r.op.minutes, r.op.title.casefold(), r.op.id)


def rank(ops: Iterable[Operation], deploys_per_day: float | None = None) -> list[Ranked]:
    """Every operation, in :class:`Group` order, each group by toil (then by how often they
    run): what to script next (ranked 1, 2, …), the broken ones whose process comes first,
    the ones kept manual on purpose, the scripted ones.

    ``deploys_per_day`` None: the team's rate is unknown, per-deploy toil is an estimate."""
    rows = [
        Ranked(
            op,
            monthly_toil(op, deploys_per_day),
            runs_per_month(op.frequency, deploys_per_day),
            None,
            is_estimate(op, deploys_per_day),
        )
        for op in ops
    ]
    groups = {g: sorted((r for r in rows if r.group is g), key=_rank_key) for g in Group}
    ranked = [replace(r, rank=i) for i, r in enumerate(groups[Group.SCRIPT_NEXT], 1)]
    return ranked + [r for g in list(Group)[1:] for r in groups[g]]


def top_to_script(ranked: Sequence[Ranked], n: int = 3) -> list[Ranked]:
    """The first ``n`` to script next (never a broken one: its process comes first)."""
    return [r for r in ranked if r.rank is not None][:n]


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    scripted: int
    share: float | None  # percent of operations scripted; None with no operations
    toil_total: float  # minutes a month, all operations
    toil_scripted: float  # minutes a month now done by scripts: the toil removed
    toil_weighted_share: float | None  # percent of the toil that is scripted
    toil_manual: float  # minutes a month still done by hand
    estimated: int = 0  # operations whose toil is an estimate (see :func:`is_estimate`)
    fix_first: int = 0  # broken operations still to script: their process comes first

    @property
    def toil_removed(self) -> float:
        return self.toil_scripted


def scripted_share(scripted: int, total: int) -> float | None:
    """Percent of ``total`` operations scripted (one decimal); None with no operations."""
    return round(100 * scripted / total, 1) if total > 0 else None


def summarise(ops: Sequence[Operation], deploys_per_day: float | None = None) -> Summary:
    total = len(ops)
    scripted = sum(1 for op in ops if op.scripted)
    toils = [(op, monthly_toil(op, deploys_per_day)) for op in ops]
    toil_total = sum(t for _op, t in toils)
    toil_scripted = sum(t for op, t in toils if op.scripted)
    return Summary(
        total=total,
        scripted=scripted,
        share=scripted_share(scripted, total),
        toil_total=toil_total,
        toil_scripted=toil_scripted,
        toil_weighted_share=round(100 * toil_scripted / toil_total, 1) if toil_total > 0 else None,
        toil_manual=toil_total - toil_scripted,
        estimated=sum(1 for op in ops if is_estimate(op, deploys_per_day)),
        fix_first=sum(1 for op in ops if op.fix_first),
    )


def toil_phrase(minutes: float, *, estimated: bool = False) -> str:
    """``45 → "45 min"``, ``130 → "2.2 h"``, ``0.4 → "under 1 min"``; an estimate reads
    ``"about 45 min"`` (and never "about under 1 min")."""
    if minutes <= 0:
        return "0 min"
    if minutes < 1:
        return "under 1 min"
    about = "about " if estimated else ""
    if minutes < 120:
        return f"{about}{format_number(round(minutes))} min"
    return f"{about}{format_number(round(minutes / 60, 1))} h"


def percent_phrase(value: float | None) -> str:
    return "–" if value is None else f"{format_number(round(value))}%"


# ------------------------------------------------------------------ nudges

# A "rare or cheap" operation: yearly, or under this many minutes of toil a month.
RARE_OR_CHEAP_TOIL = 10.0


def is_rare_or_cheap(op: Operation, deploys_per_day: float | None = None) -> bool:
    return (
        op.frequency is Frequency.YEARLY or monthly_toil(op, deploys_per_day) < RARE_OR_CHEAP_TOIL
    )


def scripting_nudges(
    target: Operation,
    runbook: Sequence[Operation],
    *,
    deploys_per_day: float | None = None,
    marked: Iterable[int] = (),
) -> list[Nudge]:
    """What to say when someone marks ``target`` for scripting.

    ``broken_process`` when it is flagged broken (fix the process first); ``over_automation``
    when it is rare or cheap while a costlier operation that could be scripted now (manual,
    unmarked, not broken) waits (``marked`` are the operations being marked together with
    it, or already marked).
    """
    nudges: list[Nudge] = []
    if target.broken:
        nudges.append(
            broken_process_nudge(target.title, fails=target.fails, differs=target.differs)
        )
    if is_rare_or_cheap(target, deploys_per_day):
        toil = monthly_toil(target, deploys_per_day)
        skip = {target.id, *marked}
        costlier = [
            op
            for op in runbook
            if op.script_next and op.id not in skip and monthly_toil(op, deploys_per_day) > toil
        ]
        if costlier:
            nudges.append(
                over_automation_runbook_nudge(
                    target.title, runs_per_month(target.frequency, deploys_per_day), target.minutes
                )
            )
    return nudges
