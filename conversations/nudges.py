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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from conversations.explain import fact_phrase, scale_verdict
from conversations.model import (
    ADVANCE_RULES,
    BLAMELESS_REVIEWS,
    DEPLOYS_PER_DAY,
    MAX_LEVEL,
    NEEDS_24X7,
    SERVERS,
    STRICT_SLA,
    TRUSTS_AUTOMATION,
    criterion,
    level_name,
    step_into,
)
from conversations.scoring import (
    Status,
    condition_holds,
    criterion_met,
    fact_status,
    met_above_level,
    score,
    target_fits,
    target_level,
    with_implied,
)
from conversations.text import format_number, join_and

Answers = Mapping[str, str]


class NudgeId(StrEnum):
    SKIP_LEVEL = "skip_level"
    OVER_AUTOMATION = "over_automation"
    BROKEN_PROCESS = "broken_process"
    CULTURAL_READINESS = "cultural_readiness"
    READY_TO_ADVANCE = "ready_to_advance"


COOLDOWNS: dict[NudgeId, timedelta] = {
    NudgeId.SKIP_LEVEL: timedelta(days=7),
    NudgeId.OVER_AUTOMATION: timedelta(days=7),
    NudgeId.BROKEN_PROCESS: timedelta(days=7),
    NudgeId.CULTURAL_READINESS: timedelta(days=7),
    NudgeId.READY_TO_ADVANCE: timedelta(days=14),
}


@dataclass(frozen=True, slots=True)
class Nudge:
    id: NudgeId
    title: str
    seen: str  # what we noticed
    why: str  # why it matters
    action: str  # one concrete next action

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


def assessment_nudges(answers: Answers) -> list[Nudge]:
    """The nudges a finished (or partial) assessment calls for, most pressing first."""
    facts = with_implied(answers)
    level = score(facts)
    target = target_level(facts)
    skip = _skip_level(level, target, facts)
    over = _over_automation(level, target, facts)
    culture = _cultural_readiness(level, target, facts)
    ready = None if skip or over else _ready_to_advance(level, facts)
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
