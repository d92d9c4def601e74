"""Realistic teams, as test data: what each would answer to every check-in question.

Used by ``tests/conversations/test_question_counts.py`` (the median number of questions)
and ``bench/questions.py`` (the same figures per level, for any checkout: it loads this
file by path). So this module imports nothing from the project: ids are the model's
contract ids (DESIGN.md), answers are what a person would click or type.

The set leans the way teams that look for coaching do (the article's "common situation" is
a runbook half scripted): 28 of 50 at levels 0-1, 10 at level 2, fewer above. A team at
level N is usually partway into level N+1 (some checks done or half done, a number short
of the bar), rarely with practices further up. A few are there on purpose: a tiny team
aiming at level 4 or 5, a team practising two levels up, a person who answers "not sure"
to everything. Calibration: the flow before issue 11 (commit 965c258) asks this set a
median of 14 questions, the figure the issue measured on its own realistic teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STEP_CRITERIA: dict[int, tuple[str, ...]] = {
    1: ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control"),
    2: ("iac.all_infra_as_code", "iac.env_from_scratch_1h", "iac.no_manual_changes"),
    3: ("cd.deploy_under_10min", "cd.automated_rollback", "cd.all_services_pipelines"),
    4: (
        "cdeploy.prod_without_approval",
        "cdeploy.auto_rollback_on_errors",
        "cdeploy.flags_control_releases",
    ),
    5: (
        "selfheal.incidents_auto_80pct",
        "selfheal.predictive_scaling",
        "selfheal.auto_cost_optimization",
    ),
}
# A met answer, as a person would give it; anything not met defaults to these.
MET = {
    "scripted.ops_80pct": "90",
    "iac.env_from_scratch_1h": "30",
    "cd.deploy_under_10min": "5",
    "selfheal.incidents_auto_80pct": "85",
}
NOT_YET = {
    "scripted.ops_80pct": "20",
    "iac.env_from_scratch_1h": "1440",
    "cd.deploy_under_10min": "60",
    "selfheal.incidents_auto_80pct": "5",
}
PREREQS: dict[int, tuple[str, ...]] = {
    2: ("prereq.version_control", "prereq.infra_understanding"),
    3: ("prereq.comprehensive_tests", "prereq.staging_env"),
    4: ("prereq.feature_flags", "prereq.metrics_monitoring"),
    5: ("prereq.advanced_observability", "prereq.ml_capability"),
}


@dataclass(frozen=True)
class Profile:
    name: str
    level: int  # where the team really is
    answers: dict[str, str] = field(default_factory=dict)

    def answer(self, question_id: str) -> str:
        return self.answers.get(question_id, "skip")


def team(
    name: str,
    level: int,
    *,
    engineers: str = "skip",
    environments: str = "skip",
    services: str = "skip",
    deploys: str = "skip",
    round_the_clock: str = "no",
    strict_sla: str = "no",
    servers: str = "skip",
    target: str = "skip",
    blameless: str = "partly",
    trust: str = "partly",
    ready: int | None = None,
    **above: str,
) -> Profile:
    """A team whose steps 1..level are done; ``above`` (criterion id with ``_`` for ``.``)
    says how far it got beyond; the rest above is "no". Prerequisites of steps up to
    ``ready`` (default level + 1) are in place, the next step's only partly."""
    answers: dict[str, str] = {}
    for step, ids in STEP_CRITERIA.items():
        for cid in ids:
            answers[cid] = MET.get(cid, "yes") if step <= level else NOT_YET.get(cid, "no")
    for key, value in above.items():
        cid = key.replace("__", ".")
        assert cid in answers, cid
        answers[cid] = value
    ready = level + 1 if ready is None else ready
    for step, ids in PREREQS.items():
        for pid in ids:
            answers[pid] = "yes" if step <= ready else "partly" if step == ready + 1 else "no"
    answers.update(
        {
            "context.engineers": engineers,
            "context.environments": environments,
            "context.services": services,
            "context.deploys_per_day": deploys,
            "context.needs_24x7": round_the_clock,
            "context.strict_sla": strict_sla,
            "context.servers": servers,
            "context.target_level": target,
            "culture.blameless_reviews": blameless,
            "culture.trusts_automation": trust,
        }
    )
    return Profile(name, level, answers)


def _unsure(name: str) -> Profile:
    return Profile(name, 0, {})  # "not sure" to everything


# fmt: off
PROFILES: tuple[Profile, ...] = (
    # --- level 0: most work by hand, some of it scripted ------------------------------------
    team(
        "two founders, one server", 0,
        scripted__ops_80pct="20", scripted__in_version_control="partly",
        engineers="2", environments="1", services="2", deploys="0.5", servers="3",
        target="1", blameless="yes",
    ),
    team(
        "agency running ops from a wiki", 0,
        scripted__ops_80pct="30",
        engineers="4", environments="2", services="3", deploys="0.2", servers="10", target="1",
    ),
    team(
        "legacy on-premises estate", 0,
        scripted__ops_80pct="40", scripted__newcomers_use_scripts="partly",
        scripted__in_version_control="yes",
        engineers="6", environments="3", services="6", deploys="0.1", round_the_clock="yes",
        servers="60", target="2", blameless="no",
    ),
    team(
        "scripts for most things, not all", 0,
        scripted__ops_80pct="65", scripted__newcomers_use_scripts="yes",
        scripted__in_version_control="yes",
        engineers="5", environments="2", services="4", deploys="1", servers="12", target="1",
    ),
    team(
        "cloud console clickers with some Terraform", 0,
        scripted__ops_80pct="50", scripted__newcomers_use_scripts="partly",
        scripted__in_version_control="yes", iac__all_infra_as_code="partly",
        engineers="8", environments="3", services="8", deploys="1", servers="40", target="2",
    ),
    team(
        "two people aiming for continuous deployment", 0,
        scripted__ops_80pct="30", scripted__in_version_control="partly",
        engineers="2", environments="1", services="1", deploys="1", servers="5", target="4",
        blameless="yes", trust="no",
    ),
    team(
        "data team with notebooks and cron", 0,
        scripted__ops_80pct="70", scripted__newcomers_use_scripts="yes",
        engineers="3", environments="2", services="2", deploys="0.5", target="1",
    ),
    team(
        "one ops engineer, scripts on a laptop", 0,
        scripted__ops_80pct="40",
        engineers="1", environments="1", services="2", deploys="0.2", servers="4", target="1",
    ),
    team(
        "game studio with release nights", 0,
        scripted__ops_80pct="30", scripted__newcomers_use_scripts="partly",
        scripted__in_version_control="yes",
        engineers="10", environments="3", services="4", deploys="0.1", servers="25",
        target="2", blameless="no",
    ),
    team(
        "charity IT, all by hand", 0,
        scripted__ops_80pct="10",
        engineers="2", environments="1", services="3", deploys="0.05", servers="6",
    ),
    team(
        "research lab cluster", 0,
        scripted__ops_80pct="50", scripted__in_version_control="partly",
        engineers="3", environments="2", services="3", deploys="0.5", servers="20", target="1",
    ),
    _unsure("someone new who isn't sure of anything"),
    # --- level 1: scripted, partway into infrastructure as code -------------------------------
    team(
        "scripted, Terraform started", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="240",
        engineers="8", environments="3", services="6", deploys="1", servers="30", target="2",
    ),
    team(
        "twelve engineers, three environments", 1,
        iac__all_infra_as_code="partly", iac__no_manual_changes="partly",
        engineers="12", environments="3", services="10", deploys="2", servers="40", target="2",
    ),
    team(
        "small team, hand-built servers", 1,
        engineers="4", environments="2", services="3", deploys="0.5", servers="8", target="2",
    ),
    team(
        "IaC done, drift by hand", 1,
        iac__all_infra_as_code="yes", iac__env_from_scratch_1h="240",
        iac__no_manual_changes="partly", cd__automated_rollback="partly",
        engineers="10", environments="4", services="12", deploys="3", servers="50", target="3",
    ),
    team(
        "many environments, little code", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="240",
        engineers="6", environments="5", services="15", deploys="2", round_the_clock="yes",
        servers="45", target="3", blameless="no",
    ),
    team(
        "three people, one environment", 1,
        iac__env_from_scratch_1h="480",
        engineers="3", environments="1", services="2", deploys="0.2", servers="4", target="2",
    ),
    team(
        "growing product team", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="90",
        iac__no_manual_changes="partly",
        engineers="15", environments="4", services="20", deploys="5", servers="80", target="3",
    ),
    team(
        "two engineers aiming for level 4", 1,
        iac__all_infra_as_code="partly",
        engineers="2", environments="1", services="2", deploys="1", servers="6", target="4",
    ),
    team(
        "IaC for the new stack only", 1,
        iac__all_infra_as_code="yes", iac__env_from_scratch_1h="120",
        engineers="9", environments="3", services="8", deploys="1", servers="35", target="2",
    ),
    team(
        "unsure how long an environment takes", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="skip",
        engineers="7", environments="2", services="5", deploys="1",
    ),
    team(
        "rollback automated before IaC", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="240",
        iac__no_manual_changes="partly", cd__automated_rollback="yes",
        engineers="20", environments="4", services="25", deploys="10", servers="120", target="3",
        blameless="yes",
    ),
    team(
        "five engineers, three environments", 1,
        engineers="5", environments="3", services="5", deploys="1", servers="15", target="2",
    ),
    team(
        "agency with deploy scripts", 1,
        engineers="6", environments="3", services="5", deploys="1", servers="15", target="2",
    ),
    team(
        "fintech, Terraform for production only", 1,
        iac__all_infra_as_code="partly", iac__env_from_scratch_1h="240",
        iac__no_manual_changes="partly",
        engineers="9", environments="3", services="7", deploys="2", round_the_clock="yes",
        servers="40", target="3",
    ),
    team(
        "internal tools team", 1,
        engineers="4", environments="2", services="6", deploys="0.5", servers="10",
    ),
    team(
        "scripted, about to start on IaC", 1,
        iac__env_from_scratch_1h="480",
        engineers="7", environments="4", services="9", deploys="1", servers="30", target="2",
    ),
    # --- level 2: infrastructure as code, partway into continuous delivery -----------------------
    team(
        "pipelines for some services", 2,
        cd__deploy_under_10min="20", cd__automated_rollback="partly",
        cd__all_services_pipelines="partly",
        engineers="15", environments="4", services="12", deploys="3", servers="60", target="3",
    ),
    team(
        "slow manual deploys", 2,
        engineers="10", environments="4", services="8", deploys="1", servers="40", target="3",
    ),
    team(
        "24/7 shop with half its pipelines", 2,
        cd__deploy_under_10min="20", cd__all_services_pipelines="partly",
        engineers="25", environments="5", services="30", deploys="8", round_the_clock="yes",
        servers="150", target="3", blameless="yes",
    ),
    team(
        "fast deploys, rollback in progress", 2,
        cd__deploy_under_10min="5", cd__automated_rollback="partly",
        cd__all_services_pipelines="partly",
        engineers="30", environments="6", services="40", deploys="15", round_the_clock="yes",
        servers="200", target="4",
    ),
    team(
        "small team with Terraform", 2,
        cd__deploy_under_10min="30",
        engineers="6", environments="3", services="5", deploys="0.5", servers="12", target="3",
    ),
    team(
        "approvals half gone", 2,
        cd__deploy_under_10min="20", cd__automated_rollback="partly",
        cd__all_services_pipelines="yes", cdeploy__prod_without_approval="partly",
        selfheal__incidents_auto_80pct="10",
        engineers="20", environments="4", services="20", deploys="5", servers="90", target="4",
        trust="yes",
    ),
    team(
        "big estate under a strict SLA", 2,
        cd__deploy_under_10min="20", cd__all_services_pipelines="partly",
        engineers="40", environments="6", services="60", deploys="20", round_the_clock="yes",
        strict_sla="yes", servers="600", target="4",
    ),
    team(
        "no target in mind", 2,
        cd__deploy_under_10min="15", cd__automated_rollback="partly",
        engineers="8", environments="4", services="6", deploys="1", servers="25",
    ),
    team(
        "rollback works, pipelines partly", 2,
        cd__deploy_under_10min="20", cd__automated_rollback="yes",
        cd__all_services_pipelines="partly",
        engineers="18", environments="5", services="25", deploys="6", servers="100", target="3",
        blameless="yes", trust="yes",
    ),
    team(
        "five engineers dreaming of self-healing", 2,
        cd__deploy_under_10min="60",
        engineers="5", environments="2", services="3", deploys="0.5", servers="10", target="5",
    ),
    # --- level 3: continuous delivery, partway into continuous deployment ------------------------
    team(
        "one-click deploys, flags coming", 3,
        cdeploy__auto_rollback_on_errors="partly", cdeploy__flags_control_releases="partly",
        selfheal__incidents_auto_80pct="10",
        engineers="30", deploys="20", round_the_clock="yes", servers="200", target="4",
    ),
    team(
        "high-volume shop, approvals easing", 3,
        cdeploy__prod_without_approval="partly", cdeploy__auto_rollback_on_errors="partly",
        cdeploy__flags_control_releases="partly", selfheal__incidents_auto_80pct="30",
        engineers="60", deploys="80", round_the_clock="yes", strict_sla="yes", servers="800",
        target="4", blameless="yes",
    ),
    team(
        "a few deploys a week, aiming for level 4", 3,
        engineers="12", deploys="3", servers="40", target="4",
    ),
    team(
        "no sign-off, no auto-rollback yet", 3,
        cdeploy__prod_without_approval="yes", cdeploy__auto_rollback_on_errors="partly",
        selfheal__incidents_auto_80pct="20",
        engineers="45", deploys="60", round_the_clock="yes", servers="400", target="4",
        trust="yes",
    ),
    team(
        "strict SLA, eyeing level 5", 3,
        cdeploy__auto_rollback_on_errors="partly", cdeploy__flags_control_releases="partly",
        engineers="25", deploys="15", round_the_clock="yes", strict_sla="yes", servers="300",
        target="5",
    ),
    team(
        "happy at level 3", 3,
        engineers="10", deploys="4", servers="30", blameless="yes",
    ),
    team(
        "large platform nearly at level 4", 3,
        cdeploy__prod_without_approval="partly", cdeploy__auto_rollback_on_errors="yes",
        cdeploy__flags_control_releases="partly", selfheal__incidents_auto_80pct="40",
        engineers="80", deploys="120", round_the_clock="yes", strict_sla="yes", servers="1500",
        target="4", blameless="yes", trust="partly",
    ),
    # --- level 4: continuous deployment, partway into self-healing -------------------------------
    team(
        "auto-remediation for the usual suspects", 4,
        selfheal__incidents_auto_80pct="40", selfheal__predictive_scaling="partly",
        engineers="80", deploys="150", round_the_clock="yes", strict_sla="yes", servers="1200",
        target="5", blameless="yes", trust="yes",
    ),
    team(
        "hyperscale, nearly self-healing", 4,
        selfheal__incidents_auto_80pct="60", selfheal__predictive_scaling="yes",
        selfheal__auto_cost_optimization="partly",
        engineers="200", deploys="400", round_the_clock="yes", strict_sla="yes",
        servers="5000", target="5", blameless="yes", trust="yes", ready=5,
    ),
    team(
        "mid-size, aiming for self-healing", 4,
        selfheal__incidents_auto_80pct="30", selfheal__auto_cost_optimization="partly",
        engineers="30", deploys="55", round_the_clock="yes", servers="150", target="5",
    ),
    # --- level 5: self-healing -------------------------------------------------------------------
    team(
        "self-healing at hyperscale", 5,
        engineers="300", deploys="500", round_the_clock="yes", strict_sla="yes",
        servers="10000", blameless="yes", trust="yes",
    ),
    team(
        "self-healing payments platform", 5,
        engineers="150", deploys="220", round_the_clock="yes", strict_sla="yes",
        servers="2000", blameless="yes", trust="yes",
    ),
)
# fmt: on
