"""Who someone is: a role check fails closed when Slack cannot say, and does not remember
the failure."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.local.standin import SlackStandIn
from bot.slack import people


def test_an_admin_is_an_admin_when_slack_answers() -> None:
    with SlackStandIn() as slack:
        slack.add_user("U0ADMIN", name="ada", is_admin=True)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        assert people.lookup(client, "U0ADMIN").is_admin


def test_when_users_info_fails_nobody_is_an_admin_and_the_next_check_asks_again() -> None:
    with SlackStandIn() as slack:
        slack.add_user("U0ADMIN", name="ada", is_admin=True)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=2)
        slack.inject("users.info", error="fatal_error")
        first = people.lookup(client, "U0ADMIN")
        assert not first.is_admin and not first.known
        assert people.lookup(client, "U0ADMIN").is_admin  # not a remembered failure


def test_a_timeout_fails_closed_too() -> None:
    with SlackStandIn() as slack:
        slack.add_user("U0ADMIN", name="ada", is_admin=True)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=1)
        slack.inject("users.info", delay=2.0)
        assert not people.lookup(client, "U0ADMIN").is_admin
