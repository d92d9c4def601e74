"""The check-in as an explicit state machine.

State is nothing but the answers so far (question id -> raw answer). ``next_step(answers)``
walks the plan below from the start, reading each answer it needs, and returns the first
question that has no answer yet, or the :class:`Result` when there is nothing left to ask.
The same answers always give the same next question; no hidden state, so the bot can keep
the answers in a table and pick up after a restart.

The plan
--------
1. **Ladder.** The criteria of the step into 1, in order, then step 2's, and so on, for as
   long as every criterion so far is met. The first unmet one (a "no", "partly", "skip", or a
   number on the wrong side of its threshold) settles the level at L = that step - 1.
2. **The rest of the open step.** Its remaining criteria, so we can say what blocks level L+1
   and how far along the team is.
3. **Probes.** The most telling criterion of the step above the open one (``STEPS[n].probe``),
   so a team practising above its level is noticed; then the next step's probe, and so on,
   only while the team shows signs of the step below (a yes or a partly, a number at the
   bar). A team with no sign of continuous delivery is not asked about self-healing.
4. **Target.** ``context.target_level``, offering only levels above L.
5. **Scale facts for the next step**, only as many as it takes to decide whether the step
   into L+1 pays off (``ADVANCE_RULES``); the step into 1 has no bar and needs none.
6. **Scale facts for the target**, whenever the target is above L and has a fit rule (4 or
   5, ``TARGET_FIT``), again only until it is decided: a two-person team aiming at level 4
   hears about over-automation however far away level 4 is.
7. **Getting ready**, only when the team is going to take the next step (it pays off at
   their scale or can't be told yet, or they aim at it or beyond with a target their scale
   justifies): **culture** (blameless reviews, trust) when that step is into 3 or higher,
   then the step's **prerequisites**.

Facts already shown by a met criterion are not asked (``model.IMPLIED_BY``: scripts in
version control imply version control; production deploys with no sign-off imply trust in
the automation; and so on). Facts passed in ``known`` (e.g. ``scripted.ops_80pct`` measured
from the runbook) pre-answer their question: it is never asked and does not count towards
the limit, and a known fact wins over a typed answer to the same question.

Limits
------
Nobody is asked more than ``MAX_QUESTIONS`` (20); the cap drops the tail (prerequisites
first), which the explanation lists under ``unknown_prerequisites``. How many to expect
from where a check-in stands is :func:`question_range` (the intro quotes it).

Re-flow: changing an earlier answer (``apply_answer``) keeps every answer whose question is
still asked, or may still be once the questions the change opened are answered, and drops
the rest: a criterion when no way on asks it any more; a fact about the team (scale,
target, culture, groundwork) only when the check-in ends without asking it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from conversations.explain import Explanation, explain
from conversations.model import (
    ADVANCE_RULES,
    CONTEXT_IDS,
    CULTURE_IDS,
    MAX_LEVEL,
    STEPS,
    TARGET_FIT,
    TARGET_LEVEL,
    CriterionKind,
    Question,
    QuestionKind,
    Requirement,
    Section,
    Step,
    criterion,
    question,
    target_question,
)
from conversations.nudges import Nudge, assessment_nudges
from conversations.scoring import (
    AnswerError,
    Status,
    condition_holds,
    criterion_met,
    criterion_status,
    parse_answer,
    pays_off,
    requirement_holds,
    score,
    target_fits,
    target_level,
    with_implied,
)
from conversations.text import closest

MAX_QUESTIONS = 20

Answers = Mapping[str, str]
# The plan yields question ids and is sent back each raw answer.
_Plan = Generator[str, str, None]


@dataclass(frozen=True, slots=True)
class Result:
    """A finished check-in."""

    level: int
    explanation: Explanation
    nudges: tuple[Nudge, ...]
    questions_asked: int
    facts: dict[str, str] = field(default_factory=dict)  # answers on the path, plus known


class InvalidAnswer(ValueError):
    """Raised by :func:`apply_answer` for an unreadable answer; ``error.message`` is friendly."""

    def __init__(self, error: AnswerError) -> None:
        super().__init__(error.message)
        self.error = error


# --- the plan ---------------------------------------------------------------------------


def _ask(values: dict[str, str], qid: str) -> Generator[str, str, str]:
    if qid not in values:
        values[qid] = yield qid
    return values[qid]


def _settle(values: dict[str, str], req: Requirement) -> _Plan:
    """Ask the facts of ``req`` in order until it is decided (or nothing is left to ask)."""
    for clause in req.clauses:
        for cond in clause:
            if requirement_holds(req, values) is not None:
                return
            if requirement_holds(Requirement((clause,), ""), values) is not None:
                break  # this clause is decided; the rest of it cannot change the verdict
            yield from _ask(values, cond.fact_id)


def shows_sign(criterion_id: str, raw: str | None) -> bool:
    """Whether an answer shows the team has started on a criterion's practice: a yes or a
    partly, or a number at the bar."""
    return criterion_status(criterion_id, raw) in (Status.MET, Status.PARTLY)


def _plan() -> _Plan:
    values: dict[str, str] = {}

    # 1. The ladder, while every criterion so far is met.
    open_step: Step | None = None
    for step in STEPS:
        for c in step.criteria:
            raw = yield from _ask(values, c.id)
            if not criterion_met(c, raw):
                open_step = step
                break
        if open_step is not None:
            break
    if open_step is None:
        return  # level 5: nothing above to probe, no next step to prepare
    level = open_step.into - 1

    # 2. The rest of the open step; 3. probes upward, while the team shows signs.
    for c in open_step.criteria:
        yield from _ask(values, c.id)
    for step in STEPS[open_step.into :]:
        raw = yield from _ask(values, step.probe)
        if not shows_sign(step.probe, raw):
            break

    # 4. Where the team wants to go.
    yield from _ask(values, TARGET_LEVEL)
    target = target_level(values)

    # 5. Does the next step pay off? 6. Does the target fit?
    if open_step.into in ADVANCE_RULES:
        yield from _settle(values, ADVANCE_RULES[open_step.into])
    if target is not None and target > level and target in TARGET_FIT:
        yield from _settle(values, TARGET_FIT[target])

    # 7. Getting ready for the next step, if the team is going to take it: it pays off at
    # their scale (or we can't tell), or they aim at it or beyond with a target their
    # scale justifies. Culture from the step into 3 up, then the step's prerequisites.
    aims_at_it = (
        target is not None and target >= open_step.into and target_fits(target, values) is not False
    )
    if pays_off(open_step.into, values) is False and not aims_at_it:
        return
    later = [
        *(CULTURE_IDS if open_step.into >= 3 else ()),
        *(p.id for p in open_step.prerequisites),
    ]
    for fid in later:
        if fid not in with_implied(values):
            yield from _ask(values, fid)


# A stand-in answer for a question not answered yet, to see where the path could go.
_Fill = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class _Walk:
    path: tuple[str, ...]  # question ids on the path that have an answer, in asking order
    next: str | None  # the next question, or None when the check-in is over
    asked: int  # answered questions on the path, not counting known facts
    values: dict[str, str]  # the answers the path read (known facts included)
    level: int  # the level the ladder settled (or the score so far)
    reached: frozenset[str] = frozenset()  # with ``fill``: every question the walk reached
    asked_through: int = 0  # with ``fill``: questions asked to the end, filled ones too


def _acceptable(qid: str, raw: str, values: dict[str, str]) -> bool:
    """A target at or below the level the team is at is no target: asked again."""
    if qid != TARGET_LEVEL:
        return True
    target = target_level({qid: raw})
    return target is None or target > score(values)


def _walk(
    answers: Answers, known: Answers, fill: _Fill | None = None, cap: int | None = MAX_QUESTIONS
) -> _Walk:
    facts = {**answers, **known}
    plan = _plan()
    path: list[str] = []
    reached: set[str] = set()
    values: dict[str, str] = {}
    asked = 0
    nxt: str | None = None
    try:
        qid = next(plan)
        while True:
            if qid not in known and cap is not None and asked >= cap:
                break
            raw = facts.get(qid)
            if raw is None or not _acceptable(qid, raw, values):
                if nxt is None:
                    nxt = qid
                if fill is None:
                    break
                raw = fill(qid)
            elif nxt is None:
                path.append(qid)
            reached.add(qid)
            values[qid] = raw
            if qid not in known:
                asked += 1
            qid = plan.send(raw)
    except StopIteration:
        pass
    through = asked
    if nxt is not None and fill is not None:
        asked = len([q for q in path if q not in known])
        values = {q: values[q] for q in path}
    return _Walk(tuple(path), nxt, asked, values, score(values), frozenset(reached), through)


def _skip(qid: str) -> str:
    return "skip"


def _yes(qid: str) -> str:
    return "yes"


def _met(qid: str) -> str:
    if question(qid).section is not Section.CRITERIA:
        return "skip"
    c = criterion(qid)
    if c.kind is CriterionKind.PERCENT:
        return "100"
    return "1" if c.kind is CriterionKind.MINUTES else "yes"


def _still_asked(answers: Answers, known: Answers) -> frozenset[str]:
    """Questions on the path, or on it once the open questions are answered: either way
    round (not sure, or yes to every check), which covers where a change can lead. No cap:
    stand-in answers can ask more than real ones, and must not push a real one off the end."""
    walks = (_walk(answers, known, fill, cap=None) for fill in (_skip, _met))
    return frozenset().union(*(w.reached for w in walks))


# --- public API ---------------------------------------------------------------------------


def question_for(qid: str, answers: Answers, known: Answers | None = None) -> Question:
    """Question ``qid`` as this check-in asks it: the target offers only levels above the
    team's. KeyError for an unknown id."""
    q = question(qid)
    if qid != TARGET_LEVEL:
        return q
    walk = _walk({k: v for k, v in answers.items() if k != qid}, known or {})
    return target_question(walk.level) if walk.next == qid else q


def next_step(answers: Answers, known: Answers | None = None) -> Question | Result:
    """The next question to ask, or the result once the check-in is complete.

    ``answers`` maps question ids to raw answers; ``known`` holds facts measured elsewhere
    (e.g. ``{"scripted.ops_80pct": "72"}`` from the runbook) that are never asked.
    Answers to questions off the path are ignored.
    """
    walk = _walk(answers, known or {})
    if walk.next is not None:
        if walk.next == TARGET_LEVEL:
            return target_question(walk.level)
        return question(walk.next)
    facts = walk.values
    return Result(
        level=score(facts),
        explanation=explain(facts),
        nudges=tuple(assessment_nudges(facts)),
        questions_asked=walk.asked,
        facts=dict(facts),
    )


def is_on_path(answers: Answers, qid: str, known: Answers | None = None) -> bool:
    """Whether ``qid`` has been reached on the path these answers lead along (or is next)."""
    walk = _walk(answers, known or {})
    return qid in walk.path or qid == walk.next


def questions_asked(answers: Answers, known: Answers | None = None) -> int:
    """How many questions the person has answered so far on the current path."""
    return _walk(answers, known or {}).asked


def position(answers: Answers, qid: str, known: Answers | None = None) -> int:
    """The number a question has in this check-in: its place among the questions asked on
    the path (1 for the first), or the next number when it is not on the path yet."""
    known = known or {}
    walk = _walk(answers, known)
    asked = [q for q in walk.path if q not in known]
    return asked.index(qid) + 1 if qid in asked else walk.asked + 1


def apply_answer(
    answers: Answers, qid: str, raw: str, known: Answers | None = None
) -> dict[str, str]:
    """Record an answer and re-flow: the new answers, with what is no longer asked dropped.

    The answer is stored in canonical form (``"85%"`` -> ``"85"``, ``"Yep"`` -> ``"yes"``,
    the "50–79%" button -> ``"50-79"``). Changing an earlier answer keeps every later answer
    whose question is still asked (or may be, once the questions it opens are answered).
    An answer to a question that is not on the path (a stale button) changes nothing.
    Raises KeyError for an unknown question id and :class:`InvalidAnswer` for an
    unreadable answer, or a target at or below the team's level.
    """
    known = known or {}
    q = question_for(qid, answers, known)
    parsed = parse_answer(q, raw)
    if isinstance(parsed, AnswerError):
        raise InvalidAnswer(parsed)
    if qid == TARGET_LEVEL and parsed.number is not None:
        _check_target(q, int(parsed.number))
    updated = {**answers, qid: parsed.value}
    # Criteria: kept while some way on still asks them. The team's facts (scale, target,
    # culture, groundwork) don't go stale with the path, and which of them gets asked
    # turns on answers still to come: kept until the check-in ends.
    facts = {k for k in updated if question(k).section is not Section.CRITERIA}
    keep = _still_asked(updated, known) | facts
    walk = _walk(updated, known)
    if walk.next is None:
        keep = frozenset(walk.path)  # nothing left open: exactly what the path asked
    elif walk.next == TARGET_LEVEL:
        keep -= {TARGET_LEVEL}  # a target the team has reached is no target: ask again
    ordered = [*walk.path, *(k for k in updated if k not in walk.path)]
    return {k: updated[k] for k in ordered if k in keep and k in updated}


def _check_target(q: Question, target: int) -> None:
    offered = [o.value for o in q.options if o.value != "skip"]
    if str(target) in offered:
        return
    lowest = int(offered[0]) if offered else MAX_LEVEL
    if len(offered) > 1:
        aim = "one of levels " + ", ".join(offered[:-1]) + f" or {offered[-1]}"
    else:
        aim = f"level {lowest}"
    raise InvalidAnswer(
        AnswerError(
            q.id,
            f"You're at level {lowest - 1} already, so a target is {aim} (or Not sure).",
            str(lowest),
        )
    )


# --- how many questions to expect ---------------------------------------------------------


def _classes(q: Question, level: int) -> tuple[str, ...]:
    """Answers that lead the flow apart: any other answer leads where one of these does."""
    if q.section is Section.CRITERIA:
        if q.kind is not QuestionKind.YES_NO:
            return tuple(o.value for o in q.options if o.value != "skip")
        # On the ladder and in the open step "partly" leads where "no" does; a probe's
        # "partly" shows a sign (the next probe is asked) without implying anything.
        return ("yes", "partly", "no") if criterion(q.id).step >= level + 2 else ("yes", "no")
    if q.section in (Section.CULTURE, Section.PREREQUISITES):
        return ("yes",)  # nothing after them depends on them
    if q.id == TARGET_LEVEL:  # no target, one the scale rules don't weigh, 4, 5
        values = [o.value for o in q.options]
        plain = [v for v in values if v != "skip" and int(v) not in TARGET_FIT][:1]
        return ("skip", *plain, *(v for v in values if v != "skip" and int(v) in TARGET_FIT))
    # A scale fact: one answer per way it can fall against the bars that read it.
    bars = [
        cond
        for rule in (*ADVANCE_RULES.values(), *TARGET_FIT.values())
        for clause in rule.clauses
        for cond in clause
        if cond.fact_id == q.id
    ]
    seen: dict[tuple[bool | None, ...], str] = {}
    for option in q.options:
        seen.setdefault(tuple(condition_holds(c, {q.id: option.value}) for c in bars), option.value)
    return tuple(seen.values())


_FLOW_FACTS = frozenset(CONTEXT_IDS)


def _future(walk: _Walk) -> tuple[object, ...]:
    """All the rest of the check-in depends on: where the plan is (the next question, the
    level so far, whether the open step is settled), the target and scale answers, and
    the facts answered or implied so far. Two walks with the same key go on alike."""
    assert walk.next is not None
    step = walk.level + 1
    settled = step > MAX_LEVEL or any(
        c.id in walk.values and not criterion_met(c, walk.values[c.id])
        for c in STEPS[step - 1].criteria
    )
    context = frozenset((k, v) for k, v in walk.values.items() if k in _FLOW_FACTS)
    shown = frozenset(
        k for k in with_implied(walk.values) if question(k).section is not Section.CRITERIA
    )
    return (walk.next, walk.level, settled, context, shown - _FLOW_FACTS)


def _fewest(answers: dict[str, str], known: Answers, best: list[int], memo: set[object]) -> None:
    """Lower ``best[0]`` to the fewest questions any way on from ``answers`` asks."""
    walk = _walk(answers, known, cap=None)
    if walk.asked >= best[0]:
        return  # already as long as the shortest way found: nothing shorter down here
    if walk.next is None:
        best[0] = walk.asked
        return
    key = (_future(walk), walk.asked)
    if key in memo:
        return
    memo.add(key)
    q = target_question(walk.level) if walk.next == TARGET_LEVEL else question(walk.next)
    for raw in reversed(_classes(q, walk.level)):  # "no" and "skip" first: shortest first
        _fewest({**answers, q.id: raw}, known, best, memo)


def _most(answers: dict[str, str], known: Answers, best: list[int], memo: set[object]) -> None:
    """Raise ``best[0]`` to the most questions any way on from ``answers`` asks (stopping
    at the cap: nobody is asked more)."""
    if best[0] >= MAX_QUESTIONS:
        return
    walk = _walk(answers, known, cap=None)
    if walk.next is None:
        best[0] = max(best[0], walk.asked)
        return
    key = (_future(walk), walk.asked)
    if key in memo:
        return
    memo.add(key)
    q = target_question(walk.level) if walk.next == TARGET_LEVEL else question(walk.next)
    if q.section in (Section.CULTURE, Section.PREREQUISITES):
        # The tail: nothing after these depends on their answers, so one walk counts it.
        best[0] = max(best[0], _walk(answers, known, _yes, cap=None).asked_through)
        return
    for raw in _classes(q, walk.level):  # "yes" and high targets first: longest first
        _most({**answers, q.id: raw}, known, best, memo)


@lru_cache(maxsize=64)
def _range_from(
    answers: frozenset[tuple[str, str]], known: frozenset[tuple[str, str]]
) -> tuple[int, int]:
    fewest, most = [10**6], [0]
    _fewest(dict(answers), dict(known), fewest, set())
    _most(dict(answers), dict(known), most, set())
    return min(fewest[0], MAX_QUESTIONS), min(most[0], MAX_QUESTIONS)


def question_range(answers: Answers, known: Answers | None = None) -> tuple[int, int]:
    """The fewest and the most questions this check-in can take in all, from where it
    stands (answered ones included), whatever the answers still to come."""
    return _range_from(frozenset(answers.items()), frozenset((known or {}).items()))


# --- typed words that are not answers ------------------------------------------------------


class Intent(StrEnum):
    """What a typed line that is no answer asks for."""

    STOP = "stop"
    HELP = "help"


_STOP_WORDS = ("stop", "cancel", "quit", "exit", "abort", "end", "leave", "pause", "enough")
_STOP_PHRASES = ("not now", "later", "never mind", "nevermind", "bye", "goodbye", "stop it")
_HELP_WORDS = ("help", "how", "what", "huh", "confused", "instructions", "usage", "options")


def typed_intent(text: str) -> Intent | None:
    """``stop``, ``cancel``, ``quit`` … (a near miss too: ``cancle``) or ``help``,
    ``how does this work?`` … in a short line; None for anything else. Check a line for
    an answer first: "no" or "skip" are answers, not a way out."""
    clean = " ".join(text.lower().replace("-", " ").split())
    words = [w.strip(".,!?'\"") for w in clean.split()]
    words = [w for w in words if w]
    if not words or len(words) > 6:
        return None
    if any(w in _HELP_WORDS for w in words) or clean.strip("?! ") == "":
        return Intent.HELP if words else None
    if any(w in _STOP_WORDS for w in words) or clean.strip(".!? ") in _STOP_PHRASES:
        return Intent.STOP
    if len(words) == 1:
        near = closest(words[0], [*_STOP_WORDS, *_HELP_WORDS], cutoff=0.75)
        if near is not None:
            return Intent.HELP if near in _HELP_WORDS else Intent.STOP
    return None


# --- simulation helpers (tests, benchmarks, the notes) ------------------------------------

Policy = Callable[[Question], str]


def run_flow(policy: Policy, known: Answers | None = None) -> tuple[dict[str, str], Result]:
    """Answer every question with ``policy`` until the check-in ends."""
    answers: dict[str, str] = {}
    for _ in range(len(STEPS) * 10):
        step = next_step(answers, known)
        if isinstance(step, Result):
            return answers, step
        answers = apply_answer(answers, step.id, policy(step), known)
    raise RuntimeError("the check-in did not finish")  # pragma: no cover - a bug if reached


def questions_asked_for(policy: Policy, known: Answers | None = None) -> int:
    """How many questions a team answering with ``policy`` is asked."""
    return run_flow(policy, known)[1].questions_asked


def team_at_level(level: int, others: Answers | None = None) -> Policy:
    """A policy for a team exactly at ``level``: criteria of steps 1..level met, none above.

    Questions other than criteria are answered from ``others`` (default ``"skip"``).
    """
    others = others or {}

    def answer(q: Question) -> str:
        if q.section is not Section.CRITERIA:
            return others.get(q.id, "skip")
        c = criterion(q.id)
        met = c.step <= level
        if q.kind is QuestionKind.YES_NO:
            return "yes" if met else "no"
        if c.kind is CriterionKind.PERCENT:
            return "90" if met else "30"
        return "5" if met else "120"

    return answer
