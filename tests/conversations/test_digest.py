"""The digest's story for a seeded week: golden content a reader would check; level
changes told first, in both directions; team lists read the way people type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.digest import (
    CriterionEventIn,
    LevelEventIn,
    TeamInput,
    build_digest,
    change_phrase,
    drop_phrase,
    progress_bar,
    read_team_list,
    state_at,
    team_week,
    worth_telling,
)
from conversations.model import criterion

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
        "Payments rose from Level 0 to Level 1; 2 criteria met this week; "
        "90 min of monthly toil scripted away."
    )
    payments, data, search = digest.teams  # level changes first, then by name
    assert (data.name, data.assessed, data.stalled) == ("Data", False, False)
    assert payments.levelled_up and change_phrase(payments) == "up from Level 0"
    assert (payments.step_into, payments.step_met, payments.step_total) == (2, 1, 3)
    # "new → not met" (iac.all_infra_as_code, asked for the first time) is no news.
    assert [(m.criterion_id, m.before, m.after) for m in payments.moves] == [
        ("iac.no_manual_changes", None, "met"),
        ("scripted.ops_80pct", "not_met", "met"),
    ]
    assert payments.nudges == ("ready_to_advance",)
    assert search.stalled  # nothing for 80 days
    assert change_phrase(search) == "no change"
    assert (search.step_into, search.step_met) == (4, 0)


def test_history_has_twelve_weekly_points_ending_now() -> None:
    payments = build_digest(seeded_week(), now=NOW, period="p").teams[0]
    assert payments.name == "Payments"
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


# ------------------------------------------------------------------ level changes lead

OPS = "scripted.ops_80pct"
STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")
STEP_2 = ("iac.all_infra_as_code", "iac.env_from_scratch_1h", "iac.no_manual_changes")


def _team(
    level: int | None,
    events: tuple[tuple[str, str, int], ...] = (),
    levels: tuple[tuple[int, int], ...] = (),
    name: str = "Payments",
) -> TeamInput:
    return TeamInput(
        name=name,
        level=level,
        created_at=NOW - 60 * DAY,
        events=_events(*events),
        levels=tuple(LevelEventIn(lv, NOW - days * DAY) for lv, days in levels),
    )


LEVEL_ONE_LONG_AGO = tuple((cid, "met", 30) for cid in STEP_1)

# (case, team, change phrase, fell a level, criteria said to have fallen)
LEVEL_CASES = [
    pytest.param(
        # The team: Level 1 for a month, then its scripted share fell this week.
        _team(0, (*LEVEL_ONE_LONG_AGO, (OPS, "not_met", 2)), ((1, 30), (0, 2))),
        "down from Level 1",
        True,
        (criterion(OPS).label,),
        id="drop-from-level-1",
    ),
    pytest.param(
        # Placed at Level 1 on Monday, at Level 0 by Thursday: a week ago it had no level,
        # and the old digest said "+2 criteria" (measured on the new, lower step).
        _team(
            0,
            (*((cid, "met", 5) for cid in STEP_1), (OPS, "not_met", 2)),
            ((1, 5), (0, 2)),
        ),
        "down from Level 1",
        True,
        (criterion(OPS).label,),
        id="drop-within-the-first-week",
    ),
    pytest.param(
        # Near miss: a criterion of the next step moved, the level held.
        _team(1, (*LEVEL_ONE_LONG_AGO, ("iac.no_manual_changes", "met", 2)), ((1, 30), (1, 2))),
        "+1 criterion",
        False,
        (),
        id="same-level-criterion-met",
    ),
    pytest.param(
        _team(
            2,
            (*LEVEL_ONE_LONG_AGO, *((cid, "met", 2) for cid in STEP_2)),
            ((1, 30), (2, 2)),
        ),
        "up from Level 1",
        False,
        (),
        id="climb",
    ),
    pytest.param(
        _team(1, tuple((cid, "met", 2) for cid in STEP_1), ((1, 2),)),
        "first check-in",
        False,
        (),
        id="first-check-in",
    ),
    pytest.param(
        _team(1, LEVEL_ONE_LONG_AGO, ((1, 30),)),
        "no change",
        False,
        (),
        id="quiet-week",
    ),
]


@pytest.mark.parametrize(("team", "phrase", "fell", "why"), LEVEL_CASES)
def test_a_level_change_is_said_before_the_criteria_count(team, phrase, fell, why) -> None:
    week = team_week(team, now=NOW)
    assert change_phrase(week) == phrase
    assert week.levelled_down is fell
    assert week.fell == why
    if fell:
        assert drop_phrase(week) == "no longer met: " + why[0]
        assert week.moves == () or all(
            m.criterion_id != OPS or m.after != "met" for m in week.moves
        )


def test_the_headline_says_a_drop_plainly_and_drops_lead_the_list() -> None:
    teams = [
        _team(1, LEVEL_ONE_LONG_AGO, ((1, 30),), name="Aardvark"),  # quiet
        _team(0, (*LEVEL_ONE_LONG_AGO, (OPS, "not_met", 2)), ((1, 30), (0, 2)), name="Payments"),
        _team(
            2,
            (*LEVEL_ONE_LONG_AGO, *((cid, "met", 2) for cid in STEP_2)),
            ((1, 30), (2, 2)),
            name="Search",
        ),
        _team(1, tuple((cid, "met", 2) for cid in STEP_1), ((1, 2),), name="Data"),
    ]
    digest = build_digest(teams, now=NOW, period="p")
    assert digest.headline == (
        "Payments fell from Level 1 to Level 0; Search rose from Level 1 to Level 2; "
        "1 team checked in for the first time (Data); 3 criteria met this week."
    )
    assert [w.name for w in digest.teams] == ["Payments", "Search", "Data", "Aardvark"]
    assert digest.levelled_down == ("Payments",)
    # A first check-in is its placement, not nine "criteria met this week".
    assert next(w for w in digest.teams if w.name == "Data").met_this_week == 0


@pytest.mark.parametrize(
    ("before", "after", "news"),
    [
        (None, "not_met", False),  # the thread listed every "new → not met"
        ("unknown", "not_met", False),
        (None, "partly", False),
        (None, "met", True),  # met for the first time: progress
        ("not_met", "met", True),
        ("met", "not_met", True),  # a regression is always news
        ("partly", "not_met", True),
        ("met", "met", False),
    ],
)
def test_only_changes_a_reader_cares_about_are_listed(before, after, news) -> None:
    assert worth_telling(before, after) is news


# ------------------------------------------------------------------ team lists as typed

KNOWN = ["Payments Platform", "Search", "Payments", "Research and Development", "Bob's team"]


@pytest.mark.parametrize(
    ("typed", "names", "unknown"),
    [
        ("Payments Platform", ["Payments Platform"], []),  # the bot's own example
        ("Payments Platform, Search", ["Payments Platform", "Search"], []),
        ("payments platform and search", ["Payments Platform", "Search"], []),
        ('"Payments Platform" Search', ["Payments Platform", "Search"], []),
        ("“Payments Platform”, “Search”", ["Payments Platform", "Search"], []),
        ("Payments Platform Search", ["Payments Platform", "Search"], []),
        ("Payments, Search", ["Payments", "Search"], []),  # a comma splits
        ("Search; Payments & Search", ["Search", "Payments"], []),  # each once, typed order
        ("Data &amp; Search", ["Search"], ["Data"]),  # Slack escapes & in commands
        ("Research and Development", ["Research and Development"], []),  # "and" in a name
        ("Bob's team", ["Bob's team"], []),  # an apostrophe is no quote
        ("Payments Platfrom, Ghosts", [], ["Payments Platfrom", "Ghosts"]),  # near misses
        ("Search, Ghost Team", ["Search"], ["Ghost Team"]),  # unknown words kept together
        ('"Payments"', ["Payments"], []),
        ('"Payments Plat"', [], ["Payments Plat"]),  # quotes mean exactly this name
        ('"Payments Platform, Search', ["Payments Platform", "Search"], []),  # never closed
    ],
)
def test_team_lists_are_read_by_the_workspaces_team_names(typed, names, unknown) -> None:
    read = read_team_list(typed, KNOWN)
    assert list(read.names) == names
    assert list(read.unknown) == unknown
    assert not read.everyone


@pytest.mark.parametrize("typed", ["all", "ALL", " all ", "every team", "all teams"])
def test_all_means_every_team(typed) -> None:
    assert read_team_list(typed, KNOWN).everyone


def test_an_unknown_name_comes_with_the_closest_team() -> None:
    read = read_team_list("Paymnts Platform, Zzz", KNOWN)
    assert dict(read.suggestions) == {"Paymnts Platform": "Payments Platform"}
