"""GitHub Actions read as deploy evidence, with no network: runs → deploys, Link paging,
rate-limit waits, what a connection command names; and the deploy rate they measure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.evidence import (
    DEPLOYS_PER_DAY,
    GITHUB,
    DeployEvent,
    measure_deploys,
    quiet_words,
)
from conversations.github import deploy_of, is_token, is_workflow, next_page, read_repo, wait_until

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _run(**over) -> dict:
    return {
        "id": 42,
        "name": "Deploy",
        "status": "completed",
        "conclusion": "success",
        "run_attempt": 1,
        "created_at": "2026-12-01T10:00:00Z",
        "run_started_at": "2026-12-01T10:00:30Z",
        "updated_at": "2026-12-01T10:07:30Z",
        "head_branch": "main",
        "event": "push",
        "html_url": "https://github.com/acme/payments/actions/runs/42",
        **over,
    }


def test_a_completed_run_is_a_production_deploy_from_start_to_its_last_update() -> None:
    deploy = deploy_of(_run(), "acme/payments")
    assert deploy is not None
    assert (deploy.id, deploy.succeeded, deploy.minutes, deploy.source) == (
        "acme/payments#42.1",
        True,
        7.0,
        GITHUB,
    )
    assert deploy.production
    assert deploy_of(_run(conclusion="timed_out", run_attempt=2), "a/b").id == "a/b#42.2"  # type: ignore[union-attr]
    assert deploy_of(_run(conclusion="failure"), "a/b").succeeded is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "over",
    [
        {"status": "in_progress", "conclusion": None},
        {"conclusion": "cancelled"},
        {"conclusion": "skipped"},
        {"id": "42"},
        {"updated_at": "2026-12-01T09:00:00Z"},  # before it started
        {"run_started_at": None, "created_at": None},
    ],
)
def test_runs_that_deployed_nothing_or_say_too_little_count_for_nothing(over) -> None:
    assert deploy_of(_run(**over), "acme/payments") is None


def test_the_next_page_comes_from_the_link_header() -> None:
    link = (
        '<https://api.github.com/repositories/1/actions/runs?page=2>; rel="next", '
        '<https://api.github.com/repositories/1/actions/runs?page=5>; rel="last"'
    )
    assert next_page(link) == "https://api.github.com/repositories/1/actions/runs?page=2"
    assert next_page('<https://x/runs?page=1>; rel="prev"') is None
    assert next_page(None) is None


def test_rate_limits_say_how_long_to_wait_and_a_plain_403_is_a_refusal() -> None:
    reset = int((NOW + timedelta(minutes=20)).timestamp())
    limited = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    assert wait_until(403, limited, NOW) == NOW + timedelta(minutes=20)
    assert wait_until(200, limited, NOW) == NOW + timedelta(minutes=20)  # the last one allowed
    assert wait_until(429, {"retry-after": "90"}, NOW) == NOW + timedelta(seconds=90)
    assert wait_until(403, {"retry-after": "30"}, NOW) == NOW + timedelta(seconds=30)
    assert wait_until(429, {}, NOW) == NOW + timedelta(minutes=1)
    assert wait_until(403, {"x-ratelimit-remaining": "12"}, NOW) is None
    assert wait_until(200, {"x-ratelimit-remaining": "4000"}, NOW) is None
    far = {"retry-after": str(24 * 3600)}
    assert wait_until(429, far, NOW) == NOW + timedelta(hours=1)  # capped


def test_what_a_connection_command_names() -> None:
    assert read_repo("acme/payments") == "acme/payments"
    assert read_repo("https://github.com/acme/payments.git") == "acme/payments"
    assert read_repo("<https://github.com/acme/pay.ments>") == "acme/pay.ments"
    assert read_repo("acme") is None and read_repo("acme/../x") is None
    assert read_repo("a/b/c") is None
    assert is_workflow("deploy.yml") and is_workflow("release.yaml") and is_workflow("12345")
    assert not is_workflow("Payments")
    assert is_token("ghp_" + "a" * 36) and is_token("github_pat_" + "B_1" * 20)
    assert not is_token("hunter2") and not is_token("xoxb-1-2")


def _deploy(n: int, *, ok: bool = True, env: str = "production", source: str = "webhook"):
    at = NOW - timedelta(days=n % 10)
    return DeployEvent(
        id=f"d{n}",
        service="api",
        environment=env,
        succeeded=ok,
        started_at=at,
        finished_at=at + timedelta(minutes=5),
        source=source,
    )


def test_deploys_a_day_count_successful_production_deploys_and_name_their_sources() -> None:
    deploys = [_deploy(n, source="github") for n in range(28)] + [
        _deploy(100, ok=False, source="github"),
        _deploy(101, ok=False),
        _deploy(102, env="staging"),
    ]
    rate = {m.criterion_id: m for m in measure_deploys(deploys, window_days=14)}[DEPLOYS_PER_DAY]
    assert rate.value == 2.0 and rate.events == 30
    assert rate.evidence == (
        "2 deploys a day: 28 successful production deploys, 2 of 30 failed (7 %), "
        "last 14 days — GitHub Actions and deploy webhook"
    )
    staging_only = measure_deploys([_deploy(1, env="staging")], window_days=14)
    assert DEPLOYS_PER_DAY not in {m.criterion_id for m in staging_only}
    assert quiet_words(DEPLOYS_PER_DAY, window_days=1) == (
        "no longer measured: no production deploy in the last day"
    )
