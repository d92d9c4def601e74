"""The demo workspace of ``maturity-bot shell --demo``: teams with a past, made the way a
real workspace gets its past, by people using the bot.

Four teams at different rungs, each checked in on a few times over the last weeks, with
runbooks of manual work and a leads' channel that gets the weekly digest. Every bit of it
is typed into the real app through the shell (commands, clicks and DM answers) with the
app's clock set back to when it happened, so the board, history, nudges and digests a
newcomer then sees are the product's own, not fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

CRITERIA_BY_STEP: dict[int, tuple[str, ...]] = {
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
PREREQS_BY_STEP: dict[int, tuple[str, ...]] = {
    2: ("prereq.version_control", "prereq.infra_understanding"),
    3: ("prereq.comprehensive_tests", "prereq.staging_env"),
    4: ("prereq.feature_flags", "prereq.metrics_monitoring"),
    5: ("prereq.advanced_observability", "prereq.ml_capability"),
}
# What a team that has met a numeric criterion answers, and one that has not.
MET = {
    "scripted.ops_80pct": "90",
    "iac.env_from_scratch_1h": "40",
    "cd.deploy_under_10min": "7",
    "selfheal.incidents_auto_80pct": "85",
}
NOT_MET = {
    "scripted.ops_80pct": "30",
    "iac.env_from_scratch_1h": "2880",
    "cd.deploy_under_10min": "45",
    "selfheal.incidents_auto_80pct": "10",
}
DIGEST_CHANNEL = "eng-leads"
DIGEST_AT = "monday 09:00 Europe/London"


def answers_at(level: int, **changes: str) -> dict[str, str]:
    """A team's answers when steps 1..``level`` are done and nothing above is, with the
    prerequisites of the next step in place; ``changes`` (``scripted__ops_80pct="70"``: a
    double underscore for the dot) says where it differs."""
    answers: dict[str, str] = {}
    for step, ids in CRITERIA_BY_STEP.items():
        for cid in ids:
            answers[cid] = MET.get(cid, "yes") if step <= level else NOT_MET.get(cid, "no")
    for step, ids in PREREQS_BY_STEP.items():
        for pid in ids:
            answers[pid] = "yes" if step <= level + 1 else "no"
    answers.update({"culture.blameless_reviews": "yes", "culture.trusts_automation": "partly"})
    for key, value in changes.items():
        answers[key.replace("__", ".")] = value
    return answers


@dataclass(frozen=True)
class Person:
    handle: str
    tz: str


@dataclass(frozen=True)
class CheckIn:
    days_ago: int
    answers: dict[str, str]


@dataclass(frozen=True)
class DemoTeam:
    name: str
    channel: str
    owner: Person
    context: dict[str, str]
    check_ins: tuple[CheckIn, ...]
    runbook: tuple[str, ...] = ()  # `/maturity runbook add` arguments
    added_days_ago: int = 0  # when the runbook was written down


def _context(engineers: str, services: str, deploys: str, servers: str, target: str) -> dict:
    return {
        "context.engineers": engineers,
        "context.environments": "3",
        "context.services": services,
        "context.deploys_per_day": deploys,
        "context.needs_24x7": "yes",
        "context.strict_sla": "no",
        "context.servers": servers,
        "context.target_level": target,
    }


TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam(
        name="Payments",
        channel="payments",
        owner=Person("priya", "Europe/London"),
        context=_context("9", "14", "6", "80", "3"),
        check_ins=(
            CheckIn(70, answers_at(1, iac__all_infra_as_code="partly")),
            CheckIn(
                20,
                answers_at(2, cd__deploy_under_10min="25", cd__all_services_pipelines="partly"),
            ),
        ),
        runbook=(
            '"Rotate the payment gateway API keys" monthly 45m',
            '"Replay failed settlement webhooks" daily 20m',
            '"Resize the ledger database before month end" monthly 90m',
        ),
        added_days_ago=40,
    ),
    DemoTeam(
        name="Platform",
        channel="platform",
        owner=Person("marcus", "America/New_York"),
        context=_context("12", "40", "25", "400", "4"),
        check_ins=(
            CheckIn(56, answers_at(2, cd__deploy_under_10min="18", cd__automated_rollback="yes")),
            CheckIn(3, answers_at(3, cdeploy__flags_control_releases="partly")),
        ),
        runbook=(
            '"Approve and apply Kubernetes node pool upgrades" monthly 120m',
            '"Renew internal TLS certificates" quarterly 60m',
        ),
        added_days_ago=30,
    ),
    DemoTeam(
        name="Data",
        channel="data",
        owner=Person("lena", "Europe/Berlin"),
        # Mostly by hand, aiming three rungs up, and incidents end in finding someone to
        # blame: the check-in has things to say about both.
        context=_context("5", "6", "0.5", "25", "4"),
        check_ins=(
            CheckIn(
                35,
                answers_at(
                    0,
                    scripted__ops_80pct="35",
                    scripted__in_version_control="partly",
                    culture__blameless_reviews="no",
                    culture__trusts_automation="no",
                ),
            ),
        ),
        runbook=(
            '"Backfill the nightly warehouse load after a failure" weekly 60m',
            '"Grant analysts access to new datasets" daily 10m',
            '"Restart the stuck Airflow scheduler" weekly 15m',
            '"Export the monthly revenue report for finance" monthly 40m',
        ),
        added_days_ago=34,
    ),
    DemoTeam(
        name="Mobile backend",
        channel="mobile",
        owner=Person("kenji", "Asia/Tokyo"),
        context=_context("6", "5", "2", "30", "2"),
        check_ins=(
            CheckIn(42, answers_at(0, scripted__ops_80pct="60")),
            CheckIn(
                6,
                answers_at(1, iac__all_infra_as_code="partly", iac__env_from_scratch_1h="240"),
            ),
        ),
        runbook=(
            '"Rotate push notification certificates" yearly 60m',
            '"Scale the API fleet before a marketing push" monthly 30m',
        ),
        added_days_ago=10,
    ),
)


class Driver(Protocol):
    """What the demo needs of the shell: to be someone, somewhere, at some time, and act."""

    def be(self, handle: str, tz: str, channel: str) -> None: ...
    def at(self, days_ago: float) -> None: ...
    def type(self, line: str) -> None: ...
    def click(self, label: str) -> bool: ...
    def user_id(self, handle: str | None) -> str: ...  # None: the person at the keyboard
    def current_question(self) -> str | None: ...


def seed(driver: Driver, teams: tuple[DemoTeam, ...] = TEAMS) -> None:
    """Play the demo workspace's past into the app, oldest first."""
    happenings: list[tuple[float, int, DemoTeam, CheckIn | None]] = []
    for order, team in enumerate(teams):
        happenings.extend((c.days_ago, order, team, c) for c in team.check_ins)
        if team.runbook:
            happenings.append((team.added_days_ago + 0.5, order, team, None))
    for days_ago, _, team, check_in in sorted(happenings, key=lambda h: (-h[0], h[1])):
        driver.at(days_ago)
        driver.be(team.owner.handle, team.owner.tz, team.channel)
        if check_in is None:
            for args in team.runbook:
                driver.type(f"/maturity runbook add {args} {team.name}")
                driver.click("Create team")
        else:
            _check_in(driver, team, {**team.context, **check_in.answers})
    driver.at(0)
    # The person trying the demo co-owns the first team, so its Update buttons are theirs.
    first = teams[0]
    driver.be(first.owner.handle, first.owner.tz, first.channel)
    owner, you = driver.user_id(first.owner.handle), driver.user_id(None)
    driver.type(f"/maturity team owners <@{owner}|{first.owner.handle}> <@{you}|you> {first.name}")
    lead = teams[0].owner
    driver.be(lead.handle, lead.tz, DIGEST_CHANNEL)
    driver.type(f"/maturity digest schedule {DIGEST_AT} teams all")


def _check_in(driver: Driver, team: DemoTeam, answers: dict[str, str]) -> None:
    driver.type(f"/maturity assess {team.name}")
    driver.click("Create team")
    for _ in range(60):  # the check-in asks at most 20; a guard, not a count
        qid = driver.current_question()
        if qid is None:
            return
        driver.type(f"'{answers.get(qid, 'skip')}")
    raise RuntimeError(f"the demo check-in for {team.name} did not finish")
