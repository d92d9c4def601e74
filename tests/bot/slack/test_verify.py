"""Request signing against Slack's own published test vector."""

from __future__ import annotations

import json

import pytest
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.local.payloads import Actor, sign, slash_command
from bot.local.standin import SlackStandIn
from bot.settings import load_settings


class _FixedClock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_slacks_signing_test_vector(shared_dir) -> None:
    vector = json.loads(
        (shared_dir / "slack-fixtures/requests/signing_test_vector.slash_command.json").read_text()
    )
    ts = int(vector["timestamp"])
    headers = sign(vector["raw_body"], vector["signing_secret"], ts)
    assert headers["X-Slack-Signature"] == vector["expected_signature"]
    verifier = SignatureVerifier(vector["signing_secret"], clock=_FixedClock(ts + 10))
    assert verifier.is_valid(vector["raw_body"], str(ts), vector["expected_signature"])
    assert not verifier.is_valid(vector["raw_body"] + "x", str(ts), vector["expected_signature"])


BAD_TIMESTAMPS = ["x", "", "1.5", " 1", "-1", "99999999999999999999", "１２３", "1e9"]


@pytest.mark.parametrize("timestamp", BAD_TIMESTAMPS)
def test_a_request_that_cannot_be_verified_reaches_no_listener_and_no_handler(
    sqlite_url: str, sqlite_engine, timestamp: str
) -> None:
    """Whatever the timestamp header holds, the built app answers 401 and neither a
    listener nor the error handler (which would answer the body's response_url) runs."""
    settings = load_settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=sqlite_url,
    )
    app = build_app(settings, engine=sqlite_engine, process_before_response=True)
    reached: list[str] = []

    @app.middleware
    def record(body: dict, next) -> None:
        reached.append("middleware")
        next()

    app.error(lambda error: reached.append(f"error handler: {error!r}"))
    body, _ = slash_command(Actor(), "assess", response_url="https://attacker.example/hook")
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": sign(body, "secret")["X-Slack-Signature"],
    }
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    assert reached == []


def test_a_valid_signature_still_reaches_the_listeners(sqlite_url: str, sqlite_engine) -> None:
    with SlackStandIn(bot_token="xoxb-test") as slack:
        settings = load_settings(
            slack_bot_token="xoxb-test",
            slack_signing_secret="secret",
            slack_api_url=slack.api_url,
            database_url=sqlite_url,
        )
        app = build_app(settings, engine=sqlite_engine, process_before_response=True)
        body, ctype = slash_command(Actor(), "help", response_url=slack.response_url())
        response = app.dispatch(
            BoltRequest(body=body, headers={"content-type": ctype, **sign(body, "secret")})
        )
    assert response.status == 200 and "assess" in response.body
