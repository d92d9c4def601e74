"""Nudges: the classic mistakes we warn about, and one we cheer.

Each nudge says what was seen, why it matters, and one concrete next action. Rule ids are
contracts: the Slack layer shows every nudge under ``block_id = "nudge.<rule id>"``
(:attr:`Nudge.block_id`) and stores dismissals and cooldowns by ``NudgeId``.

Text is plain: runbook titles are the user's own words, so escape before rendering mrkdwn.

Rules over an assessment (:func:`assessment_nudges`):

- ``skip_level``: a criterion met at a step two or more above the current level, or a
  target two or more levels up, while the next step is incomplete. Never at level 5.
- ``over_automation``: a target above the current level that the team's scale does not
  justify (level 4 without 50+ deploys a day or 24/7; level 5 without a strict SLA and high
  scale). Fires only on known facts, never on skipped ones.
- ``cultural_readiness``: heading for level 3 or higher (a target of 3+, or sitting at level
  2+ with the next step ahead) while incident reviews are not blameless or the team does not
  trust its automation (answered no or partly).
- ``ready_to_advance``: level 1-4, the scale bar into the next level passed, and no
  skip_level or over_automation nudge.

Rules over runbook operations: ``broken_process`` (:func:`broken_process_nudge`) and the
runbook flavour of ``over_automation`` (:func:`over_automation_runbook_nudge`).

Rules over a team's whole state, on every change (:func:`team_nudges`, issue 14): the
above over the board, the latest facts and the target, plus ``broken_process`` over the
runbook, ``approaching_threshold`` (one step short of a when-to-advance bar: a fourth
environment is when infrastructure as code starts paying off) and ``stale_evidence`` (a
criterion the level rests on not confirmed for 90 days). Each nudge has a fingerprint of
exactly what triggered it. The two new ids are named by issue 14; DESIGN.md's model
section lists the other five.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.explain import fact_phrase, scale_verdict
from conversations.model import (
    ADVANCE_RULES,
    BLAMELESS_REVIEWS,
    CRITERIA,
    DEPLOYS_PER_DAY,
    ENGINEERS,
    ENVIRONMENTS,
    MAX_LEVEL,
    NEEDS_24X7,
    SERVERS,
    SERVICES,
    STRICT_SLA,
    TARGET_LEVEL,
    TRUSTS_AUTOMATION,
    Comparison,
    Condition,
    Criterion,
    CriterionKind,
    criterion,
    level_name,
    step_into,
)
from conversations.scoring import (
    Status,
    condition_holds,
    criterion_met,
    criterion_status,
    fact_status,
    level_of,
    met_above_level,
    number_of,
    pays_off,
    score,
    target_fits,
    target_level,
    with_implied,
)
from conversations.text import format_number, join_and, plural

Answers = Mapping[str, str]


class NudgeId(StrEnum):
    SKIP_LEVEL = "skip_level"
    OVER_AUTOMATION = "over_automation"
    BROKEN_PROCESS = "broken_process"
    CULTURAL_READINESS = "cultural_readiness"
    READY_TO_ADVANCE = "ready_to_advance"
    # Issue 14 (ids named by the issue; DESIGN.md's model section lists the five above).
    APPROACHING_THRESHOLD = "approaching_threshold"
    STALE_EVIDENCE = "stale_evidence"


COOLDOWNS: dict[NudgeId, timedelta] = {
    NudgeId.SKIP_LEVEL: timedelta(days=7),
    NudgeId.OVER_AUTOMATION: timedelta(days=7),
    NudgeId.BROKEN_PROCESS: timedelta(days=7),
    NudgeId.CULTURAL_READINESS: timedelta(days=7),
    NudgeId.READY_TO_ADVANCE: timedelta(days=14),
    NudgeId.APPROACHING_THRESHOLD: timedelta(days=14),
    NudgeId.STALE_EVIDENCE: timedelta(days=14),
}


@dataclass(frozen=True, slots=True)
class Nudge:
    id: NudgeId
    title: str
    seen: str  # what we noticed
    why: str  # why it matters
    action: str  # one concrete next action
    # Issue 14: exactly what triggered it (same trigger, same fingerprint: never repeated
    # within its cooldown); the step it is about, if one; what the bot can help with
    # (a ``Help`` value: a button beside the action).
    fingerprint: str = ""
    step: int | None = None
    help: str = ""
    # Whom it is for, when not the whole team: a runbook operation's owner.
    owner: str = ""

    @property
    def block_id(self) -> str:
        return f"nudge.{self.id.value}"

    @property
    def fallback_text(self) -> str:
        """One line for notifications: title and action."""
        return f"{self.title}: {self.action}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() else text


def _first_open_criterion(level: int, answers: Answers) -> str:
    step = step_into(level + 1)
    for c in step.criteria:
        if not criterion_met(c, answers.get(c.id)):
            return c.label
    return step.criteria[0].label  # unreachable below level 5; keeps the type simple


# --- skip_level -------------------------------------------------------------------------


def _skip_level(level: int, target: int | None, answers: Answers) -> Nudge | None:
    if level >= MAX_LEVEL:
        return None
    above = [criterion(cid) for cid in met_above_level(answers, level)]
    far_target = target is not None and target >= level + 2
    if not above and not far_target:
        return None
    seen: list[str] = []
    if above:
        labels = [_lower_first(c.label) for c in above[:2]]
        steps = sorted({c.step for c in above})
        where = f"level {steps[0]}" if len(steps) == 1 else "higher levels"
        seen.append(f"You already have practices from {where}: {join_and(labels)}.")
    if target is not None and far_target:
        seen.append(
            f"You're aiming for level {target}, {target - level} levels above where you are."
        )
    seen.append(f"The step into level {level + 1} isn't finished yet.")
    return Nudge(
        NudgeId.SKIP_LEVEL,
        "One level at a time",
        " ".join(seen),
        "Each level stands on the one below it. Practices from higher up wobble without "
        "the foundations under them, and teams that leap tend to slide back to scripts.",
        f"Finish level {level + 1} ({_lower_first(level_name(level + 1))}) first. Start "
        f"with this one: {_lower_first(_first_open_criterion(level, answers))}.",
    )


# --- over_automation --------------------------------------------------------------------


def _over_automation(level: int, target: int | None, answers: Answers) -> Nudge | None:
    if target is None or target <= level or target_fits(target, answers) is not False:
        return None
    fact_ids = (
        (STRICT_SLA, SERVERS, DEPLOYS_PER_DAY) if target == 5 else (DEPLOYS_PER_DAY, NEEDS_24X7)
    )
    facts = [p for fid in fact_ids if (p := fact_phrase(fid, answers))]
    seen = f"You're aiming for level {target}, but {join_and(facts)}."
    if target == 5:
        return Nudge(
            NudgeId.OVER_AUTOMATION,
            "More automation than your scale needs",
            seen,
            "Self-healing is the most expensive level to build and to keep honest. It earns "
            "its keep with a strict SLA and high scale; below that, the machinery costs more "
            "than the incidents it saves.",
            "Make level 4 your target and get it rock solid. Revisit self-healing if you "
            "reach 1,000 servers or 200 deploys a day under a strict SLA.",
        )
    return Nudge(
        NudgeId.OVER_AUTOMATION,
        "More automation than your scale needs",
        seen,
        "Shipping to production with no human in the loop pays off past about 50 deploys "
        "a day, or when you must stay up around the clock. Below that, one-click delivery "
        "with a person pressing the button is the sweet spot.",
        "Make level 3 your target and polish it. Revisit continuous deployment once you "
        "pass 50 deploys a day or need 24/7 uptime.",
    )


# --- cultural_readiness -----------------------------------------------------------------

_CULTURE_GAPS: dict[tuple[str, Status], str] = {
    (BLAMELESS_REVIEWS, Status.NOT_MET): "incident reviews still look for someone to blame",
    (BLAMELESS_REVIEWS, Status.PARTLY): "incident reviews are only sometimes blameless",
    (TRUSTS_AUTOMATION, Status.NOT_MET): "the team doesn't trust its automation yet",
    (TRUSTS_AUTOMATION, Status.PARTLY): "the team only half trusts its automation",
}


def _cultural_readiness(level: int, target: int | None, answers: Answers) -> Nudge | None:
    heading: int | None = None
    if target is not None and target >= 3 and target > level:
        heading = target
    elif 2 <= level < MAX_LEVEL:
        heading = level + 1
    if heading is None:
        return None
    gaps = {
        fid: gap
        for fid in (BLAMELESS_REVIEWS, TRUSTS_AUTOMATION)
        if (gap := _CULTURE_GAPS.get((fid, fact_status(fid, answers))))
    }
    if not gaps:
        return None
    if BLAMELESS_REVIEWS in gaps:
        action = (
            "Run your next incident review blameless: ask what made the slip easy, not who "
            "slipped, and leave with one fix to the system."
        )
    else:
        action = (
            "Pick one automated step, let it run unattended for two weeks, and put its "
            "results where everyone can see them. Trust grows from watching it work."
        )
    return Nudge(
        NudgeId.CULTURAL_READINESS,
        "Get the team ready, not just the pipeline",
        f"You're heading for level {heading}, and {join_and(list(gaps.values()))}.",
        "From continuous delivery up, machines make calls people used to make. If a failed "
        "deploy ends in finger-pointing, or nobody believes the rollback works, people "
        "quietly add manual gates back and the new level never sticks.",
        action,
    )


# --- ready_to_advance -------------------------------------------------------------------


def _ready_to_advance(level: int, answers: Answers) -> Nudge | None:
    if not 1 <= level < MAX_LEVEL or scale_verdict(level + 1, answers)[0] is not True:
        return None
    step = step_into(level + 1)
    rule = ADVANCE_RULES[step.into]
    passing = [
        p
        for clause in rule.clauses
        for cond in clause
        if condition_holds(cond, answers) is True and (p := fact_phrase(cond.fact_id, answers))
    ]
    missing = [
        p
        for p in step.prerequisites
        if fact_status(p.id, answers) in (Status.NOT_MET, Status.PARTLY)
    ]
    if missing:
        action = (
            f"Line up the groundwork first: {_lower_first(missing[0].label)}. Then "
            f"{step.first_move}."
        )
    else:
        action = f"Start small: {step.first_move}."
    return Nudge(
        NudgeId.READY_TO_ADVANCE,
        f"Ready for level {step.into}",
        f"Every check for level {level} is met, and {join_and(passing)}: that's past the "
        f"bar for {_lower_first(step.name)} ({rule.text}).",
        "This is where the next step starts saving more time than it costs. Wait much "
        "longer and it shows up as slow releases and a stretched on-call rota.",
        action,
    )


def _team_first(ready: Nudge | None, culture: Nudge | None) -> Nudge | None:
    """Ready for the next level by the numbers, while the culture is not: one story, not
    two — the ready nudge's next action starts with the team."""
    if ready is None or culture is None:
        return ready
    return replace(ready, action=f"{culture.action} Then {_lower_first(ready.action)}")


def assessment_nudges(answers: Answers) -> list[Nudge]:
    """The nudges a finished (or partial) assessment calls for, most pressing first."""
    facts = with_implied(answers)
    level = score(facts)
    target = target_level(facts)
    skip = _skip_level(level, target, facts)
    over = _over_automation(level, target, facts)
    culture = _cultural_readiness(level, target, facts)
    ready = _team_first(None if skip or over else _ready_to_advance(level, facts), culture)
    return [n for n in (skip, over, culture, ready) if n is not None]


# --- runbook operations -----------------------------------------------------------------


def monthly_toil(runs_per_month: float, minutes_per_run: float) -> float:
    """Minutes of hands-on work an operation costs a month."""
    if runs_per_month < 0 or minutes_per_run < 0:
        raise ValueError("runs and minutes can't be negative")
    return runs_per_month * minutes_per_run


def _how_often(runs_per_month: float) -> str:
    if runs_per_month <= 0:
        return "hardly ever"
    if runs_per_month < 1:
        return f"about once every {format_number(round(1 / runs_per_month))} months"
    if runs_per_month == 1:
        return "about once a month"
    return f"about {format_number(runs_per_month)} times a month"


def broken_process_nudge(title: str, *, fails: bool = False, differs: bool = False) -> Nudge:
    """Warn before scripting a runbook step that fails or differs between people."""
    problems = []
    if fails:
        problems.append("sometimes fails")
    if differs:
        problems.append("gets done differently depending on who runs it")
    problem = join_and(problems) or "is flaky or done differently by different people"
    return Nudge(
        NudgeId.BROKEN_PROCESS,
        "Fix the process before you script it",
        f"“{title}” {problem}.",
        "A script repeats whatever you feed it, only faster. Automate a shaky process and "
        "you get its failures at machine speed, with nobody watching.",
        "Next time it runs, write down the steps that actually worked, agree on them as a "
        "team, and script that version.",
    )


def over_automation_runbook_nudge(
    title: str, runs_per_month: float, minutes_per_run: float
) -> Nudge:
    """Warn before scripting an operation too rare and cheap to repay the script."""
    toil = monthly_toil(runs_per_month, minutes_per_run)
    return Nudge(
        NudgeId.OVER_AUTOMATION,
        "Not every job needs a script",
        f"“{title}” runs {_how_often(runs_per_month)} at {format_number(minutes_per_run)} "
        f"minutes a go: roughly {format_number(toil)} minutes of work a month.",
        "Scripts need upkeep too. They rot as systems change, and the one that rarely runs "
        "is the one that breaks when you finally need it. Some jobs are cheaper by hand "
        "from a good checklist.",
        "Keep it as a clear checklist in the runbook and spend the scripting time on your "
        "highest-toil operation instead.",
    )


# --- a team's state, on every change (issue 14) -----------------------------------------
#
# ``team_nudges(state)`` is what the bot checks after every change to a team (a criterion
# from any source, a finished check-in, the target, the runbook) and weekly. Each nudge
# carries a fingerprint of exactly what triggered it, so delivery can batch what is new
# and never repeat a fingerprint within its cooldown. At most one nudge per rule id: a
# message holds each ``nudge.<rule id>`` block once.

STALE_AFTER = timedelta(days=90)  # a met criterion not confirmed for this long is stale


class NudgeAnswer(StrEnum):
    """What a team answered on a nudge in its channel."""

    GOT_IT = "got_it"
    NOT_RELEVANT = "not_relevant"  # quiet for 90 days, maybe with a reason
    SNOOZED = "snoozed"  # remind me later: quiet for 7 days


class Help(StrEnum):
    """What the bot can do next to a nudge's action (a button)."""

    NONE = ""
    TARGET = "target"  # set (or lower) the target: the board shows it; a check-in asks it
    RUNBOOK = "runbook"  # open the team's runbook
    REVIEW = "review"  # review the board (confirm what the level rests on)
    CHECKIN = "checkin"  # start a check-in


@dataclass(frozen=True, slots=True)
class OperationState:
    """What the rules read of one runbook operation."""

    id: int
    title: str
    scripted: bool = False
    broken_fails: bool = False
    broken_differs: bool = False
    kept_manual: bool = False
    owner: str = ""


@dataclass(frozen=True)
class TeamState:
    """Everything the rules read about one team, at one moment.

    ``statuses``/``values``/``confirmed_at``: its criteria board (status, the number
    recorded, when the criterion was last recorded); ``facts``: the latest known context,
    culture and prerequisite answers (ids of the model); ``target``: the level it aims
    for; ``operations``: its runbook; ``now``: when the rules look.
    """

    now: datetime
    statuses: Mapping[str, Status | str] = field(default_factory=dict)
    values: Mapping[str, float | None] = field(default_factory=dict)
    confirmed_at: Mapping[str, datetime] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    target: int | None = None
    operations: tuple[OperationState, ...] = ()

    @property
    def level(self) -> int:
        return level_of(self.statuses)


def _board_answer(c: Criterion, status: Status, value: float | None) -> str | None:
    """A board entry in the answers' vocabulary, so the assessment's rules read it too."""
    if c.kind is CriterionKind.YES_NO:
        return {
            Status.MET: "yes",
            Status.PARTLY: "partly",
            Status.NOT_MET: "no",
            Status.BLOCKED: "no",
        }.get(status)
    if value is not None:
        raw = format_number(value).replace(",", "")
        if criterion_status(c, raw) is status:
            return raw
    threshold = c.threshold or 0
    numbers: dict[Status, float]
    if c.kind is CriterionKind.PERCENT:
        numbers = {Status.MET: 100, Status.PARTLY: 50, Status.NOT_MET: 0, Status.BLOCKED: 0}
    else:  # minutes, met strictly below the threshold
        low, high = max(threshold / 2, 0.5), threshold * 10
        numbers = {Status.MET: low, Status.PARTLY: high, Status.NOT_MET: high, Status.BLOCKED: high}
    number = numbers.get(status)
    return None if number is None else format_number(number).replace(",", "")


def state_answers(state: TeamState) -> dict[str, str]:
    """The team's state as one answers mapping: facts, the board, the target."""
    answers = {k: v for k, v in state.facts.items() if v and v != "skip"}
    for c in CRITERIA:
        raw = _board_answer(c, status_of(state.statuses.get(c.id)), state.values.get(c.id))
        if raw is not None:
            answers[c.id] = raw
        else:
            answers.pop(c.id, None)
    answers.pop(TARGET_LEVEL, None)
    if state.target is not None:
        answers[TARGET_LEVEL] = str(state.target)
    return with_implied(answers)


def status_of(raw: Status | str | None) -> Status:
    try:
        return Status(str(raw or ""))
    except ValueError:
        return Status.UNKNOWN


# Facts counted in whole units: "one more" is one unit; others (deploys a day, servers)
# are near their bar within a tenth of it.
_UNIT_FACTS = frozenset({ENGINEERS, ENVIRONMENTS, SERVICES})
_NEAR_SHARE = 0.1
_FACT_NOUNS: dict[str, tuple[str, str]] = {
    ENGINEERS: ("engineer", "engineers"),
    ENVIRONMENTS: ("environment", "environments"),
    SERVICES: ("service", "services"),
    DEPLOYS_PER_DAY: ("deploy a day", "deploys a day"),
    SERVERS: ("server", "servers"),
}
_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh"}


def _crossing(cond: Condition) -> float | None:
    """The least whole number that passes a numeric condition."""
    if cond.value is None:
        return None
    if cond.comparison is Comparison.MORE_THAN:
        return float(int(cond.value) + 1)
    if cond.comparison is Comparison.AT_LEAST:
        return float(cond.value)
    return None


def _near(cond: Condition, answers: Answers) -> tuple[float, float] | None:
    """(the team's number, the number that passes) when the team is one step short."""
    bar = _crossing(cond)
    number = number_of(cond.fact_id, answers)
    if bar is None or number is None or number >= bar:
        return None
    gap = 1.0 if cond.fact_id in _UNIT_FACTS else max(1.0, bar * _NEAR_SHARE)
    return (number, bar) if bar - number <= gap else None


def _approaching_threshold(level: int, answers: Answers) -> Nudge | None:
    into = level + 1
    rule = ADVANCE_RULES.get(into)
    if rule is None or pays_off(into, answers) is True:
        return None
    near = [
        (cond, hit) for clause in rule.clauses for cond in clause if (hit := _near(cond, answers))
    ]
    if not near:
        return None
    cond, (number, bar) = near[0]
    one, many = _FACT_NOUNS.get(cond.fact_id, ("", ""))
    if cond.fact_id in _UNIT_FACTS and bar == number + 1 and int(bar) in _ORDINALS:
        coming = f"A {_ORDINALS[int(bar)]} {one}"
    else:
        coming = f"{format_number(bar)} {many}"
    name = _lower_first(level_name(into))
    return Nudge(
        NudgeId.APPROACHING_THRESHOLD,
        f"Nearly time for level {into}",
        f"You're at {format_number(number)} {many if number != 1 else one}. {coming} is "
        f"the point where {name} starts paying off (the bar is {rule.text}).",
        "The step into the next level takes "
        f"{step_into(into).typical_duration}. Teams that start once they're past the bar "
        "spend those months with the pain the step removes.",
        f"Plan the first move now, so it's under way when you get there: "
        f"{step_into(into).first_move}.",
        fingerprint=f"{NudgeId.APPROACHING_THRESHOLD.value}:into{into}:{cond.fact_id}>={format_number(bar)}",
        step=into,
        help=Help.TARGET,
    )


def _stale_evidence(state: TeamState, level: int) -> Nudge | None:
    if level < 1:
        return None
    cutoff = state.now - STALE_AFTER
    stale = [
        c
        for c in CRITERIA
        if c.step <= level
        and status_of(state.statuses.get(c.id)) is Status.MET
        and (at := state.confirmed_at.get(c.id)) is not None
        and at < cutoff
    ]
    if not stale:
        return None
    oldest = min(state.confirmed_at[c.id] for c in stale)
    days = (state.now - oldest).days
    labels = [_lower_first(c.label) for c in stale[:3]]
    more = f" and {len(stale) - 3} more" if len(stale) > 3 else ""
    return Nudge(
        NudgeId.STALE_EVIDENCE,
        "Is this still true?",
        f"Level {level} rests on {join_and(labels)}{more}, and nobody has confirmed "
        f"{'it' if len(stale) == 1 else 'them'} for {days} days.",
        "A level is only as good as the evidence under it. Practices drift: a manual "
        "change slips in, a pipeline gets bypassed, and the board says more than is true.",
        "Go through those criteria on the board and confirm each one (or move it), "
        "with a link to the evidence where you have one.",
        fingerprint=f"{NudgeId.STALE_EVIDENCE.value}:" + ",".join(sorted(c.id for c in stale)),
        step=max(c.step for c in stale),
        help=Help.REVIEW,
    )


def _broken_operations(state: TeamState) -> Nudge | None:
    broken = [
        op
        for op in state.operations
        if (op.broken_fails or op.broken_differs) and not op.scripted and not op.kept_manual
    ]
    if not broken:
        return None
    first = broken[0]
    nudge = broken_process_nudge(
        first.title, fails=first.broken_fails, differs=first.broken_differs
    )
    seen = nudge.seen
    if len(broken) > 1:
        others = plural(len(broken) - 1, "other operation")
        seen += f" So {'does' if len(broken) == 2 else 'do'} {others} in your runbook."
    return replace(
        nudge,
        seen=seen,
        fingerprint=f"{NudgeId.BROKEN_PROCESS.value}:ops"
        + ",".join(str(op.id) for op in sorted(broken, key=lambda o: o.id)),
        help=Help.RUNBOOK,
        owner=first.owner,  # the person who runs it hears it (by DM), when it has one
    )


def team_nudges(state: TeamState) -> list[Nudge]:
    """Every nudge ``state`` calls for, most pressing first, at most one per rule, each
    with its fingerprint. Pure: the same state gives the same nudges."""
    answers = state_answers(state)
    level = state.level
    target = state.target
    skip = _skip_level(level, target, answers)
    over = _over_automation(level, target, answers)
    culture = _cultural_readiness(level, target, answers)
    ready = _team_first(None if skip or over else _ready_to_advance(level, answers), culture)
    approaching = None if ready else _approaching_threshold(level, answers)
    out: list[Nudge] = []
    if skip is not None:
        above = sorted(met_above_level(answers, level))
        far = f":target{target}" if target is not None and target >= level + 2 else ""
        out.append(
            replace(
                skip,
                fingerprint=f"{skip.id.value}:level{level}:" + ",".join(above) + far,
                step=level + 1,
                help=Help.REVIEW,
            )
        )
    if over is not None:
        out.append(
            replace(
                over, fingerprint=f"{over.id.value}:target{target}", step=target, help=Help.TARGET
            )
        )
    if culture is not None:
        gaps = ",".join(
            f"{fid}={fact_status(fid, answers).value}"
            for fid in (BLAMELESS_REVIEWS, TRUSTS_AUTOMATION)
        )
        heading = target if target is not None and target >= 3 and target > level else level + 1
        out.append(
            replace(
                culture, fingerprint=f"{culture.id.value}:heading{heading}:{gaps}", step=heading
            )
        )
    if (broken := _broken_operations(state)) is not None:
        out.append(broken)
    if ready is not None:
        out.append(
            replace(
                ready,
                fingerprint=f"{ready.id.value}:into{level + 1}",
                step=level + 1,
                help=Help.TARGET,
            )
        )
    if approaching is not None:
        out.append(approaching)
    if (stale := _stale_evidence(state, level)) is not None:
        out.append(stale)
    return out
