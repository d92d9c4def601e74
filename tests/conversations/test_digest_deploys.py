"""The digest's DORA-style deploy trend: successful production deploys a week over 12
weeks, the median deploy time this week against 12 weeks ago, and the line's words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from conversations.digest import DeployTally, DeployTrend, deploy_phrase, sparkline
from conversations.evidence import GITHUB, WEBHOOK

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)


def _add(
    tally: DeployTally,
    ago: timedelta,
    minutes: float,
    *,
    env: str = "production",
    ok: bool = True,
    source: str = GITHUB,
) -> None:
    started = NOW - ago
    tally.add(
        environment=env,
        succeeded=ok,
        started_at=started,
        finished_at=started + timedelta(minutes=minutes),
        source=source,
    )


def test_counts_only_successful_production_deploys_a_week_oldest_first() -> None:
    tally = DeployTally(NOW)
    for day in (1, 2, 3):
        _add(tally, timedelta(days=day), 6)
    _add(tally, timedelta(days=1), 6, ok=False)  # failed: not a deploy done
    _add(tally, timedelta(days=1), 6, env="staging")  # not production
    _add(tally, timedelta(days=1), 6, env="prod-eu-1")  # production, as the measurement says
    _add(tally, 11 * WEEK + timedelta(days=1), 30)
    _add(tally, 12 * WEEK + timedelta(days=1), 30)  # older than the 12 weeks
    _add(tally, -timedelta(days=1), 30)  # in the future
    trend = tally.trend()
    assert trend is not None
    assert len(trend.counts) == 12
    assert trend.counts[-1] == trend.this_week == 4
    assert trend.counts[0] == 1
    assert sum(trend.counts) == 5
    assert trend.median_now == 6
    assert trend.median_then == 30


def test_median_is_the_middle_of_the_week() -> None:
    tally = DeployTally(NOW)
    for minutes in (4, 5, 40):
        _add(tally, timedelta(days=2), minutes)
    trend = tally.trend()
    assert trend is not None
    assert trend.median_now == 5
    assert trend.median_then is None


def test_no_production_deploy_is_no_trend() -> None:
    tally = DeployTally(NOW)
    _add(tally, timedelta(days=1), 5, env="staging")
    _add(tally, timedelta(days=1), 5, ok=False)
    assert tally.trend() is None


def test_the_line_names_the_count_the_sparkline_the_medians_and_the_source() -> None:
    trend = DeployTrend(
        counts=(0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7),
        median_now=7,
        median_then=25,
        sources="GitHub Actions",
    )
    assert deploy_phrase(trend) == (
        "7 deploys this week · 12 weeks ▁▁▃▄▄▅▅▅▆▆▇█ · median 7 min this week "
        "(25 min 12 weeks ago) — GitHub Actions"
    )


def test_a_week_without_deploys_says_so_and_keeps_the_old_median() -> None:
    tally = DeployTally(NOW)
    _add(tally, 11 * WEEK + timedelta(hours=1), 12, source=WEBHOOK)
    _add(tally, 3 * WEEK, 9, source=GITHUB)
    trend = tally.trend()
    assert trend is not None
    phrase = deploy_phrase(trend)
    assert phrase.startswith("0 deploys this week · 12 weeks ")
    assert "median 12 min 12 weeks ago" in phrase
    assert phrase.endswith("— GitHub Actions and deploy webhook")


def test_one_deploy_is_singular() -> None:
    trend = DeployTrend(counts=(0,) * 11 + (1,), median_now=3, median_then=None, sources="x")
    assert deploy_phrase(trend).startswith("1 deploy this week · ")


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12))
def test_sparkline_keeps_order_and_marks_every_busy_week(counts: list[int]) -> None:
    line = sparkline(counts)
    assert len(line) == len(counts)
    for n, mark in zip(counts, line, strict=True):
        assert (mark == "▁") is (n == 0)
    if max(counts):
        assert line[counts.index(max(counts))] == "█"
    for i, a in enumerate(counts):  # more deploys never draw a lower block
        for j, b in enumerate(counts):
            if a <= b:
                assert line[i] <= line[j]
