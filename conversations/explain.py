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
    SWEET_SPOT,
    TARGET_FIT,
    Comparison,
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
    exact_number_of,
    fact_status,
    format_minutes,
    number_of,
    pays_off,
    score,
    shown_answer,
    target_fits,
    target_level,
)
from conversations.text import format_number, join_and, plural

Answers = Mapping[str, str]


STATUS_WORDS: dict[Status, str] = {
    Status.MET: "done",
    Status.PARTLY: "partly",
    Status.NOT_MET: "not yet",
    Status.UNKNOWN: "not answered",
    Status.BLOCKED: "blocked",  # a board status: not met, and stuck
}

# How a numeric criterion's answer reads in a sentence ("{}" is the answer as given).
_MEASURES: dict[str, str] = {
    "scripted.ops_80pct": "{} of routine operations scripted",
    "iac.env_from_scratch_1h": "a fresh environment in {}",
    "cd.deploy_under_10min": "deploys taking {}",
    "selfheal.incidents_auto_80pct": "{} of incidents fixed with no one paged",
}


def bar_text(c: Criterion) -> str:
    """A numeric criterion's bar, in words: ``"80%"``, ``"under 1 hour"``."""
    assert c.threshold is not None
    if c.kind is CriterionKind.PERCENT:
        at = f"{format_number(c.threshold)}%"
        return at if c.comparison is Comparison.AT_LEAST else f"over {at}"
    return f"under {format_minutes(c.threshold)}"


@dataclass(frozen=True, slots=True)
class CriterionProgress:
    """One criterion and where the team stands on it."""

    criterion: Criterion
    status: Status
    value: float | None  # the number the person gave (None for a range they picked)
    shown: str | None = None  # the answer as they gave it: "50–79%", "65%", "2 hours"

    @property
    def label(self) -> str:
        return self.criterion.label

    @property
    def detail(self) -> str:
        """The team's status in words, with its answer when it is a number: ``"not yet:
        50–79% today"``, ``"done: 25 min today"``, ``"partly"``, ``"not answered"``."""
        word = STATUS_WORDS[self.status]
        if self.shown is None or not self.criterion.is_numeric:
            return word
        return f"{word}: {self.shown} today"

    @property
    def measure(self) -> str | None:
        """The answer in a sentence with its bar: "50–79% of routine operations scripted
        (the bar is 80%)"; None for a yes/no criterion or no answer."""
        if self.shown is None or self.criterion.id not in _MEASURES:
            return None
        said = _MEASURES[self.criterion.id].format(self.shown)
        return f"{said} (the bar is {bar_text(self.criterion)})"


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
    target: int | None = None  # the level the team aims for, when above where it is
    target_note: str = ""  # for a target of 4 or 5: where the sweet spot is, and the fit

    @property
    def at_top(self) -> bool:
        return self.level == MAX_LEVEL


def progress(c: Criterion, answers: Answers) -> CriterionProgress:
    raw = answers.get(c.id)
    status = criterion_status(c, raw)
    value = exact_number_of(c.id, answers) if c.is_numeric else None
    return CriterionProgress(c, status, value, shown_answer(c.id, raw))


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
    noun = {
        ENGINEERS: "engineer",
        ENVIRONMENTS: "environment",
        SERVICES: "service",
        SERVERS: "server",
    }.get(fact_id, "")
    if exact_number_of(fact_id, answers) is None:  # a range they picked: say the range
        shown = shown_answer(fact_id, answers.get(fact_id))
        if fact_id == DEPLOYS_PER_DAY:
            return f"you deploy {shown} times a day"
        if fact_id == ENGINEERS:
            return f"{shown} engineers work on it"
        return f"you run {shown} {noun}s"
    if fact_id == DEPLOYS_PER_DAY:
        if number == 1:
            return "you deploy once a day"
        return f"you deploy {format_number(number)} times a day"
    if fact_id == ENGINEERS:
        return f"{plural(number, 'engineer')} work on it"
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
    target = target_level(answers)
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

    first = _where_you_are(level, name, step.into, criteria, answers)
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
        target=target if target is not None and target > level else None,
        target_note=_target_note(level, target, answers),
    )


def _where_you_are(
    level: int, name: str, into: int, criteria: tuple[CriterionProgress, ...], answers: Answers
) -> str:
    """The first line: the level, and how far into the next one the team has got. A team
    with half its operations scripted is on its way, not "doing everything by hand"."""
    done = [p for p in criteria if p.status is Status.MET]
    partly = [p for p in criteria if p.status is Status.PARTLY]
    measures = [m for p in criteria if p.status is not Status.MET and (m := p.measure)]
    shares = [
        number
        for p in criteria
        if p.criterion.kind is CriterionKind.PERCENT
        and (number := number_of(p.criterion.id, answers)) is not None
    ]
    if done or partly or any(share >= HALF for share in shares):
        bits = [*measures]
        if done:
            bits.append(f"{len(done)} of {len(criteria)} checks done")
        if partly:
            bits.append(f"{plural(len(partly), 'check')} partly done")
        return f"You're at Level {level}, {name}, and on the way to Level {into}: {join_and(bits)}."
    if level == 0 and shares:
        return f"You're at Level 0, {name}: most of the work is still done by hand."
    return f"You're at Level {level}, {name}."


HALF = 50  # a share of half or more is real progress towards an 80% bar


def _target_note(level: int, target: int | None, answers: Answers) -> str:
    """For a target of 4 or 5 above the team's level: where most teams do best, and
    whether the team's own scale justifies going further."""
    if target is None or target <= level or target not in TARGET_FIT:
        return ""
    low, high = SWEET_SPOT
    spot = f"Levels {low}–{high} give most organisations the best return on automation"
    rule = TARGET_FIT[target]
    fits = target_fits(target, answers)
    facts = _facts(rule, answers)
    if fits is False:
        better = max(low, min(high, target - 1))
        return (
            f"{spot}. Level {target} only pays its way with {rule.text}; "
            f"{join_and(facts)}, so level {better} is the better aim at your size."
        )
    if fits is None:
        return (
            f"{spot}. Whether level {target} pays its way for you depends on {rule.text}; "
            "tell me those numbers next time and I'll say."
        )
    if target <= high:
        return f"{spot}, so level {target} is a sound aim: {join_and(facts)}."
    return (
        f"{spot}. At your size ({join_and(facts)}) level {target} can pay its way; build it "
        "where incidents cost you most, and keep the rest at level 4."
    )
