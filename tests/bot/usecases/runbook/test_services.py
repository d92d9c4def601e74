"""Small runbook service rules with no Slack round trip: where a reply may be posted, and
turning a Slack message back into the runbook it was written as (fast on any input)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.slack.answer import slack_response_url
from bot.usecases.runbook.importing import slack_to_plain

STANDIN_API = "http://127.0.0.1:8765/api/"


@contextmanager
def must_finish(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the work inside never ends."""

    def give_up(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("url", "ours"),
    [
        ("https://hooks.slack.com/actions/T0/123/abc", True),
        ("https://hooks.slack-gov.com/actions/T0/123/abc", True),
        ("http://127.0.0.1:8765/response/r1", True),  # the stand-in, where the API is
        ("http://hooks.slack.com/actions/T0/123/abc", False),  # not https
        ("https://hooks.slack.com.evil.example/actions/x", False),
        ("https://evil.example/hooks.slack.com/", False),
        ("https://me@hooks.slack.com/actions/x", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("http://127.0.0.1:6379/", False),  # same host, another port: not the API
        ("", False),
    ],
)
def test_a_reply_is_only_posted_back_to_slack(url: str, ours: bool) -> None:
    assert slack_response_url(url, STANDIN_API) is ours
    assert slack_response_url(url, "https://slack.com/api/") is (ours and "hooks" in url)


def test_a_slack_message_reads_back_as_its_words() -> None:
    text = (
        "*Weekly*\n• Rotate keys <https://x.example/a|docs> for <@U123|bob> "
        "<!here> <#C1|ops> <!subteam^S1|@sre> &amp; more"
    )
    assert slack_to_plain(text) == (
        "**Weekly**\n• Rotate keys docs for @bob @here #ops @sre & more"
    )


@pytest.mark.parametrize("piece", ["<!", "<@U", "<http://a", "<http://a|", "<#C"])
def test_any_message_is_read_quickly(piece: str) -> None:
    """A bot-posted message of 100,000 unclosed ``<…`` used to take minutes to read."""
    with must_finish(20):
        assert slack_to_plain(piece * (100_000 // len(piece)))
