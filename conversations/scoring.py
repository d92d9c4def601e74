"""Reading answers and scoring a team.

Answers are a ``Mapping[str, str]``: question id -> raw answer, exactly as a button carries
it or a person typed it: ``"yes"``, ``"no"``, ``"partly"``, ``"skip"``, or a number such as
``"85"``, ``"85%"``, ``"7 min"``, ``"1.5h"``. Everything here is forgiving on the way in: a
missing, skipped or unreadable answer simply counts as "we don't know", which for a success
criterion means "not met".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from conversations.model import (
    ADVANCE_RULES,
    CRITERIA,
    IMPLIED_BY,
    STEPS,
    TARGET_FIT,
    TARGET_LEVEL,
    AnswerOption,
    Comparison,
    Condition,
    Criterion,
    Question,
    QuestionKind,
    Requirement,
    criterion,
    question,
)
from conversations.text import format_number, plural

Answers = Mapping[str, str]


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    PARTLY = "partly"
    SKIP = "skip"


class Status(StrEnum):
    """Where a team stands on one criterion, prerequisite or culture fact.

    ``BLOCKED`` is a board status only (a team says a criterion is stuck on something
    outside its hands); no answer reads as it, and for the level it counts as not met,
    like every status but ``MET``.
    """

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    question_id: str
    value: str  # canonical form to store: "yes", "partly", "skip", "85", "7.5", or a band
    choice: Choice | None  # set for yes/no answers and for "skip"
    number: float | None  # set for numeric and level answers (a band: its button's number)
    option: AnswerOption | None = None  # the range button a band answer ("50-79") stands for

    @property
    def skipped(self) -> bool:
        return self.choice is Choice.SKIP

    @property
    def exact(self) -> bool:
        """A number the person gave, not a range they picked."""
        return self.number is not None and self.option is None


@dataclass(frozen=True, slots=True)
class AnswerError:
    """A typed answer we could not read; ``message`` is ready to show (plain text)."""

    question_id: str
    message: str
    example: str


_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "true", "definitely", "absolutely"}
_NO = {"no", "n", "nope", "nah", "false", "never", "not yet"}
_PARTLY = {"partly", "partially", "partial", "part", "some", "sometimes", "somewhat", "mostly"}
_SKIP = {
    "skip",
    "?",
    "pass",
    "not sure",
    "unsure",
    "don't know",
    "dont know",
    "do not know",
    "dunno",
    "idk",
    "n/a",
    "na",
    "unknown",
}
_NONE = {"none", "zero", "nothing"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUMBER = re.compile(rf"^(?P<sign>[+-])?(?P<num>{_NUM})\s*(?P<unit>.*)$")
_PERCENT_UNITS = {"", "%", "percent", "pct", "per cent"}
# A duration's units, in minutes; a bare number is minutes.
_DURATION_UNITS: dict[str, Decimal] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), Decimal(1) / 60),
    **dict.fromkeys(("", "m", "min", "mins", "minute", "minutes"), Decimal(1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), Decimal(60)),
    **dict.fromkeys(("d", "day", "days"), Decimal(60 * 24)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), Decimal(60 * 24 * 7)),
}
_DURATION_PART = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>[a-z]*)\s*(?:,|and)?\s*")
_DURATION_WORDS = {
    "a minute": Decimal(1),
    "half an hour": Decimal(30),
    "an hour": Decimal(60),
    "an hour and a half": Decimal(90),
    "a couple of hours": Decimal(120),
    "half a day": Decimal(60 * 12),
    "a day": Decimal(60 * 24),
    "a week": Decimal(60 * 24 * 7),
}
# Hedges people put around a number: "about 60%", "~60", "60ish", "roughly 2h".
_HEDGE_BEFORE = re.compile(
    r"^(?:about|around|roughly|approximately|approx|circa|ca\.?|~|maybe|probably|"
    r"something like|somewhere around|give or take)\s*"
)
_HEDGE_AFTER = re.compile(r"\s*(?:-?ish|or so|give or take|roughly|approx|tops)$")
# Ranges, as on the buttons: "50-79%", "10 to 30 min", "under 10 min", "80% or more".
_BELOW = re.compile(r"^(?:under|less than|fewer than|below|<)\s*(?P<x>.+)$")
_ABOVE = re.compile(r"^(?:over|more than|above|>)\s*(?P<x>.+)$")
_AT_LEAST = re.compile(r"^(?:at least|>=)\s*(?P<x>.+)$|^(?P<y>.+?)\s*(?:\+|or more|and up)$")
_BETWEEN = re.compile(r"^(?:between\s+)?(?P<x>.+?)\s*(?:-|–|—|to|and)\s*(?P<y>.+)$")
_LEVEL = re.compile(r"^(?:level|lvl|l)?\s*(?P<n>\d+)$")
_MAX_INPUT = 60


def _clean(raw: str) -> str:
    return " ".join(raw.strip().lower().rstrip(".!").split())


def _canonical_number(value: Decimal) -> str:
    """Plain decimal notation, no exponent, no trailing zeros: ``"90"``, ``"0.00001"``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _error(q: Question, message: str) -> AnswerError:
    return AnswerError(q.id, message, q.example)


def parse_answer(q: Question | str, raw: str) -> ParsedAnswer | AnswerError:
    """Read one answer for question ``q`` (a Question or its id).

    Returns a :class:`ParsedAnswer` with a canonical ``value`` to store, or an
    :class:`AnswerError` whose message tells the person what to type instead. Numbers are
    read the way people type them ("about 60%", "2h", "3 days", "1,200") and refused,
    with the range that would do, when they cannot be right (a share over 100%, a billion
    minutes, half an engineer). A range that one of the question's buttons offers
    ("50-79%", "under 10 min") is that button's answer: its band is stored.
    """
    if isinstance(q, str):
        return _parse_for_id(q, raw)
    if q is question(q.id):
        return _parse_for_id(q.id, raw)
    return _parse(q, raw)


@lru_cache(maxsize=8192)
def _parse_for_id(qid: str, raw: str) -> ParsedAnswer | AnswerError:
    """:func:`parse_answer`, remembered: the flow reads the same few answers many times."""
    return _parse(question(qid), raw)


def _parse(q: Question, raw: str) -> ParsedAnswer | AnswerError:
    text = _clean(raw)
    if text in _SKIP:
        return ParsedAnswer(q.id, Choice.SKIP.value, Choice.SKIP, None)
    if len(text) > _MAX_INPUT:
        return _error(q, f"That's a long answer. A short one will do here, like {q.example}.")
    if q.kind is QuestionKind.YES_NO:
        return _parse_yes_no(q, text)
    if q.kind is QuestionKind.LEVEL:
        return _parse_level(q, text)
    return _parse_number(q, text)


def button_answer(q: Question | str, value: str) -> str:
    """What a click on the button carrying ``value`` answers: its band for a range button
    (``"65"`` on "50–79%" answers ``"50-79"``), else the value itself."""
    if isinstance(q, str):
        q = question(q)
    for option in q.options:
        if option.value == value and option.band is not None:
            return option.band
    return value


def read_choice(raw: str) -> Choice | None:
    """yes / no / partly (or skip) as people type it — ``"yep"``, ``"not yet"``,
    ``"mostly"``, ``"not sure"`` — or None for anything else."""
    text = _clean(raw)
    if text in _SKIP:
        return Choice.SKIP
    for words, choice in ((_YES, Choice.YES), (_NO, Choice.NO), (_PARTLY, Choice.PARTLY)):
        if text in words:
            return choice
    return None


def _parse_yes_no(q: Question, text: str) -> ParsedAnswer | AnswerError:
    choice = read_choice(text)
    if choice is not None and choice is not Choice.SKIP:
        return ParsedAnswer(q.id, choice.value, choice, None)
    return _error(q, "A yes, no or partly is all I need here, or skip if you're not sure.")


def _parse_level(q: Question, text: str) -> ParsedAnswer | AnswerError:
    match = _LEVEL.match(text)
    if match and 0 <= int(match.group("n")) <= 5:
        n = int(match.group("n"))
        return ParsedAnswer(q.id, str(n), None, float(n))
    return _error(
        q, f"Levels run from 0 to 5. Type one of those, like {q.example}, or pick a button."
    )


def _what(q: Question) -> str:
    """What to type instead, with the range that will do and an example."""
    b = q.bounds
    if q.kind is QuestionKind.PERCENT:
        return f"a percentage from 0 to 100, like {q.example}"
    if q.kind is QuestionKind.MINUTES:
        longest = f" up to {format_minutes(b.high)}" if b else ""
        return f"how long it takes{longest}, like {q.example} (minutes; 2h or 3 days work too)"
    if b is None:
        return f"a plain number, like {q.example}"
    kind = "a whole number" if b.whole else "a number"
    return f"{kind} from {format_number(b.low)} to {format_number(b.high)}, like {q.example}"


def format_minutes(minutes: float) -> str:
    """``45 -> "45 min"``, ``120 -> "2 hours"``, ``4320 -> "3 days"``, ``90 -> "90 min"``."""
    for size, one, many in ((60 * 24 * 7, "week", "weeks"), (60 * 24, "day", "days")):
        if minutes >= size and minutes % size == 0:
            return plural(minutes / size, one, many)
    if minutes >= 60 and minutes % 60 == 0:
        return plural(minutes / 60, "hour")
    return f"{format_number(minutes)} min"


def _quantity(q: Question, text: str) -> Decimal | None:
    """One amount in the question's unit (minutes for a time), or None if unreadable."""
    if q.kind is QuestionKind.MINUTES:
        return _duration(text)
    match = _NUMBER.match(text)
    if match is None or match.group("sign") == "-":
        return None
    unit = match.group("unit").strip()
    if q.kind is QuestionKind.PERCENT and unit not in _PERCENT_UNITS:
        return None
    if q.kind is QuestionKind.COUNT and unit and not re.fullmatch(r"[a-z /]+", unit):
        return None
    return Decimal(match.group("num").replace(",", ""))


def _duration(text: str) -> Decimal | None:
    """``"2h" -> 120``, ``"1h30" -> 90``, ``"1 hour 15 minutes" -> 75``, ``"3 days"``."""
    if text in _DURATION_WORDS:
        return _DURATION_WORDS[text]
    total, at, parts = Decimal(0), 0, 0
    while at < len(text):
        match = _DURATION_PART.match(text, at)
        if match is None or match.end() == at:
            return None
        unit = match.group("unit")
        if unit not in _DURATION_UNITS:
            return None
        total += Decimal(match.group("num").replace(",", "")) * _DURATION_UNITS[unit]
        at, parts = match.end(), parts + 1
    return total if parts else None


def _band(q: Question, text: str) -> AnswerOption | None:
    """The range button whose range ``text`` names ("50-79%", "under 10 min"), if any."""
    bands = {o.band: o for o in q.options if o.band}
    if not bands:
        return None
    candidates: list[str] = []
    if match := _AT_LEAST.match(text):
        x = _quantity(q, match.group("x") or match.group("y"))
        candidates.append(f"{_canonical_number(x)}+" if x is not None else "")
    for pattern, form in ((_BELOW, "<{}"), (_ABOVE, ">{}")):
        if match := pattern.match(text):
            x = _quantity(q, match.group("x"))
            candidates.append(form.format(_canonical_number(x)) if x is not None else "")
    if match := _BETWEEN.match(text):
        x_text, y_text = match.group("x"), match.group("y")
        y = _quantity(q, y_text)
        x = _quantity(q, x_text)
        if y is not None and q.kind is QuestionKind.MINUTES:
            # "1-8 hours": the unit after the second number is the first one's too.
            unit = _DURATION_PART.fullmatch(y_text)
            bare = _NUMBER.fullmatch(x_text)
            if unit and bare and not bare.group("unit"):
                x = _quantity(q, f"{x_text} {unit.group('unit')}")
        if x is not None and y is not None:
            candidates.append(f"{_canonical_number(x)}-{_canonical_number(y)}")
    return next((bands[c] for c in candidates if c in bands), None)


def _parse_number(q: Question, text: str) -> ParsedAnswer | AnswerError:
    what = _what(q)
    text = _HEDGE_AFTER.sub("", _HEDGE_BEFORE.sub("", text)).strip()
    if text in _NONE and q.kind is not QuestionKind.MINUTES:
        text = "0"
    option = _band(q, text)
    if option is not None and option.band is not None:
        return ParsedAnswer(q.id, option.band, None, float(option.value), option)
    if text.startswith("-"):
        magnitude = _quantity(q, text[1:].strip())
        if magnitude is not None and magnitude != 0:
            return _error(q, f"That can't be negative. Type {what}.")
        if magnitude == 0:
            text = text[1:].strip()  # minus nothing is nothing
    number = _quantity(q, text)
    if number is None:
        if q.kind is QuestionKind.PERCENT and _NUMBER.match(text):
            return _error(q, f"That doesn't look like a percentage. Type {what}.")
        if q.kind is QuestionKind.MINUTES and _NUMBER.match(text):
            return _error(q, f"I couldn't tell the unit. Type {what}.")
        return _error(q, f"I couldn't read that as a number. Type {what}, or pick a button.")
    value = float(number)
    bounds = q.bounds
    if bounds is not None and not bounds.holds(value):
        if q.kind is QuestionKind.PERCENT and value > bounds.high:
            return _error(q, f"A share can't go past 100%. Type {what}.")
        if value > bounds.high:
            return _error(q, f"That's more than I can believe here. Type {what}.")
        if bounds.whole and value != int(value) and value >= bounds.low:
            return _error(q, f"That needs a whole number. Type {what}.")
        return _error(q, f"That's too low to be right here. Type {what}.")
    canonical = _canonical_number(number)
    return ParsedAnswer(q.id, canonical, None, float(canonical))


# --- a time of day ----------------------------------------------------------------------

_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?|h)?$")


def parse_time_of_day(text: str) -> tuple[int, int] | None:
    """A time of day as people type it, as ``(hour, minute)`` on a 24-hour clock, or None.

    ``"16:00"``, ``"9:30"``, ``"4pm"``, ``"4:30 pm"``, ``"4.30pm"``, ``"16h"``, ``"16h30"``,
    ``"noon"``, ``"midnight"``. A bare hour with no am/pm (``"4"``) is too ambiguous: None.
    """
    text = " ".join(text.strip().lower().split())
    if text in ("noon", "midday", "12 noon"):
        return 12, 0
    if text == "midnight":
        return 0, 0
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    half = (match.group("half") or "").replace(".", "")
    if not half and match.group("m") is None:
        return None  # "4": four in the morning or the afternoon?
    if half in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute


def _read(qid: str, raw: str | None) -> ParsedAnswer | None:
    if raw is None:
        return None
    parsed = parse_answer(qid, raw)
    if isinstance(parsed, AnswerError) or parsed.skipped:
        return None
    return parsed


def number_of(qid: str, answers: Answers) -> float | None:
    """The number answered to a numeric question, or None when unknown."""
    parsed = _read(qid, answers.get(qid))
    return parsed.number if parsed else None


def exact_number_of(qid: str, answers: Answers) -> float | None:
    """The number answered, only when the person gave one (not a range button's)."""
    parsed = _read(qid, answers.get(qid))
    return parsed.number if parsed and parsed.exact else None


def shown_answer(q: Question | str, raw: str | None) -> str | None:
    """How an answer reads back to people, or None when unknown (skipped, missing).

    The label of the range they picked ("50–79%"), or what they gave, in its unit
    ("65%", "2 hours", "12", "Level 3", "yes"): never a number we made up.
    """
    if isinstance(q, str):
        q = question(q)
    parsed = _read(q.id, raw)
    if parsed is None:
        return None
    if parsed.option is not None:
        return parsed.option.label
    if parsed.number is None:
        return parsed.value
    if q.kind is QuestionKind.PERCENT:
        return f"{format_number(parsed.number)}%"
    if q.kind is QuestionKind.MINUTES:
        return format_minutes(parsed.number)
    if q.kind is QuestionKind.LEVEL:
        return f"Level {format_number(parsed.number)}"
    return format_number(parsed.number)


def choice_of(qid: str, answers: Answers) -> Choice | None:
    """yes / no / partly for a yes-no question, or None when unknown or skipped."""
    parsed = _read(qid, answers.get(qid))
    return parsed.choice if parsed else None


def target_level(answers: Answers) -> int | None:
    """The level the team aims at (``context.target_level``), or None."""
    number = number_of(TARGET_LEVEL, answers)
    return None if number is None else int(number)


def _compare(comparison: Comparison, value: float, threshold: float | None) -> bool:
    assert threshold is not None
    if comparison is Comparison.AT_LEAST:
        return value >= threshold
    if comparison is Comparison.MORE_THAN:
        return value > threshold
    if comparison is Comparison.LESS_THAN:
        return value < threshold
    raise ValueError(f"{comparison} is not a numeric comparison")


def _status(qid: str, comparison: Comparison, threshold: float | None, raw: str | None) -> Status:
    parsed = _read(qid, raw)
    if parsed is None:
        return Status.UNKNOWN
    if comparison is Comparison.IS_YES:
        return {
            Choice.YES: Status.MET,
            Choice.NO: Status.NOT_MET,
            Choice.PARTLY: Status.PARTLY,
        }.get(parsed.choice or Choice.SKIP, Status.UNKNOWN)
    if parsed.number is None:
        return Status.UNKNOWN
    return Status.MET if _compare(comparison, parsed.number, threshold) else Status.NOT_MET


def criterion_status(c: Criterion | str, raw: str | None) -> Status:
    """met / partly / not_met / unknown for one criterion and its raw answer."""
    if isinstance(c, str):
        c = criterion(c)
    return _status(c.id, c.comparison, c.threshold, raw)


def criterion_met(c: Criterion | str, raw: str | None) -> bool:
    """True only for a clear yes, or a number on the right side of the threshold.

    "partly", "skip", a missing answer and an unreadable one are all "not met". Percent
    criteria are met at 80 and above; minute criteria strictly below their limit.
    """
    return criterion_status(c, raw) is Status.MET


def fact_status(qid: str, answers: Answers) -> Status:
    """Status of a yes-no fact (prerequisite, culture, 24/7, SLA), implied facts included."""
    return _status(qid, Comparison.IS_YES, None, with_implied(answers).get(qid))


def with_implied(answers: Answers) -> dict[str, str]:
    """``answers`` plus the facts a met criterion already shows (see ``IMPLIED_BY``).

    An explicit answer is never overwritten.
    """
    out = dict(answers)
    for fact_id, criterion_id in IMPLIED_BY.items():
        if fact_id not in out and criterion_met(criterion_id, answers.get(criterion_id)):
            out[fact_id] = Choice.YES.value
    return out


def condition_holds(cond: Condition, answers: Answers) -> bool | None:
    """Whether a scale condition holds; None when the fact is unknown."""
    status = _status(cond.fact_id, cond.comparison, cond.value, answers.get(cond.fact_id))
    if status is Status.UNKNOWN:
        return None
    return status is Status.MET


def requirement_holds(req: Requirement, answers: Answers) -> bool | None:
    """Three-valued: True, False, or None while the facts that would decide it are unknown."""
    verdicts: list[bool | None] = []
    for clause in req.clauses:
        held = [condition_holds(cond, answers) for cond in clause]
        if any(h is True for h in held):
            verdicts.append(True)
        elif all(h is False for h in held):
            verdicts.append(False)
        else:
            verdicts.append(None)
    if any(v is False for v in verdicts):
        return False
    if all(v is True for v in verdicts):
        return True
    return None


def pays_off(into: int, answers: Answers) -> bool | None:
    """Whether the step into ``into`` pays off at the team's scale (None: can't tell yet).

    The step into 1 has no bar: scripting what you repeat pays off for everyone.
    """
    if into == 1:
        return True
    return requirement_holds(ADVANCE_RULES[into], answers)


def target_fits(target: int, answers: Answers) -> bool | None:
    """Whether aiming at ``target`` is justified by the team's scale (None: can't tell)."""
    rule = TARGET_FIT.get(target)
    if rule is None:
        return True
    return requirement_holds(rule, answers)


def score(answers: Answers) -> int:
    """The team's level: the highest N with every criterion of the steps into 1..N met.

    Steps count in order only: a criterion met higher up does not lift the level while a
    lower step is incomplete.
    """
    level = 0
    for step in STEPS:
        if not all(criterion_met(c, answers.get(c.id)) for c in step.criteria):
            break
        level = step.into
    return level


def level_of(statuses: Mapping[str, Status | str]) -> int:
    """The sequential rule over statuses (criterion id -> status, e.g. a criteria board):
    the highest N with every criterion of the steps into 1..N ``MET``. A criterion with no
    status, or any status but met (partly, not met, blocked, unknown), stops the climb at
    its step, whatever is met above it."""
    level = 0
    for step in STEPS:
        if not all(str(statuses.get(c.id, "")) == Status.MET for c in step.criteria):
            break
        level = step.into
    return level


def first_unmet(statuses: Mapping[str, Status | str], level: int) -> list[str]:
    """The criteria of the step into ``level + 1`` that are not met (none at the top)."""
    step = next((s for s in STEPS if s.into == level + 1), None)
    if step is None:
        return []
    return [c.id for c in step.criteria if str(statuses.get(c.id, "")) != Status.MET]


def met_above_level(answers: Answers, level: int) -> list[str]:
    """Criteria met at steps into ``level + 2`` and beyond: practices that skip a level."""
    return [c.id for c in CRITERIA if c.step >= level + 2 and criterion_met(c, answers.get(c.id))]
