"""The maturity model as typed data.

Everything here is plain, frozen data: levels, the success criteria of each step, the
context facts, prerequisites and culture questions, the questions the check-in asks, and
the scale rules that say when a step pays off. The ids are contracts (see DESIGN.md,
"The maturity model"); the wording is ours.

Evaluation (parsing answers, deciding whether a criterion is met) lives in
:mod:`conversations.scoring`; this module only describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum

# ---------------------------------------------------------------------------
# Levels
# ---------------------------------------------------------------------------


class Level(IntEnum):
    MANUAL = 0
    SCRIPTED = 1
    INFRASTRUCTURE_AS_CODE = 2
    CONTINUOUS_DELIVERY = 3
    CONTINUOUS_DEPLOYMENT = 4
    SELF_HEALING = 5

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS: dict[Level, str] = {
    Level.MANUAL: "Manual",
    Level.SCRIPTED: "Scripted",
    Level.INFRASTRUCTURE_AS_CODE: "Infrastructure as code",
    Level.CONTINUOUS_DELIVERY: "Continuous delivery",
    Level.CONTINUOUS_DEPLOYMENT: "Continuous deployment",
    Level.SELF_HEALING: "Self-healing",
}

MIN_LEVEL = 0
MAX_LEVEL = 5


def level_name(n: int) -> str:
    """``level_name(2) == "Infrastructure as code"``; ValueError outside 0..5."""
    try:
        return Level(n).label
    except ValueError:
        raise ValueError(f"there is no level {n!r}; levels run from 0 to 5") from None


# ---------------------------------------------------------------------------
# Comparisons and scale conditions
# ---------------------------------------------------------------------------


class Comparison(StrEnum):
    """How a value is held against a threshold."""

    IS_YES = "yes"
    AT_LEAST = ">="
    MORE_THAN = ">"
    LESS_THAN = "<"


@dataclass(frozen=True, slots=True)
class Condition:
    """One scale fact held against a threshold, e.g. ``context.services > 10``."""

    fact_id: str
    comparison: Comparison
    value: float | None
    text: str  # how we say the bar in a sentence: "more than 10 services"


@dataclass(frozen=True, slots=True)
class Requirement:
    """A conjunction of clauses; a clause holds when any of its conditions holds.

    ``pays off into 3`` is one clause (services > 10 or deploys >= 2); "level 5 fits" is two
    (a strict SLA) and (1,000+ servers or 200+ deploys a day). Conditions are listed in the
    order the check-in asks about them.
    """

    clauses: tuple[tuple[Condition, ...], ...]
    text: str  # the whole bar in one phrase

    @property
    def fact_ids(self) -> tuple[str, ...]:
        seen: list[str] = []
        for clause in self.clauses:
            for cond in clause:
                if cond.fact_id not in seen:
                    seen.append(cond.fact_id)
        return tuple(seen)


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    PERCENT = "percent"
    MINUTES = "minutes"
    COUNT = "count"
    LEVEL = "level"


class Section(StrEnum):
    """Which part of the check-in a question belongs to (for headings in the UI)."""

    CRITERIA = "criteria"
    GOAL = "goal"  # the level the team aims for
    CONTEXT = "context"
    PREREQUISITES = "prerequisites"
    CULTURE = "culture"


@dataclass(frozen=True, slots=True)
class AnswerOption:
    """One button: what it says and the answer it carries (the button ``value``).

    A range button ("50–79%") carries a representative number as its value (a contract,
    DESIGN.md) and names its range in ``band``: ``"<50"`` (under 50), ``"50-79"`` (50 to
    79), ``"80+"`` (80 or more), ``">50"`` (more than 50). The check-in stores the band,
    not the number, so nobody is later told "65%" after choosing "50–79%".
    """

    label: str
    value: str
    band: str | None = None


@dataclass(frozen=True, slots=True)
class Bounds:
    """The numbers a numeric question takes: anything outside is refused, kindly."""

    low: float
    high: float
    whole: bool = False  # people and machines come in whole numbers
    low_open: bool = False  # ``low`` itself is out (a deploy can't take 0 minutes)

    def holds(self, number: float) -> bool:
        above = number > self.low if self.low_open else number >= self.low
        return above and number <= self.high and (not self.whole or number == int(number))


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    prompt: str
    kind: QuestionKind
    options: tuple[AnswerOption, ...]
    hint: str  # for typed answers: what to type, with an example
    section: Section
    step: int | None = None  # the step (into N) a criterion or prerequisite belongs to
    bounds: Bounds | None = None  # for numeric questions: what a sane answer is

    @property
    def accepts_typing(self) -> bool:
        """Numeric questions take a typed number as well as a button."""
        return self.kind is not QuestionKind.YES_NO

    @property
    def example(self) -> str:
        """A valid typed answer, for placeholders and error messages: ``"65"``, ``"yes"``."""
        match = _EXAMPLE.search(self.hint)
        return match.group(1) if match else "yes"


_EXAMPLE = re.compile(r"e\.g\. ([^\s)]+)")


SKIP = AnswerOption("Skip", "skip")
NOT_SURE = AnswerOption("Not sure", "skip")
YES_NO_OPTIONS: tuple[AnswerOption, ...] = (
    AnswerOption("Yes", "yes"),
    AnswerOption("No", "no"),
    AnswerOption("Partly", "partly"),
    SKIP,
)
PERCENT_OPTIONS: tuple[AnswerOption, ...] = (
    AnswerOption("under 50%", "30", "<50"),
    AnswerOption("50–79%", "65", "50-79"),
    AnswerOption("80% or more", "90", "80+"),
    SKIP,
)


def level_options(above: int | None = None) -> tuple[AnswerOption, ...]:
    """Buttons for the target level: every level above ``above`` (all of 1..5 when the
    current level is not known), then "Not sure". A target is where you are going, so
    it is never the level you are at or one below it."""
    first = MIN_LEVEL + 1 if above is None else above + 1
    return (*(AnswerOption(f"Level {n}", str(n)) for n in range(first, MAX_LEVEL + 1)), NOT_SURE)


LEVEL_OPTIONS = level_options()


def _opts(*bands: tuple[str, str, str]) -> tuple[AnswerOption, ...]:
    return (*(AnswerOption(label, value, band) for label, value, band in bands), SKIP)


# ---------------------------------------------------------------------------
# Criteria and steps
# ---------------------------------------------------------------------------


class CriterionKind(StrEnum):
    YES_NO = "yes_no"
    PERCENT = "percent"
    MINUTES = "minutes"


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    step: int  # the step into this level
    kind: CriterionKind
    label: str  # short, for lists: "Nobody changes infrastructure by hand"
    threshold: float | None
    comparison: Comparison

    @property
    def is_numeric(self) -> bool:
        return self.kind is not CriterionKind.YES_NO


def _yes_no(cid: str, step: int, label: str) -> Criterion:
    return Criterion(cid, step, CriterionKind.YES_NO, label, None, Comparison.IS_YES)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "scripted.ops_80pct",
        1,
        CriterionKind.PERCENT,
        "80% or more of routine operations run from a script",
        80,
        Comparison.AT_LEAST,
    ),
    _yes_no("scripted.newcomers_use_scripts", 1, "New joiners use the scripts, not a wiki page"),
    _yes_no("scripted.in_version_control", 1, "The scripts live in version control"),
    _yes_no("iac.all_infra_as_code", 2, "All infrastructure is declared in code"),
    Criterion(
        "iac.env_from_scratch_1h",
        2,
        CriterionKind.MINUTES,
        "A fresh environment comes up in under an hour",
        60,
        Comparison.LESS_THAN,
    ),
    _yes_no("iac.no_manual_changes", 2, "Nobody changes infrastructure by hand"),
    Criterion(
        "cd.deploy_under_10min",
        3,
        CriterionKind.MINUTES,
        "A deploy takes under 10 minutes",
        10,
        Comparison.LESS_THAN,
    ),
    _yes_no("cd.automated_rollback", 3, "Rollback is automated and proven"),
    _yes_no("cd.all_services_pipelines", 3, "Every service ships through its own pipeline"),
    _yes_no("cdeploy.prod_without_approval", 4, "Production deploys go out with no sign-off"),
    _yes_no("cdeploy.auto_rollback_on_errors", 4, "A rising error rate rolls a release back"),
    _yes_no("cdeploy.flags_control_releases", 4, "Feature flags switch on every release"),
    Criterion(
        "selfheal.incidents_auto_80pct",
        5,
        CriterionKind.PERCENT,
        "80% or more of incidents are fixed with no one paged",
        80,
        Comparison.AT_LEAST,
    ),
    _yes_no("selfheal.predictive_scaling", 5, "Capacity grows ahead of traffic peaks"),
    _yes_no("selfheal.auto_cost_optimization", 5, "Cost tuning runs by itself"),
)

_CRITERIA_BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}


def criterion(cid: str) -> Criterion:
    """The criterion with this id; KeyError for an unknown id."""
    try:
        return _CRITERIA_BY_ID[cid]
    except KeyError:
        raise KeyError(f"unknown criterion id {cid!r}") from None


def criteria_for_step(step: int) -> tuple[Criterion, ...]:
    """The criteria of the step into ``step`` (1..5), in asking order."""
    if not 1 <= step <= MAX_LEVEL:
        raise ValueError(f"there is no step into level {step!r}; steps run into 1 to 5")
    return tuple(c for c in CRITERIA if c.step == step)


@dataclass(frozen=True, slots=True)
class Prerequisite:
    id: str
    step: int
    label: str


PREREQUISITES: tuple[Prerequisite, ...] = (
    Prerequisite("prereq.version_control", 2, "Version control for everything you change"),
    Prerequisite("prereq.infra_understanding", 2, "A shared picture of what runs where"),
    Prerequisite(
        "prereq.comprehensive_tests", 3, "Automated tests you would trust to stop a bad release"
    ),
    Prerequisite("prereq.staging_env", 3, "A staging environment that looks like production"),
    Prerequisite("prereq.feature_flags", 4, "A feature-flag system"),
    Prerequisite(
        "prereq.metrics_monitoring", 4, "Metrics and monitoring that show a bad deploy fast"
    ),
    Prerequisite("prereq.advanced_observability", 5, "Tracing and automatic anomaly detection"),
    Prerequisite("prereq.ml_capability", 5, "People who can build and run forecasting models"),
)

_PREREQS_BY_ID: dict[str, Prerequisite] = {p.id: p for p in PREREQUISITES}


def prerequisite(pid: str) -> Prerequisite:
    try:
        return _PREREQS_BY_ID[pid]
    except KeyError:
        raise KeyError(f"unknown prerequisite id {pid!r}") from None


def prerequisites_for_step(step: int) -> tuple[Prerequisite, ...]:
    """Prerequisites of the step into ``step``; the step into 1 has none."""
    return tuple(p for p in PREREQUISITES if p.step == step)


@dataclass(frozen=True, slots=True)
class Step:
    """The move from level ``into - 1`` to level ``into``."""

    into: int
    name: str  # the name of the level reached
    criteria: tuple[Criterion, ...]
    typical_duration: str  # "about 3 months"
    duration_months: tuple[int, int | None]  # (low, high); high None means "or more"
    probe: str  # the most telling criterion, asked when the team has not got this far
    first_move: str  # where to start, in a phrase that fits after "Start by…" / "Next:"

    @property
    def prerequisites(self) -> tuple[Prerequisite, ...]:
        return prerequisites_for_step(self.into)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)


STEPS: tuple[Step, ...] = (
    Step(
        1,
        level_name(1),
        criteria_for_step(1),
        "about 1 month",
        (1, 1),
        "scripted.ops_80pct",
        "script your deploy, your backup and restore, and the troubleshooting commands "
        "people type most",
    ),
    Step(
        2,
        level_name(2),
        criteria_for_step(2),
        "about 3 months",
        (3, 3),
        "iac.all_infra_as_code",
        "put one non-production environment into Terraform or Pulumi, stateless services "
        "first, in a single region",
    ),
    Step(
        3,
        level_name(3),
        criteria_for_step(3),
        "about 3–6 months",
        (3, 6),
        "cd.automated_rollback",
        "build a pipeline for one service, with its automated tests and an automatic "
        "deploy to staging",
    ),
    Step(
        4,
        level_name(4),
        criteria_for_step(4),
        "about 6–12 months",
        (6, 12),
        "cdeploy.prod_without_approval",
        "set up feature flags and deploy-health metrics, then canary one service",
    ),
    Step(
        5,
        level_name(5),
        criteria_for_step(5),
        "12 months or more",
        (12, None),
        "selfheal.incidents_auto_80pct",
        "automate the fix for your most common incident, and scale one service "
        "ahead of its traffic",
    ),
)


def step_into(into: int) -> Step:
    """The step into level ``into`` (1..5)."""
    if not 1 <= into <= MAX_LEVEL:
        raise ValueError(f"there is no step into level {into!r}; steps run into 1 to 5")
    return STEPS[into - 1]


# ---------------------------------------------------------------------------
# Context facts, culture
# ---------------------------------------------------------------------------

ENGINEERS = "context.engineers"
ENVIRONMENTS = "context.environments"
SERVICES = "context.services"
DEPLOYS_PER_DAY = "context.deploys_per_day"
NEEDS_24X7 = "context.needs_24x7"
STRICT_SLA = "context.strict_sla"
SERVERS = "context.servers"
TARGET_LEVEL = "context.target_level"

CONTEXT_IDS: tuple[str, ...] = (
    ENGINEERS,
    ENVIRONMENTS,
    SERVICES,
    DEPLOYS_PER_DAY,
    NEEDS_24X7,
    STRICT_SLA,
    SERVERS,
    TARGET_LEVEL,
)

BLAMELESS_REVIEWS = "culture.blameless_reviews"
TRUSTS_AUTOMATION = "culture.trusts_automation"


@dataclass(frozen=True, slots=True)
class CultureFact:
    id: str
    label: str


CULTURE: tuple[CultureFact, ...] = (
    CultureFact(BLAMELESS_REVIEWS, "Blameless incident reviews"),
    CultureFact(TRUSTS_AUTOMATION, "A team that trusts its automation"),
)
CULTURE_IDS: tuple[str, ...] = tuple(c.id for c in CULTURE)

# A fact the team has already shown through a met criterion is not asked again: a team
# whose scripts live in version control uses version control; one whose infrastructure is
# all declared in code has its picture of what runs where written down; one that ships to
# production with no sign-off trusts its automation. An explicit answer always wins.
IMPLIED_BY: dict[str, str] = {
    "prereq.version_control": "scripted.in_version_control",
    "prereq.infra_understanding": "iac.all_infra_as_code",
    "prereq.feature_flags": "cdeploy.flags_control_releases",
    "prereq.metrics_monitoring": "cdeploy.auto_rollback_on_errors",
    TRUSTS_AUTOMATION: "cdeploy.prod_without_approval",
}


# ---------------------------------------------------------------------------
# When a step pays off, and when a target fits
# ---------------------------------------------------------------------------

_MORE_THAN_3_ENVS = Condition(ENVIRONMENTS, Comparison.MORE_THAN, 3, "more than 3 environments")
_MORE_THAN_5_ENGINEERS = Condition(ENGINEERS, Comparison.MORE_THAN, 5, "more than 5 engineers")
_MORE_THAN_10_SERVICES = Condition(SERVICES, Comparison.MORE_THAN, 10, "more than 10 services")
_TWO_DEPLOYS = Condition(DEPLOYS_PER_DAY, Comparison.AT_LEAST, 2, "2 or more deploys a day")
_FIFTY_DEPLOYS = Condition(DEPLOYS_PER_DAY, Comparison.MORE_THAN, 50, "more than 50 deploys a day")
_ROUND_THE_CLOCK = Condition(NEEDS_24X7, Comparison.IS_YES, None, "a 24/7 uptime need")
_TWO_HUNDRED_DEPLOYS = Condition(
    DEPLOYS_PER_DAY, Comparison.MORE_THAN, 200, "more than 200 deploys a day"
)
_STRICT_SLA = Condition(STRICT_SLA, Comparison.IS_YES, None, "a strict SLA")
_THOUSAND_SERVERS = Condition(SERVERS, Comparison.AT_LEAST, 1000, "1,000 or more servers")

# The step into N pays off when its requirement holds. The step into 1 has no bar.
ADVANCE_RULES: dict[int, Requirement] = {
    2: Requirement(
        ((_MORE_THAN_3_ENVS, _MORE_THAN_5_ENGINEERS),),
        "more than 3 environments or more than 5 engineers",
    ),
    3: Requirement(
        ((_MORE_THAN_10_SERVICES, _TWO_DEPLOYS),),
        "more than 10 services or 2 or more deploys a day",
    ),
    4: Requirement(
        ((_FIFTY_DEPLOYS, _ROUND_THE_CLOCK),),
        "more than 50 deploys a day or a 24/7 uptime need",
    ),
    # Asked strict SLA first: it also decides whether level 5 fits at all.
    5: Requirement(
        ((_STRICT_SLA, _TWO_HUNDRED_DEPLOYS),),
        "more than 200 deploys a day or a strict SLA",
    ),
}

# Aiming at level N is only justified at this scale (the over_automation rule). Levels up
# to 3 are never flagged: 3-4 is where most teams should land.
TARGET_FIT: dict[int, Requirement] = {
    4: ADVANCE_RULES[4],
    5: Requirement(
        ((_STRICT_SLA,), (_THOUSAND_SERVERS, _TWO_HUNDRED_DEPLOYS)),
        "a strict SLA plus high scale (1,000 or more servers or more than 200 deploys a day)",
    ),
}

SWEET_SPOT: tuple[int, int] = (3, 4)


# ---------------------------------------------------------------------------
# The questions themselves
# ---------------------------------------------------------------------------

_MINUTES_ENV = _opts(
    ("under 1 hour", "30", "<60"),
    ("1–8 hours", "240", "60-480"),
    ("a day or more", "1440", "1440+"),
)
_MINUTES_DEPLOY = _opts(
    ("under 10 min", "5", "<10"), ("10–30 min", "20", "10-30"), ("over 30 min", "60", ">30")
)

# What a sane answer is. Past these, someone mistyped (or is testing us): we say the range
# and ask again rather than store a billion minutes.
HOUR, DAY = 60, 24 * 60
PERCENT_BOUNDS = Bounds(0, 100)
BOUNDS: dict[str, Bounds] = {
    "iac.env_from_scratch_1h": Bounds(0, 90 * DAY, low_open=True),
    "cd.deploy_under_10min": Bounds(0, 7 * DAY, low_open=True),
    ENGINEERS: Bounds(1, 10_000, whole=True),
    ENVIRONMENTS: Bounds(1, 1_000, whole=True),
    SERVICES: Bounds(0, 100_000, whole=True),
    DEPLOYS_PER_DAY: Bounds(0, 100_000),
    SERVERS: Bounds(0, 10_000_000, whole=True),
}

_CRITERION_PROMPTS: dict[str, tuple[str, str]] = {
    # id: (prompt, hint)
    "scripted.ops_80pct": (
        "Roughly what share of your routine operations can be run from a script today?",
        "Type a percentage, e.g. 65",
    ),
    "scripted.newcomers_use_scripts": (
        "When someone new joins, do they run the team's scripts rather than follow a doc by hand?",
        "",
    ),
    "scripted.in_version_control": ("Do those scripts live in a version-controlled repo?", ""),
    "iac.all_infra_as_code": (
        "Is all of your infrastructure (networks, servers, databases, DNS) declared in code, "
        "say Terraform or Pulumi?",
        "",
    ),
    "iac.env_from_scratch_1h": (
        "How long does it take to build a complete environment from nothing?",
        "Type how long, e.g. 45 (minutes), 2h or 3 days",
    ),
    "iac.no_manual_changes": (
        "Does every infrastructure change go through code, with no console clicks or SSH fixes?",
        "",
    ),
    "cd.deploy_under_10min": (
        "From pressing deploy to running in production, how long does a typical deploy take?",
        "Type how long, e.g. 8 (minutes) or 1h",
    ),
    "cd.automated_rollback": (
        "If a deploy goes wrong, does it roll back automatically, and have you seen that work?",
        "",
    ),
    "cd.all_services_pipelines": (
        "Does every service have its own automated build, test and deploy pipeline?",
        "",
    ),
    "cdeploy.prod_without_approval": (
        "Do changes reach production without anyone clicking approve?",
        "",
    ),
    "cdeploy.auto_rollback_on_errors": (
        "When the error rate climbs after a release, does the release roll back by itself?",
        "",
    ),
    "cdeploy.flags_control_releases": ("Is every release switched on through a feature flag?", ""),
    "selfheal.incidents_auto_80pct": (
        "What share of incidents get fixed automatically, with no one paged?",
        "Type a percentage, e.g. 40",
    ),
    "selfheal.predictive_scaling": (
        "Does capacity go up before a traffic spike arrives, not after?",
        "",
    ),
    "selfheal.auto_cost_optimization": (
        "Does cost tuning (rightsizing, switching off idle resources) happen automatically?",
        "",
    ),
}

_PREREQ_PROMPTS: dict[str, str] = {
    "prereq.version_control": "Does everything the team changes go through version control?",
    "prereq.infra_understanding": (
        "Could someone on the team sketch your whole infrastructure, what runs where and why, "
        "from memory?"
    ),
    "prereq.comprehensive_tests": (
        "Do your services have automated tests you'd trust to stop a bad release?"
    ),
    "prereq.staging_env": "Do you have a staging environment that looks like production?",
    "prereq.feature_flags": "Do you have a feature-flag system in place?",
    "prereq.metrics_monitoring": (
        "Would your metrics and monitoring show a bad deploy within minutes?"
    ),
    "prereq.advanced_observability": (
        "Can you trace a slow request across services, and do anomalies get flagged automatically?"
    ),
    "prereq.ml_capability": (
        "Does someone on the team have the skills to build and run forecasting or "
        "anomaly-detection models?"
    ),
}

_CULTURE_PROMPTS: dict[str, str] = {
    BLAMELESS_REVIEWS: "After an incident, does the review look for causes rather than culprits?",
    TRUSTS_AUTOMATION: (
        "Does the team trust its automation enough to let it act with no one watching?"
    ),
}


def _criterion_question(c: Criterion) -> Question:
    prompt, hint = _CRITERION_PROMPTS[c.id]
    if c.kind is CriterionKind.PERCENT:
        return Question(
            c.id,
            prompt,
            QuestionKind.PERCENT,
            PERCENT_OPTIONS,
            hint,
            Section.CRITERIA,
            c.step,
            PERCENT_BOUNDS,
        )
    if c.kind is CriterionKind.MINUTES:
        options = _MINUTES_ENV if c.id == "iac.env_from_scratch_1h" else _MINUTES_DEPLOY
        return Question(
            c.id,
            prompt,
            QuestionKind.MINUTES,
            options,
            hint,
            Section.CRITERIA,
            c.step,
            BOUNDS[c.id],
        )
    return Question(c.id, prompt, QuestionKind.YES_NO, YES_NO_OPTIONS, "", Section.CRITERIA, c.step)


_CONTEXT_QUESTIONS: tuple[Question, ...] = (
    Question(
        ENGINEERS,
        "How many engineers work on this system?",
        QuestionKind.COUNT,
        _opts(
            ("1–5", "3", "1-5"),
            ("6–15", "10", "6-15"),
            ("16–50", "30", "16-50"),
            ("more than 50", "80", ">50"),
        ),
        "Type a number, e.g. 8",
        Section.CONTEXT,
        bounds=BOUNDS[ENGINEERS],
    ),
    Question(
        ENVIRONMENTS,
        "How many environments do you run (dev, staging, production…)?",
        QuestionKind.COUNT,
        _opts(("1–3", "2", "1-3"), ("4–6", "5", "4-6"), ("7 or more", "10", "7+")),
        "Type a number, e.g. 3",
        Section.CONTEXT,
        bounds=BOUNDS[ENVIRONMENTS],
    ),
    Question(
        SERVICES,
        "How many separately deployed services do you run?",
        QuestionKind.COUNT,
        _opts(("1–10", "5", "1-10"), ("11–50", "25", "11-50"), ("more than 50", "100", ">50")),
        "Type a number, e.g. 12",
        Section.CONTEXT,
        bounds=BOUNDS[SERVICES],
    ),
    Question(
        DEPLOYS_PER_DAY,
        "On a typical working day, how many production deploys do you do?",
        QuestionKind.COUNT,
        _opts(
            ("fewer than 2", "1", "<2"),
            ("2–50", "10", "2-50"),
            ("51–200", "100", "51-200"),
            ("more than 200", "300", ">200"),
        ),
        "Type a number, e.g. 4 (0.2 means about once a week)",
        Section.CONTEXT,
        bounds=BOUNDS[DEPLOYS_PER_DAY],
    ),
    Question(
        NEEDS_24X7,
        "Does the system have to stay up around the clock, 24/7?",
        QuestionKind.YES_NO,
        YES_NO_OPTIONS,
        "",
        Section.CONTEXT,
    ),
    Question(
        STRICT_SLA,
        "Are you held to a strict SLA, say 99.99% or tighter?",
        QuestionKind.YES_NO,
        YES_NO_OPTIONS,
        "",
        Section.CONTEXT,
    ),
    Question(
        SERVERS,
        "Roughly how many servers or instances do you run?",
        QuestionKind.COUNT,
        _opts(
            ("fewer than 100", "30", "<100"),
            ("100–999", "300", "100-999"),
            ("1,000 or more", "2000", "1000+"),
        ),
        "Type a number, e.g. 250",
        Section.CONTEXT,
        bounds=BOUNDS[SERVERS],
    ),
)

_TARGET_PROMPT = "Which level is the team aiming to reach?"


def target_question(level: int | None = None) -> Question:
    """The target-level question for a team at ``level``: only levels above it are offered
    (block id and button values stay the contract's: the question id, the level numbers)."""
    first = MIN_LEVEL + 1 if level is None else level + 1
    example = min(first + 1, MAX_LEVEL)
    return Question(
        TARGET_LEVEL,
        _TARGET_PROMPT,
        QuestionKind.LEVEL,
        level_options(level),
        f"Type a level from {first} to {MAX_LEVEL}, e.g. {example}",
        Section.GOAL,
    )


QUESTIONS: dict[str, Question] = {
    **{c.id: _criterion_question(c) for c in CRITERIA},
    **{q.id: q for q in _CONTEXT_QUESTIONS},
    TARGET_LEVEL: target_question(),
    **{
        p.id: Question(
            p.id,
            _PREREQ_PROMPTS[p.id],
            QuestionKind.YES_NO,
            YES_NO_OPTIONS,
            "",
            Section.PREREQUISITES,
            p.step,
        )
        for p in PREREQUISITES
    },
    **{
        c.id: Question(
            c.id, _CULTURE_PROMPTS[c.id], QuestionKind.YES_NO, YES_NO_OPTIONS, "", Section.CULTURE
        )
        for c in CULTURE
    },
}


def question(qid: str) -> Question:
    """The question with this id; KeyError for an unknown id."""
    try:
        return QUESTIONS[qid]
    except KeyError:
        raise KeyError(f"unknown question id {qid!r}") from None
