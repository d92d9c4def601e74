"""``/maturity runbook add`` arguments: the title, frequency and minutes as people type
them, and what to type instead when they cannot be read."""

from __future__ import annotations

import pytest

from conversations.runbook.adding import RunbookInputError, is_web_link, parse_add, parse_minutes
from conversations.runbook.ranking import Frequency


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("Rotate TLS certificates", "weekly", "30m"),
            ("Rotate TLS certificates", Frequency.WEEKLY, 30, None),
        ),
        (
            ("Rotate", "TLS", "certs", "daily", "15"),
            ("Rotate TLS certs", Frequency.DAILY, 15, None),
        ),
        (
            ("Send weekly report", "weekly", "15m"),
            ("Send weekly report", Frequency.WEEKLY, 15, None),
        ),
        (
            ("Approve deploy", "per", "deploy", "5m"),
            ("Approve deploy", Frequency.PER_DEPLOY, 5, None),
        ),
        (
            ("Patch", "per-deploy", "1h30m", "Payments", "Platform"),
            ("Patch", Frequency.PER_DEPLOY, 90, "Payments Platform"),
        ),
        (("DR drill", "annually", "2h"), ("DR drill", Frequency.YEARLY, 120, None)),
    ],
)
def test_add_arguments(args: tuple[str, ...], expected: tuple[object, ...]) -> None:
    r = parse_add(args)
    assert (r.title, r.frequency, r.minutes, r.team_name) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "how often it runs"),
        (("Rotate certs",), "How often does “Rotate certs” run"),
        (("Rotate certs", "fortnightly", "30m"), "isn't a frequency I know"),
        (("Rotate certs", "weekly"), "How long does one run take"),
        (("Rotate certs", "weekly", "thirty"), "isn't a duration"),
        (("Rotate certs", "weekly", "0m"), "isn't a duration"),
        (("Rotate certs", "weekly", "9999h"), "between 1 minute and a week"),
        (("!!!", "weekly", "5m"), "title with a letter"),
    ],
)
def test_bad_add_arguments_say_what_to_type(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(RunbookInputError, match=message):
        parse_add(args)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("30", 30),
        ("45 min", 45),
        ("1h", 60),
        ("1.5h", 90),
        ("1h30m", 90),
        ("2 hours", 120),
    ],
)
def test_minutes_parse(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "m", "abc", "-5m", "0", "h30"])
def test_not_minutes(text: str) -> None:
    assert parse_minutes(text) is None


@pytest.mark.parametrize(
    ("location", "is_link"),
    [
        ("https://git.example.com/ops/rotate.sh", True),
        ("http://ci.internal/job/42", True),
        ("ops/scripts/rotate.sh", False),  # a path in a repository: words
        ("git@github.com:acme/ops.git", False),
        ("ssh://git@git.internal/ops.git", False),
        ("javascript:alert(1)", False),
        ("https://x.example/a b", False),  # a space: not one address
        ("https://x.example/<!channel>", False),
        ("https://x.example/" + "a" * 2000, False),  # longer than we keep
    ],
)
def test_only_an_http_address_is_a_link(location: str, is_link: bool) -> None:
    assert is_web_link(location) is is_link
