"""Reading what people type for team settings (Slack's ``<@U…|name>`` and ``<#C…|name>``),
and how long a delete confirmation stays good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.usecases.teams_admin import CHANNEL, MENTION, _leading, fresh

NOW = datetime(2025, 6, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "ids", "rest"),
    [
        ("<@U0A1|alice> <@W0B2> Payments Platform", ["U0A1", "W0B2"], "Payments Platform"),
        ("<@U0A1>,<@U0B2>, Search", ["U0A1", "U0B2"], "Search"),
        ("  <@U0A1|alice>  ", ["U0A1"], ""),
        ("@alice Payments", [], "@alice Payments"),
        ("Payments <@U0A1>", [], "Payments <@U0A1>"),  # people first, then the team
        ("<@u0a1>", [], "<@u0a1>"),  # not a Slack id
        ("<!channel> <@U0A1>", [], "<!channel> <@U0A1>"),
    ],
)
def test_mentions_are_read_from_the_start(typed: str, ids: list[str], rest: str) -> None:
    assert _leading(MENTION, typed) == (ids, rest)


@pytest.mark.parametrize(
    ("typed", "ids", "rest"),
    [
        ("<#C0PAY|payments> Payments Platform", ["C0PAY"], "Payments Platform"),
        ("<#G0PRIV>", ["G0PRIV"], ""),
        ("#payments", [], "#payments"),
        ("<#D0DM|dm>", [], "<#D0DM|dm>"),  # a DM is no team's channel
    ],
)
def test_channels_are_read_from_the_start(typed: str, ids: list[str], rest: str) -> None:
    assert _leading(CHANNEL, typed) == (ids, rest)


def test_a_confirmation_is_good_for_a_quarter_of_an_hour() -> None:
    assert fresh((NOW - timedelta(minutes=14)).isoformat(), now=NOW)
    assert not fresh((NOW - timedelta(minutes=16)).isoformat(), now=NOW)
    assert fresh((NOW + timedelta(seconds=30)).isoformat(), now=NOW)  # another clock, a bit ahead
    assert not fresh((NOW + timedelta(hours=1)).isoformat(), now=NOW)
    assert not fresh("2025-06-02T09:00:00", now=NOW)  # no zone: not ours
    assert not fresh("", now=NOW)
    assert not fresh("tomorrow", now=NOW)
