"""Runbook to script, ranked: frequencies, monthly toil, ranking by toil, the shares of
what is scripted, and the nudges when someone marks an operation for scripting."""

from __future__ import annotations

import pytest

from conversations.nudges import NudgeId
from conversations.runbook.ranking import (
    Frequency,
    Group,
    Operation,
    is_estimate,
    is_rare_or_cheap,
    monthly_toil,
    parse_frequency,
    rank,
    runs_per_month,
    scripted_share,
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


# ------------------------------------------------------------------ issue 11: fix first


@pytest.mark.parametrize(
    ("flags", "group", "ranked"),
    [
        ({}, Group.SCRIPT_NEXT, True),  # the near miss: a working process is ranked
        ({"fails": True}, Group.FIX_FIRST, False),
        ({"differs": True}, Group.FIX_FIRST, False),
        ({"fails": True, "differs": True}, Group.FIX_FIRST, False),
        ({"fails": True, "kept_manual": True}, Group.KEPT_MANUAL, False),
        ({"differs": True, "scripted": True}, Group.SCRIPTED, False),
    ],
)
def test_a_broken_operation_ranks_under_fix_first_not_script_next(
    flags: dict[str, bool], group: Group, ranked: bool
) -> None:
    costly = op(1, "Fail over the database", Frequency.DAILY, 60, **flags)  # 1,800 min a month
    cheap = op(2, "Clear a cache", Frequency.MONTHLY, 5)
    rows = rank([costly, cheap])
    mine = next(r for r in rows if r.op.id == 1)
    assert mine.group is group
    assert (mine.rank is not None) is ranked
    assert [r.op.id for r in top_to_script(rows)] == ([1, 2] if ranked else [2])


def test_the_groups_come_in_order_and_only_script_next_is_numbered() -> None:
    ops = [
        op(1, "Scripted", Frequency.DAILY, 60, scripted=True),
        op(2, "Kept", Frequency.DAILY, 60, kept_manual=True),
        op(3, "Broken", Frequency.DAILY, 60, fails=True),
        op(4, "Manual", Frequency.MONTHLY, 5),
    ]
    rows = rank(ops)
    assert [r.group for r in rows] == list(Group)
    assert [r.rank for r in rows] == [1, None, None, None]
    assert summarise(ops).fix_first == 1


def test_a_broken_costlier_operation_does_not_make_a_cheap_one_over_automation() -> None:
    cheap = op(1, "Clear a cache", Frequency.MONTHLY, 5)
    broken = op(2, "Fail over", Frequency.DAILY, 60, differs=True)
    working = op(3, "Restart workers", Frequency.DAILY, 60)
    assert scripting_nudges(cheap, [cheap, broken]) == []  # it can't be scripted yet
    assert [n.id for n in scripting_nudges(cheap, [cheap, working])] == [NudgeId.OVER_AUTOMATION]


# ------------------------------------------------------------------ issue 11: estimates


@pytest.mark.parametrize(
    ("frequency", "guessed", "deploys", "estimated"),
    [
        (Frequency.WEEKLY, False, None, False),  # the person's own figures
        (Frequency.WEEKLY, True, None, True),  # minutes nobody gave
        (Frequency.PER_DEPLOY, False, None, True),  # one deploy a day, assumed
        (Frequency.PER_DEPLOY, False, 4.0, False),  # the team's own rate
        (Frequency.PER_DEPLOY, True, 4.0, True),
    ],
)
def test_toil_built_on_a_guess_is_an_estimate(
    frequency: Frequency, guessed: bool, deploys: float | None, estimated: bool
) -> None:
    step = op(1, "Step", frequency, 10, minutes_guessed=guessed)
    assert is_estimate(step, deploys) is estimated
    [row] = rank([step], deploys)
    assert row.estimated is estimated
    assert summarise([step], deploys).estimated == int(estimated)


@pytest.mark.parametrize(
    ("minutes", "estimated", "said"),
    [
        (130, False, "2.2 h"),
        (130, True, "about 2.2 h"),
        (45, True, "about 45 min"),
        (0.4, False, "under 1 min"),
        (0.4, True, "under 1 min"),  # never "about under 1 min"
        (0, True, "0 min"),
    ],
)
def test_toil_phrases(minutes: float, estimated: bool, said: str) -> None:
    assert toil_phrase(minutes, estimated=estimated) == said


def test_the_share_is_rounded_to_a_tenth_and_none_without_operations() -> None:
    assert scripted_share(1, 3) == 33.3
    assert scripted_share(0, 0) is None
