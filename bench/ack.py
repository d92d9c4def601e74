"""Ack latency of `/maturity help` at `serve --http`, against the framework's floor.

Sends N signed slash commands, C in flight, at a real `maturity-bot serve --http` process,
then the same at a bare Bolt app with one trivial listener on the same server stack
(gunicorn gthread via bot.serve.http.run_wsgi), then at gunicorn alone answering a constant
(no Bolt: the floor of this harness on this machine). The Slack side is the local stand-in.
Prints p50/p99/max of each, the ratios to bare Bolt, and the goals. Not a test: run it with

    .venv/bin/python bench/ack.py [--requests 200] [--concurrency 50]

Load model: closed loop, C keep-alive connections with one request in flight each, as a
busy Slack would hold them. The client is a minimal asyncio HTTP/1.1 writer/reader (~0.1 ms
of CPU a request): with httpx (~2 ms a request) the client saturated one of the two cores
and its own queueing, not the server, set the tail (gunicorn answering a constant measured
p99 ≈ 400 ms). A request counts as acknowledged only if it got HTTP 200 with the usage text.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.payloads import Actor, sign, slash_command  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-standin"
USAGE_MARK = "/maturity assess"  # in every usage answer: proves the request was really served
SLACK_ACK_S = 3.0
REQUEST_TIMEOUT_S = 10.0
P99_GOAL_MS = 300.0
RATIO_GOAL = 1.5


# ------------------------------------------------------------------ the servers measured


def serve_bare(port: int, api_url: str) -> None:
    """The floor the goal names: a Bolt app with one trivial listener, same gunicorn stack."""
    from slack_bolt import App

    from bot.serve.http import build_wsgi, run_wsgi
    from bot.settings import load_settings
    from bot.slack.client import build_client

    os.environ.pop("SLACK_BOT_TOKEN", None)  # Bolt would read it and warn: the client has it

    def factory():
        settings = load_settings(slack_api_url=api_url, slack_bot_token=TOKEN)
        app = App(
            signing_secret=SECRET,
            client=build_client(settings),
            token_verification_enabled=False,
        )

        @app.command("/maturity")
        def _help(ack):
            ack(text=f"usage: {USAGE_MARK}", response_type="ephemeral")

        return build_wsgi(app, None)

    run_wsgi(factory, host="127.0.0.1", port=port)


def serve_raw(port: int) -> None:
    """The harness floor: gunicorn (same settings) answering a constant, no Bolt at all."""
    from bot.serve.http import run_wsgi

    answer = f'{{"response_type": "ephemeral", "text": "usage: {USAGE_MARK}"}}'.encode()

    def factory():
        def wsgi(environ, start_response):
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response(
                "200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))],
            )
            return [answer]

        return wsgi

    run_wsgi(factory, host="127.0.0.1", port=port)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cmd: list[str], env: dict[str, str], port: int, cwd: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server on {port} did not start")


# ------------------------------------------------------------------ the load


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes, bool]:
    """Send one HTTP/1.1 request; (status, body, server closes the connection)."""
    writer.write(request)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value == "close"
    return status, await reader.readexactly(length), close


def _request(i: int, port: int, response_url: str) -> bytes:
    body, ctype = slash_command(Actor(user_id=f"U{i + 1:05d}"), "help", response_url=response_url)
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": ctype,
        "Content-Length": str(len(body.encode())),
        **sign(body, SECRET),
    }
    head = "POST /slack/events HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n" + body).encode()


async def _connection(
    port: int, jobs: Iterator[int], results: list[float | None], response_url: str
) -> None:
    """One keep-alive connection sending requests back to back until ``jobs`` runs out."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    for i in jobs:
        request = _request(i, port, response_url)  # built and signed outside the timing
        close = True
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            status, body, close = await asyncio.wait_for(
                _exchange(reader, writer, request), REQUEST_TIMEOUT_S
            )
            dt = time.perf_counter() - t0
            results.append(dt if status == 200 and USAGE_MARK.encode() in body else None)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
            results.append(None)
        if close and writer is not None:
            writer.close()
            writer = reader = None
    if writer is not None:
        writer.close()


async def _fire(port: int, n: int, concurrency: int, response_url: str) -> tuple[list, float]:
    """(latency in seconds of each request, ``None`` where not acknowledged; wall time)."""
    warm: list[float | None] = []  # one request first: Bolt's auth.test, lazy imports
    await _connection(port, iter([-1]), warm, response_url)
    if warm[0] is None:
        raise SystemExit(f"port {port}: the warm-up request was not answered with usage")
    results: list[float | None] = []
    jobs = iter(range(n))
    # The client's own garbage collector must not pause it mid-measurement (a full
    # collection over this process's imports takes tens of ms and would be billed to
    # whichever server is measured first).
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        await asyncio.gather(
            *(_connection(port, jobs, results, response_url) for _ in range(concurrency))
        )
        return results, time.perf_counter() - t0
    finally:
        gc.enable()


# ------------------------------------------------------------------ the report


def _summary(name: str, results: list[float | None], wall: float) -> dict[str, float]:
    ok = sorted(x for x in results if x is not None)
    failed = len(results) - len(ok)
    if not ok:
        raise SystemExit(f"{name}: no request was answered")

    def rank(q: float) -> float:  # nearest-rank percentile, ms
        return ok[max(0, math.ceil(q * len(ok)) - 1)] * 1000

    p = {
        "p50": statistics.median(ok) * 1000,
        "p99": rank(0.99),
        "max": ok[-1] * 1000,
        "failed": failed,
        # a failed request is not acknowledged, however fast it failed
        "within_3s": sum(1 for x in ok if x < SLACK_ACK_S) / len(results) * 100,
    }
    print(
        f"{name:>14}: p50 {p['p50']:6.1f} ms  p99 {p['p99']:6.1f} ms  max {p['max']:6.1f} ms  "
        f"acked within 3 s: {p['within_3s']:.1f}%  failed: {failed}  "
        f"({len(results) / wall:.0f} req/s)"
    )
    return p


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--serve", choices=("bare", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "bare":
        serve_bare(args.port, args.api_url)
        return
    if args.serve == "raw":
        serve_raw(args.port)
        return

    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores "
        f"({_cpu_model()}), Python {platform.python_version()}"
    )
    print(
        f"{args.requests} signed `/maturity help`, {args.concurrency} in flight "
        f"(keep-alive connections)"
    )
    with SlackStandIn(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SLACK_APP_TOKEN", None)
        me = [sys.executable, __file__]
        servers: dict[str, Callable[[int], list[str]]] = {
            "maturity-bot": lambda port: [
                *(sys.executable, "-m", "bot.cli", "serve", "--http"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            "bare Bolt": lambda port: [
                *(*me, "--serve", "bare", "--port", str(port), "--api-url", standin.api_url)
            ],
            "gunicorn alone": lambda port: [*me, "--serve", "raw", "--port", str(port)],
        }
        results = {}
        for name, cmd_for in servers.items():
            port = _free_port()
            proc = _start(cmd_for(port), env, port, tmp)
            try:
                lat, wall = asyncio.run(
                    _fire(port, args.requests, args.concurrency, standin.response_url("bench"))
                )
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            results[name] = _summary(name, lat, wall)
    bot, bare = results["maturity-bot"], results["bare Bolt"]
    p50_ratio, p99_ratio = bot["p50"] / bare["p50"], bot["p99"] / bare["p99"]
    print(f"ratio maturity-bot / bare Bolt: p50 {p50_ratio:.2f}x  p99 {p99_ratio:.2f}x")
    for goal, met in (
        ("100% acknowledged within 3 s", bot["within_3s"] == 100.0),
        (f"p99 < {P99_GOAL_MS:.0f} ms", bot["p99"] < P99_GOAL_MS),
        (f"p99 within {RATIO_GOAL}x of bare Bolt", p99_ratio <= RATIO_GOAL),
    ):
        print(f"  goal {goal}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
