"""Deploy and incident events read field by field, and what a window of them measures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.evidence import (
    AUTOMATED_ROLLBACK,
    DEPLOY_TIME,
    INCIDENTS_AUTO,
    NO_APPROVAL,
    DeployEvent,
    IncidentEvent,
    Problem,
    is_production,
    measure_deploys,
    measure_incidents,
    read_deploy,
    read_incident,
)
from conversations.scoring import Status

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DEPLOY = {
    "id": "run-1",
    "service": "payments-api",
    "environment": "production",
    "status": "success",
    "started_at": "2026-12-01T10:00:00Z",
    "finished_at": "2026-12-01T12:07:30+02:00",
}


def test_a_deploy_is_read_with_its_times_in_utc_and_optional_flags() -> None:
    event = read_deploy(DEPLOY | {"automated_rollback": True})
    assert isinstance(event, DeployEvent)
    assert event.started_at == T0 and event.minutes == 7.5
    assert event.succeeded and event.production
    assert (event.rolled_back, event.automated_rollback, event.approval_required) == (
        None,
        True,
        None,
    )
    assert read_deploy(DEPLOY | {"id": 12345}).id == "12345"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": ""}, "id"),
        ({"id": "has space"}, "id"),
        ({"id": "x" * 201}, "id"),
        ({"service": None}, "service"),
        ({"environment": " "}, "environment"),
        ({"status": "passed"}, "status"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-12-01T10:00:00"}, "started_at"),  # no zone
        ({"finished_at": "2026-12-01T09:00:00Z"}, "finished_at"),  # before it started
        ({"rolled_back": "yes"}, "rolled_back"),
        ({"approval_required": 1}, "approval_required"),
    ],
)
def test_a_bad_deploy_names_its_field(change: dict, field: str) -> None:
    problem = read_deploy(DEPLOY | change)
    assert isinstance(problem, Problem)
    assert problem.field == field and field in problem.message


def test_a_body_that_is_not_an_object_is_refused_as_a_whole() -> None:
    assert read_deploy([DEPLOY]) == Problem("", "the body must be a JSON object")
    assert isinstance(read_incident("INC-1"), Problem)


def test_an_incident_may_still_be_open_and_names_its_remediation() -> None:
    body = {"id": "INC-7", "service": "api", "opened_at": "2026-12-01T10:00:00Z"}
    event = read_incident(body | {"remediation": "automatic"})
    assert isinstance(event, IncidentEvent) and event.automatic and event.resolved_at is None
    problem = read_incident(body | {"remediation": "robots"})
    assert isinstance(problem, Problem) and problem.field == "remediation"
    early = read_incident(body | {"remediation": "manual", "resolved_at": "2026-12-01T09:00:00Z"})
    assert isinstance(early, Problem) and early.field == "resolved_at"


def test_production_is_recognised_by_its_usual_names() -> None:
    assert all(is_production(e) for e in ("production", "Prod", "prd", "live", "prod-eu-1"))
    assert not any(is_production(e) for e in ("staging", "preprod", "dev", "production2x"))


def _deploy(minutes: float, *, ok: bool = True, env: str = "production", **flags) -> DeployEvent:
    return DeployEvent(
        id=f"d{minutes}",
        service="api",
        environment=env,
        succeeded=ok,
        started_at=T0,
        finished_at=T0 + timedelta(minutes=minutes),
        **flags,
    )


def _by_id(measured) -> dict:
    return {m.criterion_id: m for m in measured}


def test_the_median_of_successful_deploys_measures_deploy_time() -> None:
    measured = _by_id(
        measure_deploys([_deploy(4), _deploy(7), _deploy(30), _deploy(2, ok=False)], window_days=14)
    )
    m = measured[DEPLOY_TIME]
    assert (m.status, m.value, m.events) == (Status.MET, 7.0, 3)
    assert m.evidence == "median 7 min over 3 successful deploys, last 14 days — deploy webhook"
    slow = _by_id(measure_deploys([_deploy(10), _deploy(12)], window_days=14))[DEPLOY_TIME]
    assert (slow.status, slow.value) == (Status.NOT_MET, 11.0)  # under 10, not at 10
    assert measure_deploys([], window_days=14) == []
    assert DEPLOY_TIME not in _by_id(measure_deploys([_deploy(3, ok=False)], window_days=14))


def test_an_automated_rollback_seen_is_met_and_none_seen_says_nothing() -> None:
    assert AUTOMATED_ROLLBACK not in _by_id(
        measure_deploys([_deploy(5, rolled_back=True, automated_rollback=False)], window_days=7)
    )
    seen = _by_id(measure_deploys([_deploy(5, automated_rollback=True)], window_days=7))
    assert seen[AUTOMATED_ROLLBACK].status is Status.MET


@pytest.mark.parametrize(
    ("approvals", "status"),
    [
        ((False, False), Status.MET),
        ((False, True), Status.PARTLY),
        ((True, True), Status.NOT_MET),
        ((None, False), Status.MET),  # a deploy that does not say is left out
    ],
)
def test_production_deploys_without_approval(approvals: tuple, status: Status) -> None:
    deploys = [_deploy(5, approval_required=a) for a in approvals]
    deploys.append(_deploy(5, env="staging", approval_required=True))  # not production
    assert _by_id(measure_deploys(deploys, window_days=14))[NO_APPROVAL].status is status


def test_no_production_deploy_saying_so_measures_nothing_about_approval() -> None:
    deploys = [_deploy(5), _deploy(5, env="staging", approval_required=False)]
    assert NO_APPROVAL not in _by_id(measure_deploys(deploys, window_days=14))


def _incident(n: int, automatic: bool) -> IncidentEvent:
    return IncidentEvent(f"i{n}", "api", T0, None, automatic)


def test_the_share_of_incidents_remediated_automatically() -> None:
    (m,) = measure_incidents([_incident(i, i != 0) for i in range(5)], window_days=14)
    assert (m.criterion_id, m.status, m.value) == (INCIDENTS_AUTO, Status.MET, 80.0)
    assert "4 of 5 incidents remediated automatically, last 14 days" in m.evidence
    (low,) = measure_incidents([_incident(0, True), _incident(1, False)], window_days=1)
    assert (low.status, low.value) == (Status.NOT_MET, 50.0)
    assert "last day" in low.evidence
    assert measure_incidents([], window_days=14) == []
