"""The real ``serve --http`` process (gunicorn + Bolt), driven with signed requests.

The read-only checks share one server process (module scope); the shutdown test starts
its own.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.local.payloads import Actor, slash_command
from bot.local.standin import SlackStandIn
from bot.slack.ids import COMMAND

from .conftest import BOT_TOKEN, ServeProcess, start_serve, stop_serve


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, SlackStandIn]]:
    with SlackStandIn(bot_token=BOT_TOKEN) as slack:
        server = start_serve(tmp_path_factory.mktemp("http"), slack)
        try:
            yield server, slack
        finally:
            stop_serve(server)


def _help(serve, standin, text: str = "help", **kw) -> httpx.Response:
    body, ctype = slash_command(Actor(), text, response_url=standin.response_url("cmd"))
    return serve.post(body, ctype, **kw)


def test_valid_signed_command_is_answered_with_usage(shared) -> None:
    serve, standin = shared
    response = _help(serve, standin)
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert f"{COMMAND} assess" in json.dumps(answer["blocks"])


def test_forged_signature_is_refused(shared) -> None:
    serve, standin = shared
    body, ctype = slash_command(Actor(), "help", response_url=standin.response_url("cmd"))
    response = serve.post(body, ctype, secret="not-the-secret")
    assert response.status_code == 401


def test_a_replayed_request_older_than_five_minutes_is_refused(shared) -> None:
    serve, standin = shared
    response = _help(serve, standin, timestamp=int(time.time()) - 301)
    assert response.status_code == 401


def test_unsigned_request_is_refused(shared) -> None:
    serve, standin = shared
    body, ctype = slash_command(Actor(), "help", response_url=standin.response_url("cmd"))
    assert serve.post(body, ctype, headers={}).status_code == 401


def test_url_verification_and_ssl_check(shared) -> None:
    serve, _ = shared
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = serve.post(body, "application/json")
    assert response.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text
    ssl = serve.post("ssl_check=1&token=x", "application/x-www-form-urlencoded")
    assert ssl.status_code == 200


def test_healthz_reports_the_database(shared) -> None:
    serve, _ = shared
    response = httpx.get(f"{serve.base_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert httpx.get(f"{serve.base_url}/nope").status_code == 404


def test_sigterm_lets_the_request_in_flight_finish(serve, standin) -> None:
    # Bolt checks the token with auth.test on the first request: make that slow so the
    # request is still in flight when SIGTERM arrives.
    standin.inject("auth.test", delay=2.0)
    result: dict[str, httpx.Response] = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", _help(serve, standin)))
    worker.start()
    standin.wait_for("auth.test")
    serve.proc.send_signal(signal.SIGTERM)
    worker.join(timeout=30)
    assert result["r"].status_code == 200
    assert "assess" in result["r"].text
    assert serve.proc.wait(timeout=30) == 0
