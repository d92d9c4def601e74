"""Guessing from a step's words how often it runs and how long one run takes."""

from __future__ import annotations

import pytest

from conversations.runbook.guessing import guess_frequency, minutes_in, without_duration
from conversations.runbook.ranking import Frequency


@pytest.mark.parametrize(
    ("words", "frequency"),
    [
        ("Run the smoke tests after every deploy", Frequency.PER_DEPLOY),
        ("Before each release, freeze merges", Frequency.PER_DEPLOY),
        ("Nightly: check the ETL finished", Frequency.DAILY),
        ("Check disk usage every morning", Frequency.DAILY),
        ("Every Monday, triage the alerts backlog", Frequency.WEEKLY),
        ("Review dependency updates every two weeks", Frequency.WEEKLY),
        ("Month-end: reconcile the billing export", Frequency.MONTHLY),
        ("Rotate the database passwords every 90 days", Frequency.QUARTERLY),
        ("Renew the company domain once a year", Frequency.YEARLY),
        ("Renew the TLS certificate", Frequency.QUARTERLY),
        ("Fail over to the standby region", Frequency.QUARTERLY),
        ("Take a snapshot of the volumes", Frequency.DAILY),
        ("Write the postmortem", Frequency.MONTHLY),
        ("Run the database migrations", Frequency.PER_DEPLOY),
        ("Renew the domain", Frequency.YEARLY),
        ("Water the plants", Frequency.MONTHLY),
    ],
)
def test_frequency_is_guessed_from_the_words(words: str, frequency: Frequency) -> None:
    assert guess_frequency(words).frequency is frequency


def test_the_heading_says_how_often_when_the_step_does_not() -> None:
    guess = guess_frequency("Check the queue depth", ["Daily checks"])
    assert (guess.frequency, guess.explicit) == (Frequency.DAILY, True)
    assert guess.reason == "under “Daily checks”"
    own = guess_frequency("Weekly: prune images", ["Daily checks"])
    assert own.frequency is Frequency.WEEKLY


def test_a_plain_guess_says_it_is_a_guess() -> None:
    guess = guess_frequency("Water the plants")
    assert not guess.explicit
    assert "guess" in guess.reason


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Drain the node (10 min)", 10),
        ("Restore — takes about 2h", 120),
        ("Rebuild the cache ~1h30m", 90),
        ("Watch it for 15 minutes", 15),
        ("Compact the logs [1.5 hours]", 90),
        ("Make sure backups ran within 24h", None),
        ("Every 3 months, rotate keys", None),
    ],
)
def test_minutes_are_read_from_the_words(text: str, minutes: int | None) -> None:
    found = minutes_in(text)
    assert (found[0] if found else None) == minutes


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Drain the node (10 min)", "Drain the node"),
        ("Compact the logs [1.5 hours]", "Compact the logs"),
        ("Restore the snapshot — takes about 2h", "Restore the snapshot —"),
        ("Make sure backups ran within 24h", "Make sure backups ran within 24h"),
        (
            "Allow 30m for the cache to warm, then check it",
            "Allow 30m for the cache to warm, then check it",
        ),
    ],
)
def test_a_duration_aside_is_kept_out_of_the_title(text: str, title: str) -> None:
    assert without_duration(text) == title
