"""How many questions realistic teams are asked (issue 11, item 6), and what a typed line
that is no answer asks for (item 8).

The teams are ``team_profiles.py`` (also read by ``bench/questions.py``): 50 teams weighted
the way teams are, most at levels 0-2 and each partway into its next step. On this set the
flow before issue 11 asked a median of 14 questions, the figure the issue reports.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conversations.assessment import MAX_QUESTIONS, Intent, Result, run_flow, typed_intent
from conversations.scoring import AnswerError, parse_answer


def _load() -> ModuleType:
    path = Path(__file__).with_name("team_profiles.py")
    spec = importlib.util.spec_from_file_location("team_profiles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PROFILES = _load().PROFILES


def _run(profile) -> Result:
    return run_flow(lambda q: profile.answer(q.id))[1]


RESULTS = {p.name: _run(p) for p in PROFILES}


def test_the_profile_set_spans_every_level_and_leans_as_teams_do():
    levels = [p.level for p in PROFILES]
    assert 30 <= len(PROFILES) <= 60
    assert set(levels) == {0, 1, 2, 3, 4, 5}
    assert sum(1 for n in levels if n <= 2) > len(levels) / 2
    assert len({p.name for p in PROFILES}) == len(PROFILES)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_each_team_is_placed_at_its_level_and_every_answer_is_one_the_bot_takes(profile):
    assert RESULTS[profile.name].level == profile.level
    for qid, raw in profile.answers.items():
        if qid != "context.target_level":
            assert not isinstance(parse_answer(qid, raw), AnswerError), (qid, raw)


def test_realistic_teams_are_asked_a_median_of_at_most_12_questions():
    asked = [r.questions_asked for r in RESULTS.values()]
    assert statistics.median(asked) <= 12
    assert max(asked) <= MAX_QUESTIONS == 20


@pytest.mark.parametrize(("level", "most"), [(0, 7), (1, 13)])
def test_teams_early_on_the_ladder_are_done_quickly(level, most):
    asked = [RESULTS[p.name].questions_asked for p in PROFILES if p.level == level]
    assert max(asked) <= most


# --- item 8: a way out, typed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("stop", Intent.STOP),
        ("Stop!", Intent.STOP),
        ("cancel", Intent.STOP),
        ("cancle", Intent.STOP),  # a near miss of cancel
        ("quit", Intent.STOP),
        ("qiut", Intent.STOP),
        ("exit", Intent.STOP),
        ("please stop", Intent.STOP),
        ("I want to quit", Intent.STOP),
        ("not now", Intent.STOP),
        ("help", Intent.HELP),
        ("Help!", Intent.HELP),
        ("hlep", Intent.HELP),
        ("how does this work?", Intent.HELP),
        ("how do I stop?", Intent.HELP),  # the answer explains how to stop
        ("what?", Intent.HELP),
    ],
)
def test_stop_and_help_are_understood(text, intent):
    assert typed_intent(text) is intent


@pytest.mark.parametrize(
    "text", ["no", "none", "skip", "step up", "hello", "65", "lots, honestly", "a" * 80]
)
def test_near_miss_answers_and_chatter_are_not_a_way_out(text):
    assert typed_intent(text) is None
