"""Runbook to script: what a team does by hand, ranked by the toil it costs.

"Automate by frequency and impact, not novelty." An operation has a frequency and the
minutes one run takes; its *monthly toil* (runs a month × minutes) ranks what to script
next. The share of scripted operations is the team's ``scripted.ops_80pct``.

Also here, because it is pure text work: reading ``/maturity runbook add`` arguments, and
the runbook parser that turns a pasted or fetched Markdown / plain-text runbook into steps
with a guessed frequency each (:func:`parse_runbook`).

No Slack, no database. Titles are the user's own words: escape before rendering mrkdwn.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
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
FREQUENCY_CHOICES = "per-deploy, daily, weekly, monthly, quarterly or yearly"


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


# ------------------------------------------------------------------ minutes

MIN_MINUTES = 1
MAX_MINUTES = 7 * 24 * 60  # a single run longer than a week is not a runbook step
_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:m|min|mins|minute|minutes)?)?$"
)


def parse_minutes(text: str) -> int | None:
    """``"30m"``, ``"30"``, ``"45 min"``, ``"1h"``, ``"1.5h"``, ``"1h30m"`` → minutes; else None.

    Rounded to whole minutes; None when it is not a duration or is 0.
    """
    raw = text.strip().lower()
    if not raw:
        return None
    match = _DURATION.match(raw)
    if match is None or not (match.group("h") or match.group("m")):
        return None
    hours = float((match.group("h") or "0").replace(",", "."))
    minutes = float((match.group("m") or "0").replace(",", "."))
    total = hours * 60 + minutes
    if not math.isfinite(total) or total <= 0:
        return None
    return max(1, round(total))


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

    @property
    def broken(self) -> bool:
        return self.fails or self.differs

    @property
    def to_script(self) -> bool:
        """Still done by hand, and nobody decided to keep it that way."""
        return not self.scripted and not self.kept_manual


def monthly_toil(op: Operation, deploys_per_day: float | None = None) -> float:
    """Minutes of hands-on work ``op`` costs a month (runs a month × minutes a run)."""
    return runs_per_month(op.frequency, deploys_per_day) * max(op.minutes, 0.0)


@dataclass(frozen=True, slots=True)
class Ranked:
    op: Operation
    toil: float  # minutes a month
    runs: float  # runs a month
    rank: int | None  # 1-based position among operations still to script; None otherwise


def _rank_key(r: Ranked) -> tuple[float, float, float, str, int]:
    # Impact first (toil), then frequency, then the cost of one run; stable after that.
    return (-r.toil, -r.runs, -r.op.minutes, r.op.title.casefold(), r.op.id)


def rank(ops: Iterable[Operation], deploys_per_day: float | None = None) -> list[Ranked]:
    """Every operation, what to script next first: still-manual ones by toil (then by how
    often they run), then the ones kept manual on purpose, then the scripted ones."""
    rows = [
        Ranked(
            op,
            monthly_toil(op, deploys_per_day),
            runs_per_month(op.frequency, deploys_per_day),
            None,
        )
        for op in ops
    ]
    todo = sorted((r for r in rows if r.op.to_script), key=_rank_key)
    kept = sorted((r for r in rows if r.op.kept_manual and not r.op.scripted), key=_rank_key)
    done = sorted((r for r in rows if r.op.scripted), key=_rank_key)
    return [replace(r, rank=i) for i, r in enumerate(todo, 1)] + kept + done


def top_to_script(ranked: Sequence[Ranked], n: int = 3) -> list[Ranked]:
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

    @property
    def toil_removed(self) -> float:
        return self.toil_scripted


def summarise(ops: Sequence[Operation], deploys_per_day: float | None = None) -> Summary:
    total = len(ops)
    scripted = sum(1 for op in ops if op.scripted)
    toils = [(op, monthly_toil(op, deploys_per_day)) for op in ops]
    toil_total = sum(t for _op, t in toils)
    toil_scripted = sum(t for op, t in toils if op.scripted)
    return Summary(
        total=total,
        scripted=scripted,
        share=round(100 * scripted / total, 1) if total else None,
        toil_total=toil_total,
        toil_scripted=toil_scripted,
        toil_weighted_share=round(100 * toil_scripted / toil_total, 1) if toil_total > 0 else None,
        toil_manual=toil_total - toil_scripted,
    )


def toil_phrase(minutes: float) -> str:
    """``45 → "45 min"``, ``130 → "2.2 h"``, ``0.4 → "under 1 min"``."""
    if minutes <= 0:
        return "0 min"
    if minutes < 1:
        return "under 1 min"
    if minutes < 120:
        return f"{format_number(round(minutes))} min"
    return f"{format_number(round(minutes / 60, 1))} h"


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
    when it is rare or cheap while a costlier operation stays manual and unmarked
    (``marked`` are the operations being marked together with it, or already marked).
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
            if op.to_script and op.id not in skip and monthly_toil(op, deploys_per_day) > toil
        ]
        if costlier:
            nudges.append(
                over_automation_runbook_nudge(
                    target.title, runs_per_month(target.frequency, deploys_per_day), target.minutes
                )
            )
    return nudges


# ------------------------------------------------------------------ `runbook add` arguments

TITLE_MAX = 200
SECTION_MAX = 120
NOTE_MAX = 500
ADD_EXAMPLE = '/maturity runbook add "Rotate TLS certificates" weekly 30m'


class RunbookInputError(ValueError):
    """Input we cannot use; the message says what to type instead."""


@dataclass(frozen=True)
class AddRequest:
    title: str
    frequency: Frequency
    minutes: int
    team_name: str | None = None


def clean_title(text: str, limit: int = TITLE_MAX) -> str:
    """One line, single spaces, no control characters, at most ``limit`` characters."""
    flat = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    flat = " ".join(flat.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def title_key(text: str) -> str:
    """Case-, width- and spacing-insensitive key: "Rotate  certs" and "rotate certs" are one."""
    return unicodedata.normalize("NFKC", clean_title(text)).casefold()[:TITLE_MAX]


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def check_minutes(minutes: int | None, typed: str) -> int:
    if minutes is None:
        raise RunbookInputError(
            f"“{clean_title(typed, 40)}” isn't a duration I can read. Give the minutes one run "
            "takes, like `30m`, `45` or `1h30m`."
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise RunbookInputError(
            "One run has to take between 1 minute and a week. Split longer work into steps."
        )
    return minutes


def _frequency_at(args: Sequence[str], i: int) -> tuple[Frequency | None, int]:
    """The frequency starting at ``args[i]`` and how many words it used."""
    word = args[i].lower()
    if word in ("per", "every", "each", "on") and i + 1 < len(args):
        nxt = args[i + 1].lower().rstrip("s")
        if nxt in ("deploy", "deployment", "release"):
            return Frequency.PER_DEPLOY, 2
    return parse_frequency(args[i]), 1


def parse_add(args: Sequence[str]) -> AddRequest:
    """``"<title>" <frequency> <minutes>m [team name]`` (the words after ``runbook add``).

    The title may be quoted or not: the frequency is the first frequency word followed by a
    duration, so ``Send weekly report weekly 15m`` is "Send weekly report", weekly, 15 min.
    """
    if not args:
        raise RunbookInputError(
            f"Tell me the operation, how often it runs and how long: `{ADD_EXAMPLE}`."
        )
    for i in range(1, len(args)):
        frequency, used = _frequency_at(args, i)
        if frequency is None or i + used >= len(args):
            continue
        minutes = parse_minutes(args[i + used])
        if minutes is None:
            continue
        title = clean_title(" ".join(args[:i]))
        if not has_words(title):
            break
        team = " ".join(args[i + used + 1 :]).strip() or None
        return AddRequest(title, frequency, check_minutes(minutes, args[i + used]), team)
    # Say what is wrong with the most likely reading: title, then frequency, then minutes.
    title = clean_title(args[0])
    if not has_words(title):
        raise RunbookInputError(
            f"The operation needs a title with a letter or digit in it: `{ADD_EXAMPLE}`."
        )
    if len(args) < 2:
        raise RunbookInputError(
            f"How often does “{clean_title(title, 60)}” run, and how long does it take? "
            f"For example: `{ADD_EXAMPLE}`."
        )
    frequency, used = _frequency_at(args, 1)
    if frequency is None:
        raise RunbookInputError(
            f"“{clean_title(args[1], 40)}” isn't a frequency I know. Use {FREQUENCY_CHOICES} "
            f"(put a title of several words in quotes): `{ADD_EXAMPLE}`."
        )
    if 1 + used >= len(args):
        raise RunbookInputError(
            f"How long does one run take? Add the minutes, like `30m`: `{ADD_EXAMPLE}`."
        )
    check_minutes(parse_minutes(args[1 + used]), args[1 + used])
    raise RunbookInputError(f"I couldn't read that. Try: `{ADD_EXAMPLE}`.")  # pragma: no cover


# ------------------------------------------------------------------ frequency guessing


@dataclass(frozen=True)
class Guess:
    frequency: Frequency
    reason: str  # plain text: why this frequency ("says “nightly”", "a guess")
    explicit: bool  # the words said how often; otherwise inferred from what it is


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE)


_DEPLOY_NOUN = r"(?:deploy(?:ment|ing)?s?|releases?|rollouts?|ship(?:ping)?)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
# Words that say how often something runs, most specific first.
_EXPLICIT: tuple[tuple[re.Pattern[str], Frequency], ...] = (
    (
        _words(
            rf"(?:every|each|per|any)\s+{_DEPLOY_NOUN}",
            rf"(?:before|after|during|on)\s+(?:every|each|a|the)?\s*{_DEPLOY_NOUN}",
            r"per[- ]deploy",
            r"on\s+deploy",
        ),
        Frequency.PER_DEPLOY,
    ),
    (
        _words(
            r"hourly",
            r"every\s+hour",
            r"daily",
            r"nightly",
            r"every\s+(?:day|night|morning|evening|shift)",
            r"each\s+(?:day|night|morning|evening|shift)",
            r"once\s+a\s+day",
            r"per\s+day",
            r"end\s+of\s+(?:the\s+)?day",
            r"start\s+of\s+(?:the\s+)?day",
        ),
        Frequency.DAILY,
    ),
    (
        _words(
            r"weekly",
            r"bi-?weekly",
            r"fortnightly",
            r"every\s+(?:other\s+|two\s+|2\s+)?weeks?",
            r"each\s+week",
            r"once\s+a\s+week",
            r"per\s+week",
            rf"(?:every|each|on)\s+{_WEEKDAY}",
            r"(?:every|each)\s+sprint",
        ),
        Frequency.WEEKLY,
    ),
    (
        _words(
            r"monthly",
            r"every\s+month",
            r"each\s+month",
            r"once\s+a\s+month",
            r"per\s+month",
            r"month[- ]end",
            r"end\s+of\s+(?:the\s+)?month",
            r"start\s+of\s+(?:the\s+)?month",
        ),
        Frequency.MONTHLY,
    ),
    (
        _words(
            r"quarterly",
            r"every\s+quarter",
            r"each\s+quarter",
            r"every\s+(?:three|3|six|6)\s+months",
            r"every\s+90\s+days",
            r"half[- ]yearly",
            r"semi[- ]annual(?:ly)?",
            r"twice\s+a\s+year",
        ),
        Frequency.QUARTERLY,
    ),
    (
        _words(r"yearly", r"annual(?:ly)?", r"every\s+year", r"each\s+year", r"once\s+a\s+year"),
        Frequency.YEARLY,
    ),
)
# What an operation *is*, when no words say how often: (pattern, frequency, reason).
_KINDS: tuple[tuple[re.Pattern[str], Frequency, str], ...] = (
    (
        _words(r"renew(?:al)?s?\s+(?:the\s+)?domains?", r"domain\s+renewals?", r"licen[cs]es?"),
        Frequency.YEARLY,
        "renewals come round about once a year",
    ),
    (
        _words(
            r"certs?",
            r"certificates?",
            r"rotate",
            r"rotation",
            r"credentials?",
            r"passwords?",
            r"secrets?",
            r"api\s+keys?",
        ),
        Frequency.QUARTERLY,
        "rotations and renewals come round every few months",
    ),
    (
        _words(
            r"restore",
            r"restoring",
            r"recover(?:y)?",
            r"disaster",
            r"dr",
            r"fail\s*over",
            r"failback",
            r"rebuild",
            r"drill",
        ),
        Frequency.QUARTERLY,
        "restores and failovers are rare (or drilled every few months)",
    ),
    (
        _words(r"audit", r"access\s+review"),
        Frequency.QUARTERLY,
        "audits and reviews tend to be quarterly",
    ),
    (
        _words(
            r"deploy(?:ing|ment)?",
            r"releas(?:e|ing)",
            r"rollouts?",
            r"canary",
            r"migrations?",
            r"smoke\s+tests?",
            r"tag\s+the",
            r"changelog",
            r"pipeline",
        ),
        Frequency.PER_DEPLOY,
        "sounds like part of a deploy",
    ),
    (
        _words(
            r"backups?",
            r"back\s+up",
            r"snapshots?",
            r"dashboards?",
            r"handover",
            r"hand-off",
            r"stand-?up",
        ),
        Frequency.DAILY,
        "backups and checks like this are usually daily",
    ),
    (
        _words(
            r"incidents?",
            r"outages?",
            r"pages?",
            r"paged",
            r"pager",
            r"on-?call",
            r"escalat\w*",
            r"post-?mortems?",
            r"status\s+page",
            r"roll\s*back",
            r"rollbacks?",
            r"hotfix\w*",
        ),
        Frequency.MONTHLY,
        "incident work: roughly monthly, adjust to your reality",
    ),
    (
        _words(
            r"patch(?:es|ing)?",
            r"upgrades?",
            r"upgrading",
            r"onboard\w*",
            r"offboard\w*",
            r"new\s+hires?",
            r"access\s+requests?",
            r"billing",
            r"invoices?",
            r"costs?",
        ),
        Frequency.MONTHLY,
        "this kind of chore tends to be monthly",
    ),
)
DEFAULT_FREQUENCY = Frequency.MONTHLY


def _explicit(text: str) -> tuple[Frequency, str] | None:
    best: tuple[int, Frequency, str] | None = None
    for pattern, frequency in _EXPLICIT:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), frequency, " ".join(match.group(0).split()))
    return None if best is None else (best[1], best[2])


def _kind(text: str) -> tuple[Frequency, str] | None:
    for pattern, frequency, reason in _KINDS:
        if pattern.search(text):
            return frequency, reason
    return None


def guess_frequency(text: str, context: Sequence[str] = ()) -> Guess:
    """How often a step runs, from its words and then its headings (innermost first).

    Words that say it ("nightly", "before each deploy", "every Monday") win; then what the
    step is (a restore is rare, a backup daily, a canary check part of each deploy); then
    monthly, as an honest guess.
    """
    found = _explicit(text)
    if found:
        return Guess(found[0], f"says “{found[1]}”", True)
    for heading in context:
        found = _explicit(heading)
        if found:
            return Guess(found[0], f"under “{clean_title(heading, 40)}”", True)
    for words in (text, *context):
        kind = _kind(words)
        if kind:
            return Guess(kind[0], kind[1], False)
    return Guess(DEFAULT_FREQUENCY, "no clue in the words: a guess", False)


_DURATION_IN_TEXT = re.compile(
    r"(?:(?P<open>[(\[])|~|≈|\babout\s|\bapprox\.?\s*|\baround\s|\btakes?\s+(?:about\s+|around\s+|~)?"
    r"|\btook\s+|\bfor\s+(?:about\s+|around\s+|~)?|\ballow\s+|(?:^|\s)[-–—:,]\s*)"
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>h|hrs?|hours?|m|mins?|minutes?)"
    r"(?:\s*(?P<num2>\d+)\s*(?:m|mins?|minutes?))?\b"
    r"(?(open)\s*[)\]]|)",
    re.IGNORECASE,
)


def minutes_in(text: str) -> tuple[int, str] | None:
    """A duration the step's words give (``(15 min)``, ``~30m``, ``takes 2h``, ``— 20 min``):
    (minutes, the matched words) or None. Durations that are not the step's own length,
    like "within 24h", are not taken."""
    for match in _DURATION_IN_TEXT.finditer(text):
        value = float(match.group("num").replace(",", "."))
        unit = match.group("unit").lower()
        minutes = value * 60 if unit.startswith("h") else value
        if match.group("num2"):
            minutes += float(match.group("num2"))
        if MIN_MINUTES <= minutes <= MAX_MINUTES:
            return round(minutes), match.group(0)
    return None


# ------------------------------------------------------------------ the runbook parser

MAX_IMPORT_STEPS = 500
MAX_IMPORT_CHARS = 1_000_000
DEFAULT_MINUTES = 10
# Fenced blocks of these languages hold config or output, not commands.
_NOT_COMMANDS = frozenset(
    {
        "text",
        "txt",
        "plain",
        "plaintext",
        "output",
        "log",
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "xml",
        "csv",
        "diff",
        "mermaid",
        "markdown",
        "md",
        "html",
    }
)


@dataclass(frozen=True)
class ImportedStep:
    title: str
    section: str
    frequency: Frequency
    minutes: int
    scripted: bool
    reason: str = ""  # why this frequency (plain text)
    minutes_guessed: bool = True


@dataclass(frozen=True)
class ParsedRunbook:
    title: str
    steps: tuple[ImportedStep, ...]

    @property
    def scripted(self) -> int:
        return sum(1 for s in self.steps if s.scripted)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(s.section for s in self.steps if s.section))


class RunbookParseError(ValueError):
    """Nothing usable in the text (or far too much); the message says what to do."""


_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(={2,}|-{2,})\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+#.-]*)")
_ITEM = re.compile(
    r"^(?P<indent>\s*)(?P<marker>[-*+•◦▪‣·▸►–]|\(?\d{1,3}[.)]|(?:step|stage)\s+\d{1,3}\s*[:.)-]?)\s+(?P<text>\S.*)$",
    re.IGNORECASE,
)
_BARE_MARKER = re.compile(r"^\s*(?:[-*+•◦▪‣·▸►–]|\(?\d{1,3}[.)])\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*:?\s*$")
# Every inline pattern is bounded ({0,N}) and runs on at most _INLINE_MAX characters of a
# step: an unbounded ``[^\]]*`` or ``.+?`` rescans the rest of the line from every ``[`` or
# ``_``, and a 1 MB line of ``- [- [- […`` (an imported file) would take minutes.
_INLINE_MAX = 4000
_LINK = re.compile(r"!?\[([^\]]{0,300})\]\([^)]{0,2000}\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.{1,300}?)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)(.{1,300}?)(?<!\s)\1(?![\w*])")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _clean_inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    text = _SINGLE_EMPHASIS.sub(r"\2", text)
    return text.replace("`", "").replace("\\", "")


def _without_duration(text: str) -> str:
    """The text without its own duration when that is an aside: ``(15 min)`` anywhere, or
    ``— takes about 2h`` at the end (the minutes are kept apart from the title)."""
    for match in _DURATION_IN_TEXT.finditer(text):
        if match.group("open") or not text[match.end() :].strip(" .;"):
            return (text[: match.start()] + " " + text[match.end() :]).strip()
    return text


def _title_of(text: str) -> str:
    inline = _clean_inline(text[:_INLINE_MAX])
    return clean_title(_without_duration(inline)).rstrip(" .;:,—–-")


@dataclass
class _Draft:
    text: str
    indent: int
    section: str
    context: tuple[str, ...]
    scripted: bool = False
    details: list[str] = field(default_factory=list)
    open: bool = True  # the next plain line continues its text


def _opens_list(lines: list[str], index: int, indent: int) -> bool:
    """True when the next non-blank line after ``index`` is a list item nested deeper."""
    for line in lines[index + 1 : index + 50]:
        if not line.strip():
            continue
        item = _ITEM.match(line)
        return item is not None and len(item.group("indent")) > indent
    return False


def _normalise(text: str) -> list[str]:
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    return text.split("\n")


def parse_runbook(text: str, *, max_steps: int = MAX_IMPORT_STEPS) -> ParsedRunbook:
    """Steps of a runbook written in Markdown or plain text.

    - Numbered (``1.``, ``2)``, ``Step 3:``) and bulleted (``-``, ``*``, ``•``) items are
      steps; an item nested under a step is a detail of it, unless its parent ends with a
      colon (then the parent names a group and the nested items are the steps).
    - Headings (``#``, underlined, or a bold line of its own) name the section.
    - A fenced code block under a step, or a line starting with ``$``, marks the step as
      already scripted. A ``$`` item is itself a scripted step (its command is its title).
    - Text with no list at all: every short line is a step.
    Each step gets a guessed frequency (:func:`guess_frequency`) and its minutes when the
    words give them (``(15 min)``), else :data:`DEFAULT_MINUTES`.
    """
    if len(text) > MAX_IMPORT_CHARS:
        raise RunbookParseError(
            "That runbook is over a million characters. Split it and import the parts."
        )
    lines = _normalise(text)
    headings: list[tuple[int, str, bool]] = []  # (level, text, soft) of enclosing headings
    steps_under_heading = 0
    doc_title = ""
    drafts: list[_Draft] = []
    loose: list[tuple[str, str, tuple[str, ...]]] = []  # plain lines: (text, section, context)
    group_stack: list[tuple[int, str]] = []  # (indent, label) of "Label:" items
    current: _Draft | None = None
    fence: str | None = None
    blank_before = True

    def context() -> tuple[str, ...]:
        labels = [label for _i, label in reversed(group_stack)]
        return (*labels, *(h for _lvl, h, _soft in reversed(headings)))

    def section() -> str:
        parts = [h for _lvl, h, _soft in headings]
        if len(parts) > 1 and parts[0] == doc_title:
            parts = parts[1:]
        inner = parts[-1] if parts else ""
        if group_stack:
            inner = f"{inner} › {group_stack[-1][1]}" if inner else group_stack[-1][1]
        return clean_title(inner, SECTION_MAX)

    def heading(level: int | None, raw: str) -> None:
        """A heading; ``level=None`` for a soft one (a bold line, "Label:", CAPITALS): it
        is a sibling of a heading that already has steps, else a child of it."""
        nonlocal current, doc_title, steps_under_heading
        title = _title_of(raw)
        if not has_words(title):
            return
        soft = level is None
        if level is None:
            if not headings:
                level = 2
            elif headings[-1][2] or steps_under_heading:
                level = headings[-1][0]
            else:
                level = headings[-1][0] + 1
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, title, soft))
        if level == 1 and not doc_title:
            doc_title = title
        group_stack.clear()
        current = None
        steps_under_heading = 0

    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        fenced = _FENCE.match(line)
        if fenced:
            fence = fenced.group(2)[0] * 3
            lang = fenced.group(3).lower()
            if current is not None and lang not in _NOT_COMMANDS:
                current.scripted = True
            if current is not None:
                current.open = False
            blank_before = False
            continue
        if not stripped:
            if current is not None:
                current.open = False
            blank_before = True
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        atx = _ATX.match(line)
        if atx:
            heading(len(atx.group(1)), atx.group(2))
            blank_before = False
            continue
        if _SETEXT.match(line):
            blank_before = False
            continue  # consumed with the line above it (or a horizontal rule)
        if _RULE.match(line):
            current = None
            blank_before = True
            continue
        if _BARE_MARKER.match(line):  # a number or bullet with nothing after it
            if current is not None:
                current.open = False
            continue
        item = _ITEM.match(line)
        if item:
            indent = len(item.group("indent"))
            body = _CHECKBOX.sub("", item.group("text").strip())
            while group_stack and group_stack[-1][0] >= indent:
                group_stack.pop()
            group = body.rstrip().endswith(":") and _opens_list(lines, index, indent)
            if current is not None and indent > current.indent + 1 and not group:
                # A detail of the step above: a command marks it scripted.
                if body.startswith("$"):
                    current.scripted = True
                current.details.append(body)
                current.open = False
                blank_before = False
                continue
            if group and not body.startswith("$"):
                label = _title_of(body)
                if has_words(label):
                    group_stack.append((indent, label))
                current = None
                blank_before = False
                continue
            scripted = body.lstrip("`").startswith("$")
            if scripted:
                body = body.lstrip("`").lstrip("$").strip().rstrip("`")
            current = _Draft(body, indent, section(), context(), scripted=scripted)
            drafts.append(current)
            steps_under_heading += 1
            blank_before = False
            if len(drafts) > max_steps:
                raise RunbookParseError(
                    f"That runbook has more than {max_steps} steps. I import up to {max_steps} at "
                    "a time: split it and import the parts."
                )
            continue
        # A plain line: a setext heading, a bold heading, a command, a continuation, or prose.
        if _SETEXT.match(nxt):
            heading(1 if nxt.strip().startswith("=") else 2, stripped)
            blank_before = False
            continue
        bold = _BOLD_LINE.match(line)
        if bold and blank_before:
            heading(None, bold.group("text"))
            blank_before = False
            continue
        if stripped.startswith("$"):
            if current is not None:
                current.scripted = True
                current.open = False
            else:
                loose.append((stripped, section(), context()))
            blank_before = False
            continue
        if current is not None and current.open:
            if len(current.text) < TITLE_MAX:
                current.text += " " + stripped
            blank_before = False
            continue
        shouting = stripped.isupper() and len(stripped) <= 60 and not stripped.startswith("/")
        if (stripped.endswith(":") and len(stripped) <= 60 and _ITEM.match(nxt)) or shouting:
            heading(None, stripped.rstrip(":"))
            blank_before = False
            continue
        loose.append((stripped, section(), context()))
        blank_before = False

    if not drafts:
        # No list anywhere: a plain-text runbook (or a Slack message), one step a line.
        for raw, sec, ctx in loose:
            scripted = raw.startswith("$")
            body = raw.lstrip("$").strip() if scripted else raw
            if len(body) > 2 * TITLE_MAX:
                continue  # a paragraph of prose, not a step
            drafts.append(_Draft(body, 0, sec, ctx, scripted=scripted))
            if len(drafts) > max_steps:
                raise RunbookParseError(
                    f"That runbook has more than {max_steps} steps. I import up to {max_steps} at "
                    "a time: split it and import the parts."
                )

    steps: list[ImportedStep] = []
    seen: set[tuple[str, str]] = set()
    for draft in drafts:
        title = _title_of(draft.text)
        if not has_words(title):
            continue
        key = (title_key(draft.section), title_key(title))
        if key in seen:
            continue
        seen.add(key)
        guess = guess_frequency(
            draft.text, (*draft.context, doc_title) if doc_title else draft.context
        )
        found = minutes_in(draft.text)
        steps.append(
            ImportedStep(
                title=title,
                section=draft.section,
                frequency=guess.frequency,
                minutes=found[0] if found else DEFAULT_MINUTES,
                scripted=draft.scripted,
                reason=guess.reason,
                minutes_guessed=found is None,
            )
        )
    if not steps:
        raise RunbookParseError(
            "I couldn't find any steps in that. Put one step on each line, numbered (1. 2. 3.) "
            "or bulleted (- or *); headings become sections."
        )
    return ParsedRunbook(title=doc_title, steps=tuple(steps))
