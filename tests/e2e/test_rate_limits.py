"""Slack's limits, through the real app: a 429 is retried after its ``Retry-After``, a 5xx is
retried, and an event Slack delivers twice is answered once.

The app is built by ``build_app`` with its WebClient pointed at the local Slack stand-in
(``SLACK_API_URL``), and a person's DM to the bot is sent as Slack would send it: a signed
Events API ``message`` envelope. ``process_before_response=True`` makes ``dispatch`` return
only after the listener (and its retries) finished, so no test waits on a clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy.engine import Engine

from bot.app import build_app
from bot.local.payloads import Actor, message_event, sign
from bot.local.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.ids import COMMAND

SECRET = "rate-limit-secret"
ALICE = Actor(user_id="U0ALICE", user_name="alice")


@dataclass
class Bot:
    app: App
    slack: SlackStandIn

    @property
    def dm(self) -> str:
        return self.slack.dm_channel_id(ALICE.user_id)

    def dm_event(self, text: str = "hello?") -> str:
        body, _ = message_event(ALICE, text, channel_id=self.dm, bot_user_id=self.slack.bot_user_id)
        return body

    def deliver(self, body: str, **extra_headers: str) -> int:
        headers = {"Content-Type": "application/json", **sign(body, SECRET), **extra_headers}
        return self.app.dispatch(BoltRequest(body=body, headers=headers)).status

    def posts(self) -> list[int]:
        """HTTP statuses of the chat.postMessage calls Slack received, in order."""
        return [call.status for call in self.slack.calls_to("chat.postMessage")]

    def replies(self) -> list[dict]:
        return [m for m in self.slack.messages(self.dm) if m.get("bot_id")]


@pytest.fixture
def bot(standin: SlackStandIn, sqlite_url: str, sqlite_engine: Engine) -> Iterator[Bot]:
    settings = Settings(
        slack_bot_token=SecretStr(standin.bot_token),
        slack_signing_secret=SecretStr(SECRET),
        slack_app_token=None,
        slack_api_url=standin.api_url,
        database_url=sqlite_url,
    )
    app = build_app(settings, engine=sqlite_engine, process_before_response=True)
    yield Bot(app=app, slack=standin)


def test_a_dm_is_answered_once_with_a_pointer(bot: Bot) -> None:
    assert bot.deliver(bot.dm_event()) == 200
    assert bot.posts() == [200]
    (reply,) = bot.replies()
    assert f"{COMMAND} help" in reply["text"]


def test_a_429_is_retried_after_retry_after(bot: Bot) -> None:
    bot.slack.inject("chat.postMessage", status=429, retry_after=1)
    assert bot.deliver(bot.dm_event()) == 200
    first, second = bot.slack.calls_to("chat.postMessage")
    assert [first.status, second.status] == [429, 200]
    assert first.error == "ratelimited"
    # Slack said "Retry-After: 1": the retry must not come sooner.
    assert second.at - first.at >= 1.0
    assert len(bot.replies()) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried(bot: Bot, status: int) -> None:
    bot.slack.inject("chat.postMessage", status=status)
    assert bot.deliver(bot.dm_event()) == 200
    assert bot.posts() == [status, 200]
    assert len(bot.replies()) == 1


@pytest.mark.parametrize(
    "retry_headers",
    [
        pytest.param(
            {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, id="retry"
        ),
        pytest.param({}, id="no-retry-headers"),
    ],
)
def test_a_redelivered_event_is_answered_once(bot: Bot, retry_headers: dict[str, str]) -> None:
    body = bot.dm_event("is anyone there?")
    assert bot.deliver(body) == 200
    # Slack thought we missed it and sends the same event_id again; it must still get a
    # 200 (or Slack keeps retrying) but no second reply.
    assert bot.deliver(body, **retry_headers) == 200
    assert bot.posts() == [200]
    assert len(bot.replies()) == 1


def test_a_new_event_with_the_same_text_is_answered_again(bot: Bot) -> None:
    first, second = bot.dm_event("hello?"), bot.dm_event("hello?")
    assert json.loads(first)["event_id"] != json.loads(second)["event_id"]
    assert bot.deliver(first) == 200
    assert bot.deliver(second) == 200
    assert bot.posts() == [200, 200]
    assert len(bot.replies()) == 2
