"""End-to-end fixtures: the local Slack stand-in and a real ``serve --http`` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.local.payloads import sign
from bot.local.standin import SlackStandIn

SIGNING_SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-standin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=BOT_TOKEN) as server:
        yield server


@dataclass
class ServeProcess:
    proc: subprocess.Popen[str]
    base_url: str
    log: Path

    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> httpx.Response:
        signed = sign(body, secret, timestamp) if headers is None else headers
        return httpx.post(
            f"{self.base_url}/slack/events",
            content=body.encode(),
            headers={"Content-Type": content_type, **signed},
            timeout=10,
        )

    def output(self) -> str:
        return self.log.read_text()


def start_serve(
    tmp_path: Path,
    standin: SlackStandIn,
    *,
    db_url: str | None = None,
    extra_env: dict[str, str | None] | None = None,
) -> ServeProcess:
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": db_url or f"sqlite:///{tmp_path / 'serve.db'}",
        **(extra_env or {}),
    }
    env = {k: v for k, v in env.items() if v is not None}  # extra_env {"X": None} unsets X
    handle = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: kill_hard() takes the workers too
    )
    server = ServeProcess(proc=proc, base_url=f"http://127.0.0.1:{port}", log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"serve did not become healthy:\n{server.output()}")


def kill_hard(server: ServeProcess) -> None:
    """kill -9 the whole server (master and workers), as a crash would."""
    import signal

    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=30)


def stop_serve(server: ServeProcess) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture
def serve(tmp_path: Path, standin: SlackStandIn) -> Iterator[ServeProcess]:
    server = start_serve(tmp_path, standin)
    try:
        yield server
    finally:
        stop_serve(server)


@dataclass
class BotHarness:
    """The real Bolt app in-process against the stand-in, on a real SQLite file."""

    app: object
    standin: SlackStandIn
    engine: object
    secret: str
    settings: object = None

    def sender(self):
        """The scheduler's sender, as a serving process builds it."""
        from bot.serve.runtime import build_sender

        return build_sender(self.settings, self.engine)

    def user(
        self,
        user_id: str = "U0ALICE",
        channel_id: str = "C0PLATFORM",
        channel_name: str = "platform",
        team_id: str | None = None,
    ):
        from bot.local.payloads import Actor
        from bot.local.standin.driver import SlackUser, in_process

        actor = Actor(
            user_id=user_id,
            user_name=user_id.lower(),
            team_id=team_id or self.standin.team_id,
            channel_id=channel_id,
            channel_name=channel_name,
        )
        return SlackUser(self.standin, in_process(self.app), self.secret, actor)


@pytest.fixture
def harness(tmp_path: Path, standin: SlackStandIn) -> Iterator[BotHarness]:
    from bot.app import build_app
    from bot.settings import load_settings
    from storage.db import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=url,
    )
    engine = make_engine(url)
    app = build_app(settings, engine=engine, process_before_response=True)
    try:
        yield BotHarness(
            app=app, standin=standin, engine=engine, secret=SIGNING_SECRET, settings=settings
        )
    finally:
        engine.dispose()
