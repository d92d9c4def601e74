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

from conversations.model import (
    ADVANCE_RULES,
    CRITERIA,
    IMPLIED_BY,
    STEPS,
    TARGET_FIT,
    TARGET_LEVEL,
    Comparison,
    Condition,
    Criterion,
    Question,
    QuestionKind,
    Requirement,
    criterion,
    question,
)

Answers = Mapping[str, str]


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    PARTLY = "partly"
    SKIP = "skip"


class Status(StrEnum):
    """Where a team stands on one criterion, prerequisite or culture fact."""

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    question_id: str
    value: str  # canonical form to store: "yes", "partly", "skip", "85", "7.5"
    choice: Choice | None  # set for yes/no answers and for "skip"
    number: float | None  # set for numeric and level answers

    @property
    def skipped(self) -> bool:
        return self.choice is Choice.SKIP


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

_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<unit>.*)$""",
    re.VERBOSE,
)
_PERCENT_UNITS = {"", "%", "percent", "pct", "per cent"}
_MINUTE_UNITS = {"", "m", "min", "mins", "minute", "minutes"}
_HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours"}
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
    :class:`AnswerError` whose message tells the person what to type instead.
    """
    if isinstance(q, str):
        q = question(q)
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


def _parse_yes_no(q: Question, text: str) -> ParsedAnswer | AnswerError:
    for words, choice in ((_YES, Choice.YES), (_NO, Choice.NO), (_PARTLY, Choice.PARTLY)):
        if text in words:
            return ParsedAnswer(q.id, choice.value, choice, None)
    return _error(q, "A yes, no or partly is all I need here, or skip if you're not sure.")


def _parse_level(q: Question, text: str) -> ParsedAnswer | AnswerError:
    match = _LEVEL.match(text)
    if match and 0 <= int(match.group("n")) <= 5:
        n = int(match.group("n"))
        return ParsedAnswer(q.id, str(n), None, float(n))
    return _error(q, "Levels run from 0 to 5. Type one of those, like 3, or pick a button.")


def _parse_number(q: Question, text: str) -> ParsedAnswer | AnswerError:
    if text in _NONE and q.kind is not QuestionKind.MINUTES:
        return ParsedAnswer(q.id, "0", None, 0.0)
    what = {
        QuestionKind.PERCENT: f"a percentage from 0 to 100, like {q.example}",
        QuestionKind.MINUTES: f"a time in minutes, like {q.example} (2h works too)",
        QuestionKind.COUNT: f"a plain number, like {q.example}",
    }[q.kind]
    match = _NUMBER.match(text)
    if match is None:
        return _error(q, f"I couldn't read that as a number. Type {what}, or pick a button.")
    number = Decimal(match.group("num").replace(",", ""))
    unit = match.group("unit").strip()
    if match.group("sign") == "-" and number != 0:
        return _error(q, f"That can't be negative. Type {what}.")
    if q.kind is QuestionKind.PERCENT:
        if unit not in _PERCENT_UNITS:
            return _error(q, f"That doesn't look like a percentage. Type {what}.")
        if number > 100:
            return _error(q, f"A share can't go past 100%. Type {what}.")
    elif q.kind is QuestionKind.MINUTES:
        if unit in _HOUR_UNITS:
            number *= 60
        elif unit not in _MINUTE_UNITS:
            return _error(q, f"I couldn't tell the unit. Type {what}.")
    elif unit and not re.fullmatch(r"[a-z /]+", unit):
        return _error(q, f"I couldn't read that as a number. Type {what}.")
    value = _canonical_number(number)
    return ParsedAnswer(q.id, value, None, float(value))


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


def met_above_level(answers: Answers, level: int) -> list[str]:
    """Criteria met at steps into ``level + 2`` and beyond: practices that skip a level."""
    return [c.id for c in CRITERIA if c.step >= level + 2 and criterion_met(c, answers.get(c.id))]
