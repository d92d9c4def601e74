"""The word after ``/maturity runbook``: a verb, a button's verb, a near miss, or a team."""

from __future__ import annotations

import pytest

from conversations.runbook.verbs import Button, Kind, as_typed, read_verb


@pytest.mark.parametrize(
    ("typed", "kind", "verb", "button"),
    [
        ("add Rotate weekly 30m", Kind.VERB, "add", None),
        ("ADD x weekly 5m", Kind.VERB, "add", None),
        ("import https://x", Kind.VERB, "import", None),
        ("help", Kind.VERB, "help", None),
        ("", Kind.SHOW, "", None),
        ("list Payments", Kind.SHOW, "list", None),
        ('remove "Rotate certs"', Kind.BUTTON, "remove", Button.REMOVE),
        ("delete x", Kind.BUTTON, "delete", Button.REMOVE),
        ("edit x", Kind.BUTTON, "edit", Button.EDIT),
        ("done x", Kind.BUTTON, "done", Button.SCRIPTED),
        ("ad x weekly 5m", Kind.NEAR_MISS, "add", None),  # near misses
        ("imprt https://x", Kind.NEAR_MISS, "import", None),
        ("remvoe x", Kind.NEAR_MISS, "remove", Button.REMOVE),
        ("hepl", Kind.NEAR_MISS, "help", None),
        ("Payments Platform", Kind.TEAM, "", None),  # not a verb, not near one: a team
        ("platform", Kind.TEAM, "", None),
        ("sre", Kind.TEAM, "", None),
        ("x", Kind.TEAM, "", None),  # too short to be a near miss
        ("42", Kind.TEAM, "", None),
    ],
)
def test_a_verb_is_recognised_before_the_words_are_a_team(
    typed: str, kind: Kind, verb: str, button: Button | None
) -> None:
    reading = read_verb(typed.split())
    assert (reading.kind, reading.verb, reading.button) == (kind, verb, button)


def test_a_team_reading_keeps_every_word_and_a_verb_the_rest() -> None:
    assert read_verb(["Payments", "Platform"]).rest == ("Payments", "Platform")
    assert read_verb(["ad", "Rotate certs", "weekly"]).rest == ("Rotate certs", "weekly")


def test_words_go_back_into_a_command_as_typed() -> None:
    assert as_typed(["Rotate certs", "weekly", "30m"]) == '"Rotate certs" weekly 30m'
    assert as_typed(['say "hi" now']) == "'say \"hi\" now'"
