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
2. **The rest of the open step.** Its remaining criteria, so we can say what blocks level L+1.
3. **Probes.** One question per higher step, its most telling criterion
   (``iac.all_infra_as_code``, ``cd.automated_rollback``, ``cdeploy.prod_without_approval``,
   ``selfheal.incidents_auto_80pct``), so a team practising above its level is noticed.
4. **Target.** ``context.target_level``.
5. **Scale facts for the next step**, only as many as it takes to decide whether the step
   into L+1 pays off (``ADVANCE_RULES``); the step into 1 has no bar and needs none.
6. **Scale facts for the target**, only when the target *is* the next step and is 4 or 5,
   again only until ``TARGET_FIT`` is decided. A target further away is already a
   skip_level; we coach towards the next step, not the far one.
7. **Culture** (blameless reviews, trust), when the team is heading for level 3 or above:
   the next step is 3+, or the target is 3+ and above the current level.
8. **Prerequisites** of the next step.

Facts already shown by a met criterion are not asked (``model.IMPLIED_BY``: scripts in
version control imply version control; production deploys with no sign-off imply trust in
the automation; and so on). Facts passed in ``known`` (e.g. ``scripted.ops_80pct`` measured
from the runbook) pre-answer their question: it is never asked and does not count towards
the limit, and a known fact wins over a typed answer to the same question.

Limits
------
Nobody is asked more than ``MAX_QUESTIONS`` (20). Worst cases by level: 0 -> 10 (3 + 4 probes
+ target + 2 culture questions for a target of 3+; a team answering "no" throughout gets 8),
1 -> 15, 2 -> 18, 3 -> 20, 5 -> 15. Only a level-4 team can want more (15 criteria + target +
up to 3 scale facts + culture + 2 prerequisites = 22); the cap then drops the tail, i.e. one
or both level-5 prerequisites, which the explanation lists under ``unknown_prerequisites``.

Re-flow: changing an earlier answer (``apply_answer``) drops every answer that is no longer
on the path, and keeps the ones that still are.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field

from conversations.explain import Explanation, explain
from conversations.model import (
    ADVANCE_RULES,
    CULTURE_IDS,
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
)
from conversations.nudges import Nudge, assessment_nudges
from conversations.scoring import (
    AnswerError,
    criterion_met,
    parse_answer,
    requirement_holds,
    score,
    target_level,
    with_implied,
)

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

    # 2. The rest of the open step; 3. one probe per higher step.
    for c in open_step.criteria:
        yield from _ask(values, c.id)
    for step in STEPS[open_step.into :]:
        yield from _ask(values, step.probe)

    # 4. Where the team wants to go.
    yield from _ask(values, TARGET_LEVEL)
    target = target_level(values)

    # 5. Does the next step pay off? 6. Does the target fit?
    if open_step.into in ADVANCE_RULES:
        yield from _settle(values, ADVANCE_RULES[open_step.into])
    if target is not None and target == open_step.into and target in TARGET_FIT:
        yield from _settle(values, TARGET_FIT[target])

    # 7. Culture, when heading for level 3 or higher; 8. prerequisites of the next step.
    heading_high = open_step.into >= 3 or (target is not None and target >= 3 and target > level)
    later = [*(CULTURE_IDS if heading_high else ()), *(p.id for p in open_step.prerequisites)]
    for fid in later:
        if fid not in with_implied(values):
            yield from _ask(values, fid)


@dataclass(frozen=True, slots=True)
class _Walk:
    path: tuple[str, ...]  # question ids on the path that have an answer, in asking order
    next: str | None  # the next question, or None when the check-in is over
    asked: int  # answered questions on the path, not counting known facts
    values: dict[str, str]  # the answers the path read (known facts included)


def _walk(answers: Answers, known: Answers) -> _Walk:
    facts = {**answers, **known}
    plan = _plan()
    path: list[str] = []
    values: dict[str, str] = {}
    asked = 0
    try:
        qid = next(plan)
        while True:
            if qid not in known and asked >= MAX_QUESTIONS:
                return _Walk(tuple(path), None, asked, values)
            if qid not in facts:
                return _Walk(tuple(path), qid, asked, values)
            path.append(qid)
            values[qid] = facts[qid]
            if qid not in known:
                asked += 1
            qid = plan.send(facts[qid])
    except StopIteration:
        return _Walk(tuple(path), None, asked, values)


# --- public API ---------------------------------------------------------------------------


def next_step(answers: Answers, known: Answers | None = None) -> Question | Result:
    """The next question to ask, or the result once the check-in is complete.

    ``answers`` maps question ids to raw answers; ``known`` holds facts measured elsewhere
    (e.g. ``{"scripted.ops_80pct": "72"}`` from the runbook) that are never asked.
    Answers to questions off the path are ignored.
    """
    walk = _walk(answers, known or {})
    if walk.next is not None:
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


def apply_answer(
    answers: Answers, qid: str, raw: str, known: Answers | None = None
) -> dict[str, str]:
    """Record an answer and re-flow: the new answers, with everything off the path dropped.

    The answer is stored in canonical form (``"85%"`` -> ``"85"``, ``"Yep"`` -> ``"yes"``).
    Changing an earlier answer keeps the later answers that are still on the path. An answer
    to a question that is not on the path (a stale button) changes nothing.
    Raises KeyError for an unknown question id and :class:`InvalidAnswer` for an
    unreadable answer.
    """
    parsed = parse_answer(question(qid), raw)
    if isinstance(parsed, AnswerError):
        raise InvalidAnswer(parsed)
    updated = {**answers, qid: parsed.value}
    walk = _walk(updated, known or {})
    return {k: updated[k] for k in walk.path if k in updated}


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
