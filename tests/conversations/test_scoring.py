"""Reading answers, criteria thresholds and the sequential level rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.model import CRITERIA, STEPS, criterion, question
from conversations.scoring import (
    AnswerError,
    Choice,
    ParsedAnswer,
    Status,
    button_answer,
    criterion_met,
    criterion_status,
    exact_number_of,
    fact_status,
    format_minutes,
    met_above_level,
    number_of,
    parse_answer,
    parse_time_of_day,
    pays_off,
    score,
    shown_answer,
    target_fits,
    target_level,
    with_implied,
)

MET = {"yes_no": "yes", "percent": "80", "minutes": "5"}
NOT_MET = {"yes_no": "no", "percent": "79", "minutes": "120"}


def met(cid: str) -> str:
    return MET[next(c for c in CRITERIA if c.id == cid).kind.value]


def all_met(*steps: int) -> dict[str, str]:
    return {c.id: met(c.id) for c in CRITERIA if c.step in steps}


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "raw", "value"),
    [
        ("scripted.ops_80pct", "85", "85"),
        ("scripted.ops_80pct", "85%", "85"),
        ("scripted.ops_80pct", " 12 ", "12"),
        ("scripted.ops_80pct", "72.5 %", "72.5"),
        ("scripted.ops_80pct", "100", "100"),
        ("scripted.ops_80pct", "none", "0"),
        ("cd.deploy_under_10min", "7 min", "7"),
        ("cd.deploy_under_10min", "7m", "7"),
        ("cd.deploy_under_10min", "7.5", "7.5"),
        ("iac.env_from_scratch_1h", "1.5h", "90"),
        ("iac.env_from_scratch_1h", "2 hours", "120"),
        ("context.servers", "1,200", "1200"),
        ("context.deploys_per_day", "0.2", "0.2"),
        ("context.deploys_per_day", "40 a day", "40"),
        ("context.target_level", "3", "3"),
        ("context.target_level", "Level 4", "4"),
        ("cd.automated_rollback", "Yes", "yes"),
        ("cd.automated_rollback", "nope", "no"),
        ("cd.automated_rollback", "Partially.", "partly"),
        ("cd.automated_rollback", "not sure", "skip"),
        ("context.servers", "skip", "skip"),
    ],
)
def test_answers_are_read_into_a_canonical_value(qid, raw, value):
    parsed = parse_answer(qid, raw)
    assert isinstance(parsed, ParsedAnswer)
    assert parsed.value == value


@pytest.mark.parametrize(
    ("qid", "raw", "says"),
    [
        ("scripted.ops_80pct", "-5", "negative"),
        ("scripted.ops_80pct", "101", "100%"),
        ("scripted.ops_80pct", "150%", "100%"),
        ("scripted.ops_80pct", "nan", "number"),
        ("scripted.ops_80pct", "inf", "number"),
        ("scripted.ops_80pct", "lots", "number"),
        ("scripted.ops_80pct", "yes", "number"),
        ("scripted.ops_80pct", "80 min", "percentage"),
        ("cd.deploy_under_10min", "-1 min", "negative"),
        ("cd.deploy_under_10min", "7 km", "minutes"),
        ("cd.deploy_under_10min", "", "number"),
        ("context.engineers", "a dozen", "number"),
        ("context.target_level", "6", "0 to 5"),
        ("context.target_level", "3.5", "0 to 5"),
        ("cd.automated_rollback", "maybe", "yes, no or partly"),
        ("cd.automated_rollback", "1", "yes, no or partly"),
    ],
)
def test_unreadable_answers_get_a_friendly_message_with_an_example(qid, raw, says):
    error = parse_answer(qid, raw)
    assert isinstance(error, AnswerError)
    assert says in error.message
    assert error.example in error.message or error.example == "yes"
    assert not isinstance(parse_answer(qid, error.example), AnswerError)


def test_error_messages_never_echo_what_was_typed():
    error = parse_answer("scripted.ops_80pct", "<!channel> lol")
    assert isinstance(error, AnswerError)
    assert "<" not in error.message and "channel" not in error.message


def test_a_wall_of_text_is_refused_politely():
    error = parse_answer("cd.automated_rollback", "yes " * 40)
    assert isinstance(error, AnswerError)
    assert "short" in error.message


def typed(places: int, top: int):
    """Numbers as a person types them: plain decimals, a few places."""
    return st.decimals(min_value=0, max_value=top, places=places).map(lambda d: format(d, "f"))


@given(typed(4, 100))
def test_any_percentage_reads_back_as_the_same_number_and_stores_stably(text):
    parsed = parse_answer("scripted.ops_80pct", f"{text}%")
    assert isinstance(parsed, ParsedAnswer)
    assert parsed.number == float(text)
    again = parse_answer("scripted.ops_80pct", parsed.value)
    assert isinstance(again, ParsedAnswer) and again.value == parsed.value


@given(st.text(max_size=30))
def test_parsing_never_crashes(raw):
    for qid in ("scripted.ops_80pct", "cd.deploy_under_10min", "context.target_level"):
        parsed = parse_answer(qid, raw)
        if isinstance(parsed, ParsedAnswer) and parsed.number is not None:
            assert parsed.number >= 0


# --- criteria -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cid", "raw", "expected"),
    [
        ("scripted.ops_80pct", "79", False),
        ("scripted.ops_80pct", "79.99", False),
        ("scripted.ops_80pct", "80", True),
        ("selfheal.incidents_auto_80pct", "79", False),
        ("selfheal.incidents_auto_80pct", "80%", True),
        ("iac.env_from_scratch_1h", "59", True),
        ("iac.env_from_scratch_1h", "59.9", True),
        ("iac.env_from_scratch_1h", "60", False),
        ("iac.env_from_scratch_1h", "1h", False),
        ("cd.deploy_under_10min", "9", True),
        ("cd.deploy_under_10min", "9.99", True),
        ("cd.deploy_under_10min", "10", False),
    ],
)
def test_exact_threshold_boundaries(cid, raw, expected):
    assert criterion_met(cid, raw) is expected


@given(typed(6, 100))
def test_percent_criteria_are_met_from_80_up(text):
    assert criterion_met("scripted.ops_80pct", text) is (float(text) >= 80)


@given(typed(6, 10_000).filter(lambda t: float(t) > 0))
def test_minute_criteria_are_met_strictly_below_their_limit(text):
    assert criterion_met("iac.env_from_scratch_1h", text) is (float(text) < 60)
    assert criterion_met("cd.deploy_under_10min", text) is (float(text) < 10)


def test_tiny_and_odd_numbers_are_stored_without_exponents():
    for raw, value in [("0.00001", "0.00001"), ("0.1h", "6"), ("007", "7")]:
        parsed = parse_answer("iac.env_from_scratch_1h", raw)
        assert isinstance(parsed, ParsedAnswer) and parsed.value == value
    parsed = parse_answer("context.services", "-0")
    assert isinstance(parsed, ParsedAnswer) and parsed.value == "0"


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.id)
@pytest.mark.parametrize("raw", ["partly", "skip", None, "garbage", ""])
def test_only_a_clear_answer_meets_a_criterion(c, raw):
    assert not criterion_met(c, raw)


def test_status_distinguishes_partly_not_met_and_unknown():
    assert criterion_status("cd.automated_rollback", "yes") is Status.MET
    assert criterion_status("cd.automated_rollback", "partly") is Status.PARTLY
    assert criterion_status("cd.automated_rollback", "no") is Status.NOT_MET
    assert criterion_status("cd.automated_rollback", "skip") is Status.UNKNOWN
    assert criterion_status("cd.automated_rollback", None) is Status.UNKNOWN
    assert criterion_status("cd.deploy_under_10min", "25") is Status.NOT_MET


# --- the level ----------------------------------------------------------------------------


def test_levels_from_answers():
    assert score({}) == 0
    assert score(all_met(1)) == 1
    assert score(all_met(1, 2, 3)) == 3
    assert score(all_met(1, 2, 3, 4, 5)) == 5
    one_short = all_met(1, 2) | {"iac.no_manual_changes": "partly"}
    assert score(one_short) == 1


def test_a_higher_step_does_not_count_while_a_lower_one_is_open():
    answers = all_met(1, 3, 4, 5)  # everything but infrastructure as code
    assert score(answers) == 1
    assert met_above_level(answers, 1) == [c.id for c in CRITERIA if c.step >= 3]


def test_met_above_level_ignores_the_very_next_step():
    answers = all_met(1) | {"iac.all_infra_as_code": "yes", "cd.automated_rollback": "yes"}
    assert met_above_level(answers, 1) == ["cd.automated_rollback"]


criterion_answers = st.fixed_dictionaries(
    {},
    optional={
        c.id: st.sampled_from([MET[c.kind.value], NOT_MET[c.kind.value], "partly", "skip"])
        for c in CRITERIA
    },
)


@given(criterion_answers, st.sets(st.sampled_from([c.id for c in CRITERIA])))
def test_meeting_more_criteria_never_lowers_the_level(answers, extra):
    better = dict(answers) | {cid: met(cid) for cid in extra}
    assert score(better) >= score(answers)


@given(criterion_answers, criterion_answers)
def test_answers_above_the_open_step_never_change_the_level(answers, noise):
    level = score(answers)
    if level == 5:
        return
    above = {cid: v for cid, v in noise.items() if criterion(cid).step > level + 1}
    kept = {cid: v for cid, v in answers.items() if cid not in above}
    assert score(kept | above) == level


@given(criterion_answers)
def test_level_is_the_count_of_leading_complete_steps(answers):
    complete = [all(criterion_met(c, answers.get(c.id)) for c in s.criteria) for s in STEPS]
    expected = next((i for i, done in enumerate(complete) if not done), 5)
    assert score(answers) == expected


# --- scale --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("into", "facts", "expected"),
    [
        (1, {}, True),
        (2, {"context.environments": "3", "context.engineers": "5"}, False),
        (2, {"context.environments": "4"}, True),
        (2, {"context.engineers": "6"}, True),
        (3, {"context.services": "10", "context.deploys_per_day": "1.9"}, False),
        (3, {"context.services": "11"}, True),
        (3, {"context.deploys_per_day": "2"}, True),
        (4, {"context.deploys_per_day": "50", "context.needs_24x7": "no"}, False),
        (4, {"context.deploys_per_day": "51"}, True),
        (4, {"context.needs_24x7": "yes"}, True),
        (4, {"context.deploys_per_day": "10", "context.needs_24x7": "partly"}, False),
        (5, {"context.deploys_per_day": "200", "context.strict_sla": "no"}, False),
        (5, {"context.deploys_per_day": "201"}, True),
        (5, {"context.strict_sla": "yes"}, True),
        (2, {}, None),
        (3, {"context.services": "4"}, None),
        (4, {"context.needs_24x7": "skip", "context.deploys_per_day": "3"}, None),
    ],
)
def test_when_a_step_pays_off(into, facts, expected):
    assert pays_off(into, facts) is expected


@pytest.mark.parametrize(
    ("target", "facts", "expected"),
    [
        (3, {}, True),
        (5, {"context.strict_sla": "no"}, False),
        (5, {"context.strict_sla": "yes", "context.servers": "1000"}, True),
        (5, {"context.strict_sla": "yes", "context.deploys_per_day": "201"}, True),
        (
            5,
            {"context.strict_sla": "yes", "context.servers": "999"}
            | {"context.deploys_per_day": "200"},
            False,
        ),
        (5, {"context.strict_sla": "yes", "context.servers": "999"}, None),
        (4, {"context.deploys_per_day": "50", "context.needs_24x7": "no"}, False),
        (4, {"context.needs_24x7": "yes"}, True),
    ],
)
def test_when_a_target_fits_the_teams_scale(target, facts, expected):
    assert target_fits(target, facts) is expected


def test_target_level_reads_the_answer():
    assert target_level({"context.target_level": "4"}) == 4
    assert target_level({"context.target_level": "skip"}) is None
    assert target_level({}) is None


def test_facts_shown_by_a_met_criterion_are_implied_but_never_override():
    answers = {"scripted.in_version_control": "yes", "cdeploy.prod_without_approval": "yes"}
    implied = with_implied(answers)
    assert implied["prereq.version_control"] == Choice.YES
    assert implied["culture.trusts_automation"] == Choice.YES
    assert fact_status("culture.trusts_automation", answers) is Status.MET
    told = answers | {"culture.trusts_automation": "partly"}
    assert fact_status("culture.trusts_automation", told) is Status.PARTLY
    assert "prereq.feature_flags" not in with_implied({"cdeploy.flags_control_releases": "partly"})


def test_parse_answer_accepts_a_question_object():
    parsed = parse_answer(question("context.servers"), "250")
    assert isinstance(parsed, ParsedAnswer) and parsed.number == 250


# --- item 5: read what people type, refuse what can't be right ------------------------------


@pytest.mark.parametrize(
    ("qid", "raw", "value"),
    [
        ("scripted.ops_80pct", "about 60%", "60"),
        ("scripted.ops_80pct", "~60", "60"),
        ("scripted.ops_80pct", "roughly 60 percent", "60"),
        ("scripted.ops_80pct", "60ish", "60"),
        ("iac.env_from_scratch_1h", "3 days", "4320"),
        ("iac.env_from_scratch_1h", "2h", "120"),
        ("iac.env_from_scratch_1h", "1h30", "90"),
        ("iac.env_from_scratch_1h", "1 hour 15 minutes", "75"),
        ("iac.env_from_scratch_1h", "half an hour", "30"),
        ("iac.env_from_scratch_1h", "about 2 hours", "120"),
        ("cd.deploy_under_10min", "90 seconds", "1.5"),
        ("cd.deploy_under_10min", "8 mins", "8"),
        ("context.engineers", "12 engineers", "12"),
        ("context.deploys_per_day", "around 40", "40"),
        ("context.servers", "1,200", "1200"),
        ("context.servers", "0", "0"),  # serverless
        # the range a button offers, typed: that button's answer
        ("scripted.ops_80pct", "50–79%", "50-79"),
        ("scripted.ops_80pct", "80% or more", "80+"),
        ("cd.deploy_under_10min", "under 10 min", "<10"),
        ("iac.env_from_scratch_1h", "1-8 hours", "60-480"),
        ("context.engineers", "more than 50", ">50"),
    ],
)
def test_numbers_are_read_the_way_people_type_them(qid, raw, value):
    parsed = parse_answer(qid, raw)
    assert isinstance(parsed, ParsedAnswer), parsed
    assert parsed.value == value


@pytest.mark.parametrize(
    ("qid", "raw", "says"),
    [
        ("iac.env_from_scratch_1h", "1000000000", "up to 90 days"),
        ("cd.deploy_under_10min", "1000000000 minutes", "up to 1 week"),
        ("cd.deploy_under_10min", "0", "too low"),
        ("scripted.ops_80pct", "101", "from 0 to 100"),
        ("scripted.ops_80pct", "about 150%", "from 0 to 100"),
        ("context.engineers", "-3", "negative"),
        ("context.engineers", "0", "from 1 to 10,000"),
        ("context.engineers", "2.5", "whole number"),
        ("context.environments", "5000", "from 1 to 1,000"),
        ("context.servers", "99999999999", "from 0 to 10,000,000"),
        ("context.deploys_per_day", "-1", "negative"),
        ("scripted.ops_80pct", "under 40%", "number"),  # a range no button offers
    ],
)
def test_absurd_numbers_are_refused_with_the_range_that_would_do(qid, raw, says):
    error = parse_answer(qid, raw)
    assert isinstance(error, AnswerError)
    assert says in error.message
    assert not isinstance(parse_answer(qid, error.example), AnswerError)


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("iac.env_from_scratch_1h", "90 days"),  # the longest we take: in
        ("cd.deploy_under_10min", "1 week"),
        ("scripted.ops_80pct", "100"),
        ("context.engineers", "10000"),
        ("context.deploys_per_day", "0.2"),
    ],
)
def test_near_miss_the_edges_of_each_range_are_accepted(qid, raw):
    assert isinstance(parse_answer(qid, raw), ParsedAnswer)


def test_a_range_button_stores_its_range_and_reads_back_as_its_label():
    assert button_answer("scripted.ops_80pct", "65") == "50-79"
    assert button_answer("cd.automated_rollback", "yes") == "yes"  # not a range button
    assert button_answer("context.target_level", "3") == "3"
    answers = {"scripted.ops_80pct": "50-79", "cd.deploy_under_10min": "7"}
    assert number_of("scripted.ops_80pct", answers) == 65  # what the bars are held against
    assert exact_number_of("scripted.ops_80pct", answers) is None  # nobody said 65
    assert exact_number_of("cd.deploy_under_10min", answers) == 7
    assert shown_answer("scripted.ops_80pct", "50-79") == "50–79%"
    assert shown_answer("scripted.ops_80pct", "65") == "65%"
    assert shown_answer("iac.env_from_scratch_1h", "4320") == "3 days"
    assert shown_answer("cd.automated_rollback", "skip") is None


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(45, "45 min"), (60, "1 hour"), (120, "2 hours"), (90, "90 min"), (4320, "3 days")],
)
def test_durations_read_back_in_the_unit_people_use(minutes, text):
    assert format_minutes(minutes) == text


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("4pm", (16, 0)),
        ("4 pm", (16, 0)),
        ("4:30pm", (16, 30)),
        ("4.30 p.m.", (16, 30)),
        ("9am", (9, 0)),
        ("12am", (0, 0)),
        ("12pm", (12, 0)),
        ("16:00", (16, 0)),
        ("09:30", (9, 30)),
        ("16h", (16, 0)),
        ("16h30", (16, 30)),
        ("noon", (12, 0)),
        ("midnight", (0, 0)),
    ],
)
def test_a_time_of_day_is_read_the_way_people_type_it(text, time):
    assert parse_time_of_day(text) == time


@pytest.mark.parametrize("text", ["4", "13pm", "25:00", "9:75", "teatime", "0am", ""])
def test_near_miss_times_that_are_ambiguous_or_impossible_are_refused(text):
    assert parse_time_of_day(text) is None
