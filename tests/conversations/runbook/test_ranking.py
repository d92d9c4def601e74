"""Runbook to script, ranked: frequencies, monthly toil, ranking by toil, the shares of
what is scripted, and the nudges when someone marks an operation for scripting."""

from __future__ import annotations

import pytest

from conversations.nudges import NudgeId
from conversations.runbook.ranking import (
    Frequency,
    Operation,
    is_rare_or_cheap,
    monthly_toil,
    parse_frequency,
    rank,
    runs_per_month,
    scripting_nudges,
    summarise,
    toil_phrase,
    top_to_script,
)


def op(
    id: int,
    title: str,
    frequency: Frequency,
    minutes: float,
    **flags: bool,
) -> Operation:
    return Operation(id=id, title=title, frequency=frequency, minutes=minutes, **flags)


def test_runs_per_month_and_toil() -> None:
    assert runs_per_month(Frequency.DAILY) == 30
    assert runs_per_month(Frequency.WEEKLY) == pytest.approx(4.333, abs=0.001)
    assert runs_per_month(Frequency.QUARTERLY) == pytest.approx(1 / 3)
    assert runs_per_month(Frequency.YEARLY) == pytest.approx(1 / 12)
    # Per deploy: the team's deploys a day, over a month (1 a day until we know better).
    assert runs_per_month(Frequency.PER_DEPLOY, 5) == 150
    assert runs_per_month(Frequency.PER_DEPLOY) == 30
    certs = op(1, "Rotate TLS certificates", Frequency.WEEKLY, 30)
    assert monthly_toil(certs) == pytest.approx(130)
    assert toil_phrase(monthly_toil(certs)) == "2.2 h"
    assert toil_phrase(45) == "45 min"


def test_ranking_is_by_toil_then_frequency_not_novelty() -> None:
    ops = [
        op(1, "Shiny new chaos drill", Frequency.YEARLY, 240),  # 20 min a month
        op(2, "Restart stuck workers", Frequency.DAILY, 5),  # 150 min a month
        op(3, "Rotate TLS certificates", Frequency.WEEKLY, 30),  # 130 min a month
        op(4, "Approve the deploy", Frequency.PER_DEPLOY, 5),  # 5 deploys a day → 750
        op(5, "Monthly report", Frequency.MONTHLY, 150),  # 150: ties with #2, rarer
        op(6, "Backups", Frequency.DAILY, 10, scripted=True),
        op(7, "Audit access", Frequency.QUARTERLY, 60, kept_manual=True),
    ]
    ranked = rank(ops, deploys_per_day=5)
    assert [r.op.id for r in ranked] == [4, 2, 5, 3, 1, 7, 6]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, None, None]
    assert [r.op.id for r in top_to_script(ranked)] == [4, 2, 5]


def test_shares_and_toil_removed() -> None:
    ops = [
        op(1, "A", Frequency.DAILY, 10, scripted=True),  # 300
        op(2, "B", Frequency.WEEKLY, 30),  # 130
        op(3, "C", Frequency.YEARLY, 12),  # 1
        op(4, "D", Frequency.MONTHLY, 69, scripted=True),  # 69
    ]
    s = summarise(ops)
    assert (s.total, s.scripted, s.share) == (4, 2, 50.0)
    assert s.toil_removed == pytest.approx(369)
    assert s.toil_weighted_share == pytest.approx(73.8)
    assert s.toil_manual == pytest.approx(131)
    empty = summarise([])
    assert empty.share is None and empty.toil_weighted_share is None


def test_marking_a_broken_operation_for_scripting_says_fix_it_first() -> None:
    flaky = op(1, "Fail over the database", Frequency.MONTHLY, 60, fails=True, differs=True)
    nudges = scripting_nudges(flaky, [flaky])
    assert [n.id for n in nudges] == [NudgeId.BROKEN_PROCESS]
    assert "sometimes fails" in nudges[0].seen
    assert nudges[0].block_id == "nudge.broken_process"


def test_a_rare_or_cheap_operation_is_nudged_only_while_costlier_ones_stay_manual() -> None:
    yearly = op(1, "Renew the domain", Frequency.YEARLY, 30)
    cheap = op(2, "Clear a cache", Frequency.MONTHLY, 5)
    costly = op(3, "Restart workers", Frequency.DAILY, 10)
    assert is_rare_or_cheap(yearly) and is_rare_or_cheap(cheap) and not is_rare_or_cheap(costly)
    runbook = [yearly, cheap, costly]
    assert [n.id for n in scripting_nudges(yearly, runbook)] == [NudgeId.OVER_AUTOMATION]
    assert [n.id for n in scripting_nudges(cheap, runbook)] == [NudgeId.OVER_AUTOMATION]
    assert scripting_nudges(costly, runbook) == []
    # Once the costlier one is scripted, or marked too, the cheap one is fair game.
    done = op(3, "Restart workers", Frequency.DAILY, 10, scripted=True)
    assert scripting_nudges(cheap, [yearly, cheap, done]) == []
    assert scripting_nudges(cheap, runbook, marked={3}) == []


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("weekly", Frequency.WEEKLY),
        ("Per-Deploy", Frequency.PER_DEPLOY),
        ("per_deploy", Frequency.PER_DEPLOY),
        ("annually", Frequency.YEARLY),
        ("nightly", Frequency.DAILY),
        ("sometimes", None),
    ],
)
def test_frequency_words(text: str, frequency: Frequency | None) -> None:
    assert parse_frequency(text) is frequency
