"""The board's domain: the level recomputed from statuses by the sequential rule (blocked
counts as not met), what a person may put on the board, near misses of a criterion id,
and the story a level change tells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.board import (
    STATUS_LABELS,
    STATUS_WORDS,
    BoardChange,
    Update,
    UpdateField,
    closest_criteria,
    find_criterion,
    format_value,
    level_story,
    moved_criteria,
    read_link,
    read_set,
    read_update,
    status_of,
)
from conversations.digest import CriterionEventIn, LevelEventIn, TeamInput, team_week, worth_telling
from conversations.explain import STATUS_WORDS as EXPLAIN_WORDS
from conversations.model import CRITERIA, criterion
from conversations.scoring import Status, criterion_status, first_unmet, level_of, score

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")
STEP_2 = ("iac.all_infra_as_code", "iac.env_from_scratch_1h", "iac.no_manual_changes")


def met(*ids: str, **others: Status) -> dict[str, Status]:
    statuses = dict.fromkeys(ids, Status.MET)
    statuses.update({k.replace("__", "."): v for k, v in others.items()})
    return statuses


# ------------------------------------------------------------------ the sequential rule


def test_the_level_is_the_last_step_whose_every_criterion_is_met() -> None:
    assert level_of({}) == 0
    assert level_of(met(*STEP_1[:2])) == 0
    assert level_of(met(*STEP_1)) == 1
    assert level_of(met(*STEP_1, *STEP_2)) == 2
    assert level_of(met(*(c.id for c in CRITERIA))) == 5


@pytest.mark.parametrize("status", [Status.PARTLY, Status.NOT_MET, Status.UNKNOWN, Status.BLOCKED])
def test_anything_but_met_stops_the_climb_at_its_step(status: Status) -> None:
    statuses = met(*STEP_1, *STEP_2)
    statuses["scripted.in_version_control"] = status
    assert level_of(statuses) == 0
    assert level_of({k: str(v) for k, v in statuses.items()}) == 0  # as stored


def test_criteria_met_above_an_incomplete_step_do_not_count() -> None:
    above = [c.id for c in CRITERIA if c.step >= 3]
    assert level_of(met(*STEP_1, *above)) == 1


def test_what_the_next_step_still_needs() -> None:
    statuses = met(*STEP_1, "iac.all_infra_as_code")
    statuses["iac.no_manual_changes"] = Status.BLOCKED
    assert first_unmet(statuses, 1) == ["iac.env_from_scratch_1h", "iac.no_manual_changes"]
    assert first_unmet(met(*(c.id for c in CRITERIA)), 5) == []


@given(
    st.dictionaries(
        st.sampled_from([c.id for c in CRITERIA]),
        st.sampled_from(["yes", "no", "partly", "skip", "85", "5"]),
    )
)
def test_the_board_and_the_check_in_agree_on_the_level(answers: dict[str, str]) -> None:
    statuses = {cid: criterion_status(cid, raw) for cid, raw in answers.items()}
    assert level_of(statuses) == score(answers)


# ------------------------------------------------------------------ every consumer knows blocked


def test_every_status_has_words_on_the_board_and_in_explanations() -> None:
    for status in Status:
        assert STATUS_LABELS[status] and STATUS_WORDS[status]
        assert EXPLAIN_WORDS[status]
    assert STATUS_LABELS[Status.BLOCKED] == "Blocked"
    assert status_of("blocked") is Status.BLOCKED and status_of("nonsense") is Status.UNKNOWN


def test_a_blocked_criterion_is_news_in_the_digest_and_a_reason_for_a_drop() -> None:
    assert worth_telling("met", "blocked") and worth_telling("blocked", "met")
    now = AT + timedelta(days=10)
    events = [CriterionEventIn(cid, "met", AT) for cid in STEP_1]
    events.append(
        CriterionEventIn("scripted.in_version_control", "blocked", now - timedelta(days=1))
    )
    team = TeamInput(
        name="Core",
        level=0,
        created_at=AT - timedelta(days=30),
        events=tuple(events),
        levels=(LevelEventIn(1, AT), LevelEventIn(0, now - timedelta(days=1))),
    )
    week = team_week(team, now=now)
    assert week.levelled_down
    assert week.fell == (criterion("scripted.in_version_control").label,)
    assert [(m.before, m.after) for m in week.moves] == [("met", "blocked")]


# ------------------------------------------------------------------ what people set


@pytest.mark.parametrize(
    ("raw", "status", "value"),
    [
        ("yes", Status.MET, None),
        ("Yep", Status.MET, None),
        ("no", Status.NOT_MET, None),
        ("partly", Status.PARTLY, None),
        ("blocked", Status.BLOCKED, None),
        ("7 min", Status.MET, 7),
        ("about 14 min", Status.NOT_MET, 14),
        ("1h", Status.NOT_MET, 60),
        ("under 10 min", Status.MET, None),  # a range names no one figure
    ],
)
def test_set_takes_the_answers_vocabulary(raw: str, status: Status, value: float | None) -> None:
    assert read_set("cd.deploy_under_10min", raw) == Update("cd.deploy_under_10min", status, value)


@pytest.mark.parametrize(
    ("cid", "raw", "says"),
    [
        ("scripted.ops_80pct", "150%", "can't go past 100%"),
        ("scripted.ops_80pct", "lots", "couldn't read that"),
        ("cd.deploy_under_10min", "-5 min", "can't be negative"),
        ("cd.automated_rollback", "12", "yes, no, partly or blocked"),
        ("cd.automated_rollback", "skip", "yes, no, partly or blocked"),
    ],
)
def test_set_says_what_to_type_instead(cid: str, raw: str, says: str) -> None:
    message = read_set(cid, raw)
    assert isinstance(message, str) and says in message


def test_the_form_agrees_status_and_figure() -> None:
    ops = "scripted.ops_80pct"
    assert read_update(ops, status="partly", value="about 65%") == Update(ops, Status.PARTLY, 65)
    assert read_update(ops, status=None, value="90") == Update(ops, Status.MET, 90)
    assert read_update(ops, status="met", value="") == Update(ops, Status.MET, None)
    short = read_update(ops, status="met", value="65%")
    assert isinstance(short, dict) and "short of the bar (at least 80%)" in short[UpdateField.VALUE]
    past = read_update(ops, status="blocked", value="85")
    assert isinstance(past, dict) and "meets the bar" in past[UpdateField.STATUS]
    assert read_update(ops, status=None, value="") == {UpdateField.STATUS: "Pick a status."}
    odd = read_update(ops, status="partly_met", value="")
    assert isinstance(odd, dict) and UpdateField.STATUS in odd
    # A yes/no criterion takes no figure: one given is ignored, not an error.
    assert read_update("cd.automated_rollback", status="blocked", value="3") == Update(
        "cd.automated_rollback", Status.BLOCKED
    )


def test_the_form_keeps_a_note_on_one_line_and_a_link_only_if_it_is_one() -> None:
    done = read_update(
        "cd.automated_rollback",
        status="met",
        note="  proven in\n the game day ",
        link=" https://wiki.example/gameday ",
    )
    assert done == Update(
        "cd.automated_rollback",
        Status.MET,
        note="proven in the game day",
        link="https://wiki.example/gameday",
    )
    for bad in ("wiki/gameday", "javascript:alert(1)", "https://", "https://" + "x" * 2000):
        assert read_link(bad) is None
    too_long = read_update("cd.automated_rollback", status="met", note="x" * 501)
    assert isinstance(too_long, dict) and UpdateField.NOTE in too_long


def test_a_mistyped_criterion_id_gets_the_closest_ids() -> None:
    assert find_criterion(" CD.Automated_Rollback ") == criterion("cd.automated_rollback")
    assert closest_criteria("cd.deploy_under_10")[0] == "cd.deploy_under_10min"
    assert closest_criteria("deploy_under_10min")[0] == "cd.deploy_under_10min"
    assert "cd.automated_rollback" in closest_criteria("rollback")
    assert closest_criteria("zzzzzz") == []
    assert len(closest_criteria("scripted")) <= 3


def test_figures_read_in_their_unit() -> None:
    assert format_value("scripted.ops_80pct", 65) == "65%"
    assert format_value("cd.deploy_under_10min", 14) == "14 min"
    assert format_value("iac.env_from_scratch_1h", 120) == "120 min"
    assert format_value("cd.automated_rollback", 1) == ""


# ------------------------------------------------------------------ a level change's story


def change(cid: str, old: Status | None, new: Status, user: str = "U1", minutes: int = 0):
    return BoardChange(
        cid, new, None, "board", user, AT + timedelta(minutes=minutes), old_status=old
    )


def test_a_drop_names_the_criterion_that_fell_and_what_the_next_step_needs() -> None:
    statuses = met(*STEP_1, *STEP_2)
    statuses["scripted.in_version_control"] = Status.BLOCKED
    changes = [change("scripted.in_version_control", Status.MET, Status.BLOCKED, "U0BOB")]
    story = level_story(2, 0, changes, statuses)
    assert not story.up
    assert story.fell == ("scripted.in_version_control",)
    assert story.needs == (("scripted.in_version_control", Status.BLOCKED),)
    assert story.people == ("U0BOB",)


def test_a_climb_lists_what_moved_folded_per_criterion() -> None:
    statuses = met(*STEP_1)
    changes = [
        change("scripted.ops_80pct", Status.UNKNOWN, Status.PARTLY, minutes=0),
        change("scripted.ops_80pct", Status.PARTLY, Status.MET, minutes=1),
        change("iac.no_manual_changes", Status.NOT_MET, Status.MET, minutes=2),
        change("iac.no_manual_changes", Status.MET, Status.NOT_MET, minutes=3),  # and back
    ]
    story = level_story(0, 1, changes, statuses)
    assert story.up and story.fell == ()
    [moved] = story.moved
    assert (moved.criterion_id, moved.before, moved.after) == (
        "scripted.ops_80pct",
        Status.UNKNOWN,
        Status.MET,
    )
    assert [cid for cid, _ in story.needs] == list(STEP_2)
    assert moved_criteria([]) == ()


def test_at_the_top_the_next_step_needs_nothing() -> None:
    every = met(*(c.id for c in CRITERIA))
    assert level_story(4, 5, [], every).needs == ()
