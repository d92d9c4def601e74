"""Why a team is at its level, what stands in the way, and whether the next step is worth it.

``explain(answers)`` turns the raw answers of a check-in into an :class:`Explanation` that the
Slack layer renders as it likes. All text is plain (escape before putting it in mrkdwn).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conversations.model import (
    ADVANCE_RULES,
    CRITERIA,
    DEPLOYS_PER_DAY,
    ENGINEERS,
    ENVIRONMENTS,
    MAX_LEVEL,
    NEEDS_24X7,
    SERVERS,
    SERVICES,
    STRICT_SLA,
    TARGET_FIT,
    Criterion,
    CriterionKind,
    Prerequisite,
    Requirement,
    level_name,
    step_into,
)
from conversations.scoring import (
    Choice,
    Status,
    choice_of,
    condition_holds,
    criterion_status,
    fact_status,
    number_of,
    pays_off,
    score,
    target_fits,
)
from conversations.text import format_number, join_and, plural

Answers = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CriterionProgress:
    """One criterion and where the team stands on it."""

    criterion: Criterion
    status: Status
    value: float | None  # the number answered, for percent and minute criteria

    @property
    def label(self) -> str:
        return self.criterion.label

    @property
    def detail(self) -> str:
        """A few words on the team's status: ``"25 min today"``, ``"partly"``, ``"not yet"``."""
        if self.value is not None:
            unit = "%" if self.criterion.kind is CriterionKind.PERCENT else " min"
            return f"{format_number(self.value)}{unit} today"
        return {
            Status.MET: "done",
            Status.PARTLY: "partly",
            Status.NOT_MET: "not yet",
            Status.UNKNOWN: "not answered",
        }[self.status]


@dataclass(frozen=True, slots=True)
class NextStep:
    into: int
    name: str
    criteria: tuple[CriterionProgress, ...]
    typical_duration: str
    first_move: str


@dataclass(frozen=True, slots=True)
class Explanation:
    level: int
    level_name: str
    in_place: tuple[str, ...]  # short lines: completed steps, then partial progress
    blockers: tuple[CriterionProgress, ...]  # unmet criteria of the next step
    next_step: NextStep | None  # None at level 5
    pays_off: bool | None  # None while the team's numbers are unknown
    pays_off_reason: str  # one line, quoting the bar and the team's numbers
    missing_prerequisites: tuple[Prerequisite, ...]  # answered no or partly
    unknown_prerequisites: tuple[Prerequisite, ...]  # not answered (yet)
    met_above: tuple[Criterion, ...]  # practices from beyond the next step (not counted)
    summary: str  # 2-3 lines of plain text

    @property
    def at_top(self) -> bool:
        return self.level == MAX_LEVEL


def progress(c: Criterion, answers: Answers) -> CriterionProgress:
    status = criterion_status(c, answers.get(c.id))
    value = number_of(c.id, answers) if c.is_numeric else None
    return CriterionProgress(c, status, value)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() else text


def fact_phrase(fact_id: str, answers: Answers) -> str | None:
    """How we say one of the team's numbers in a sentence, or None when unknown."""
    if fact_id in (NEEDS_24X7, STRICT_SLA):
        choice = choice_of(fact_id, answers)
        if choice is None:
            return None
        yes = choice is Choice.YES
        if fact_id == NEEDS_24X7:
            return "you need 24/7 uptime" if yes else "you don't need 24/7 uptime"
        return "you're held to a strict SLA" if yes else "you have no strict SLA"
    number = number_of(fact_id, answers)
    if number is None:
        return None
    if fact_id == DEPLOYS_PER_DAY:
        if number == 1:
            return "you deploy once a day"
        return f"you deploy {format_number(number)} times a day"
    if fact_id == ENGINEERS:
        return f"{plural(number, 'engineer')} work on it"
    noun = {ENVIRONMENTS: "environment", SERVICES: "service", SERVERS: "server"}[fact_id]
    return f"you run {plural(number, noun)}"


def scale_verdict(into: int, answers: Answers) -> tuple[bool | None, str]:
    """Whether the step into ``into`` pays off at the team's scale, and one line saying why.

    True / False / None (the numbers that would decide it are unknown). The line quotes the
    bar and the team's own numbers. For level 5 the bar alone is not enough: it also has to
    fit (``TARGET_FIT[5]``: a strict SLA plus high scale), so a strict SLA on a small estate
    is a "not yet".
    """
    if into == 1:
        return (
            True,
            "Scripting the jobs you repeat pays off for any team; this step has no size bar.",
        )
    rule: Requirement = ADVANCE_RULES[into]
    name = _lower_first(level_name(into))
    verdict = pays_off(into, answers)
    fit = TARGET_FIT.get(into)
    if verdict is True and fit is not None and target_fits(into, answers) is False:
        facts = _facts(fit, answers)
        return False, f"Not worth it yet: {join_and(facts)}, and {name} only fits {fit.text}."
    if verdict is True:
        passing = [
            cond
            for clause in rule.clauses
            for cond in clause
            if condition_holds(cond, answers) is True
        ]
        facts = _unique(p for cond in passing if (p := fact_phrase(cond.fact_id, answers)))
        return (
            True,
            f"Worth it at your size: {join_and(facts)}, and the bar for {name} is {rule.text}.",
        )
    facts = _facts(rule, answers)
    if verdict is False:
        return (
            False,
            f"Not worth it yet: {join_and(facts)}, under the bar for {name} ({rule.text}).",
        )
    known = f" So far: {join_and(facts)}." if facts else ""
    return None, (
        f"Can't tell yet whether {name} pays off: the bar is {rule.text}, and we're "
        f"missing your numbers.{known}"
    )


def scale_reason(into: int, answers: Answers) -> str:
    """Just the line of :func:`scale_verdict`."""
    return scale_verdict(into, answers)[1]


def _facts(req: Requirement, answers: Answers) -> list[str]:
    return _unique(p for fid in req.fact_ids if (p := fact_phrase(fid, answers)))


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _in_place(level: int, answers: Answers) -> tuple[str, ...]:
    lines = [f"Level {n} ({level_name(n)}): every check met" for n in range(1, level + 1)]
    for c in CRITERIA:
        if c.step > level and criterion_status(c, answers.get(c.id)) is Status.MET:
            if c.step == level + 1:
                lines.append(c.label)
            else:
                lines.append(f"{c.label} (a level {c.step} practice, counted later)")
    return tuple(lines)


def explain(answers: Answers) -> Explanation:
    """Explain a team's level from its answers (question id -> raw answer)."""
    level = score(answers)
    name = level_name(level)
    in_place = _in_place(level, answers)
    met_above = tuple(
        c
        for c in CRITERIA
        if c.step >= level + 2 and criterion_status(c, answers.get(c.id)) is Status.MET
    )
    if level == MAX_LEVEL:
        return Explanation(
            level=level,
            level_name=name,
            in_place=in_place,
            blockers=(),
            next_step=None,
            pays_off=None,
            pays_off_reason="There is no level above 5 to weigh up.",
            missing_prerequisites=(),
            unknown_prerequisites=(),
            met_above=(),
            summary=(
                f"You're at Level {level}, {name}: the top of the ladder.\n"
                "There's no next level to chase. The work now is keeping the automation "
                "trustworthy and its costs in check as the system grows."
            ),
        )

    step = step_into(level + 1)
    criteria = tuple(progress(c, answers) for c in step.criteria)
    blockers = tuple(p for p in criteria if p.status is not Status.MET)
    verdict, reason = scale_verdict(step.into, answers)
    prereq_status = [(p, fact_status(p.id, answers)) for p in step.prerequisites]
    missing = tuple(p for p, s in prereq_status if s in (Status.NOT_MET, Status.PARTLY))
    unknown = tuple(p for p, s in prereq_status if s is Status.UNKNOWN)

    first = "You're at Level 0, Manual: most work still runs by hand."
    if level > 0:
        first = f"You're at Level {level}, {name}."
    open_checks = (
        f"{len(blockers)} of {len(criteria)} checks still open, starting with "
        f"{_lower_first(blockers[0].label)}"
    )
    second = (
        f"Next up is level {step.into}, {_lower_first(step.name)}: {open_checks}. "
        f"Teams usually take {step.typical_duration}."
    )
    summary = "\n".join((first, second, reason))

    return Explanation(
        level=level,
        level_name=name,
        in_place=in_place,
        blockers=blockers,
        next_step=NextStep(step.into, step.name, criteria, step.typical_duration, step.first_move),
        pays_off=verdict,
        pays_off_reason=reason,
        missing_prerequisites=missing,
        unknown_prerequisites=unknown,
        met_above=met_above,
        summary=summary,
    )
