"""The digest's story for a seeded week: golden content a reader would check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.digest import (
    CriterionEventIn,
    LevelEventIn,
    TeamInput,
    build_digest,
    change_phrase,
    progress_bar,
    state_at,
)

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _events(*items: tuple[str, str, int]) -> tuple[CriterionEventIn, ...]:
    return tuple(CriterionEventIn(cid, status, NOW - days * DAY) for cid, status, days in items)


def seeded_week() -> list[TeamInput]:
    payments = TeamInput(
        name="Payments",
        level=1,
        created_at=NOW - 60 * DAY,
        events=_events(
            ("scripted.ops_80pct", "not_met", 40),
            ("scripted.newcomers_use_scripts", "met", 40),
            ("scripted.in_version_control", "met", 40),
            ("scripted.ops_80pct", "met", 3),  # met this week: level 1 reached
            ("iac.all_infra_as_code", "not_met", 3),
            ("iac.no_manual_changes", "met", 2),
        ),
        levels=(LevelEventIn(0, NOW - 40 * DAY), LevelEventIn(1, NOW - 3 * DAY)),
        nudges_this_week=("ready_to_advance",),
        toil_removed_this_week=90,
    )
    search = TeamInput(
        name="search",
        level=3,
        created_at=NOW - 90 * DAY,
        events=_events(
            *(
                (cid, "met", 80)
                for cid in (
                    "scripted.ops_80pct",
                    "scripted.newcomers_use_scripts",
                    "scripted.in_version_control",
                    "iac.all_infra_as_code",
                    "iac.env_from_scratch_1h",
                    "iac.no_manual_changes",
                    "cd.deploy_under_10min",
                    "cd.automated_rollback",
                    "cd.all_services_pipelines",
                )
            ),
        ),
        levels=(LevelEventIn(3, NOW - 80 * DAY),),
    )
    newcomers = TeamInput(name="Data", level=None, created_at=NOW - 2 * DAY)
    return [payments, search, newcomers]


def test_golden_digest_for_a_seeded_week() -> None:
    digest = build_digest(seeded_week(), now=NOW, period="2026-W49")
    assert digest.headline == (
        "1 team levelled up (Payments); 2 criteria met this week; "
        "90 min of monthly toil scripted away."
    )
    data, payments, search = digest.teams  # sorted by name, case-insensitively
    assert (data.name, data.assessed, data.stalled) == ("Data", False, False)
    assert payments.levelled_up and change_phrase(payments) == "up from Level 0"
    assert (payments.step_into, payments.step_met, payments.step_total) == (2, 1, 3)
    assert [(m.criterion_id, m.before, m.after) for m in payments.moves] == [
        ("iac.all_infra_as_code", None, "not_met"),
        ("iac.no_manual_changes", None, "met"),
        ("scripted.ops_80pct", "not_met", "met"),
    ]
    assert payments.nudges == ("ready_to_advance",)
    assert search.stalled  # nothing for 80 days
    assert change_phrase(search) == "no change"
    assert (search.step_into, search.step_met) == (4, 0)


def test_history_has_twelve_weekly_points_ending_now() -> None:
    payments = build_digest(seeded_week(), now=NOW, period="p").teams[1]
    assert len(payments.history) == 12
    assert payments.history[-1].week_end == NOW
    assert payments.history[-1].criteria_met == 4
    assert payments.history[-1].level == 1
    assert payments.history[0].level is None  # before the first check-in


def test_state_at_takes_the_latest_change_before_the_moment() -> None:
    events = _events(("cd.automated_rollback", "met", 10), ("cd.automated_rollback", "not_met", 1))
    assert state_at(events, NOW - 5 * DAY) == {"cd.automated_rollback": "met"}
    assert state_at(events, NOW) == {"cd.automated_rollback": "not_met"}
    assert state_at(events, NOW - 20 * DAY) == {}


def test_progress_bar() -> None:
    assert progress_bar(0, 3) == "▱" * 10
    assert progress_bar(3, 3) == "▰" * 10
    assert progress_bar(1, 3) == "▰▰▰▱▱▱▱▱▱▱"
    assert progress_bar(0, 0) == "▱" * 10
