"""Ack latency of `/maturity help` at `serve --http`, against the framework's floor.

Sends N signed slash commands, C in flight, at a real `maturity-bot serve --http` process,
then the same at a bare Bolt app with one trivial listener on the same server stack
(gunicorn gthread via bot.server.run_wsgi), both against the local Slack stand-in.
Prints p50/p99/max for both and the ratio. Not a test: run it with

    .venv/bin/python bench/ack.py [--requests 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.payloads import Actor, sign, slash_command  # noqa: E402
from bot.standin import SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-standin"
USAGE_MARK = "/maturity assess"  # in every usage answer: proves the request was really served
SLACK_ACK_S = 3.0
P99_GOAL_MS = 300.0
RATIO_GOAL = 1.5


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_bare(port: int, api_url: str) -> None:
    """The floor: a Bolt app with one trivial listener, same gunicorn stack."""
    from slack_bolt import App

    from bot.server import build_wsgi, run_wsgi
    from bot.settings import load_settings
    from bot.slack_client import build_client

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


def _start(cmd: list[str], env: dict[str, str], port: int, cwd: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server on {port} did not start")


async def _fire(url: str, n: int, concurrency: int, response_url: str) -> list[float | None]:
    """Latency of each request in seconds; ``None`` for one that was not a usage answer."""
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float | None] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:

        async def one(i: int) -> None:
            body, ctype = slash_command(
                Actor(user_id=f"U{i:05d}"), "help", response_url=response_url
            )
            async with sem:
                headers = {"Content-Type": ctype, **sign(body, SECRET)}
                t0 = time.perf_counter()
                try:
                    r = await client.post(url, content=body.encode(), headers=headers)
                except httpx.HTTPError:
                    latencies.append(None)
                    return
                dt = time.perf_counter() - t0
            served = r.status_code == 200 and USAGE_MARK in r.text
            latencies.append(dt if served else None)

        # one warm-up request (auth.test, imports) outside the measurement
        await one(-1)
        if latencies != [latencies[0]] or latencies[0] is None:
            raise SystemExit(f"{url}: the warm-up request was not answered with usage")
        latencies.clear()
        await asyncio.gather(*(one(i) for i in range(n)))
    return latencies


def _summary(name: str, results: list[float | None]) -> dict[str, float]:
    ok = sorted(x for x in results if x is not None)
    failed = len(results) - len(ok)
    if not ok:
        raise SystemExit(f"{name}: no request was answered")

    def rank(q: float) -> float:  # nearest-rank percentile
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
        f"acked within 3 s: {p['within_3s']:.1f}%  failed: {failed}"
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
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, args.api_url)
        return

    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores "
        f"({_cpu_model()}), Python {platform.python_version()}"
    )
    print(f"{args.requests} signed `/maturity help`, {args.concurrency} in flight")
    with SlackStandIn(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SLACK_APP_TOKEN", None)
        servers = {
            "maturity-bot": lambda port: [
                *(sys.executable, "-m", "bot.cli", "serve", "--http"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            "bare Bolt": lambda port: [
                *(sys.executable, __file__, "--serve-bare", str(port)),
                *("--api-url", standin.api_url),
            ],
        }
        results = {}
        for name, cmd_for in servers.items():
            port = _free_port()
            proc = _start(cmd_for(port), env, port, tmp)
            try:
                lat = asyncio.run(
                    _fire(
                        f"http://127.0.0.1:{port}/slack/events",
                        args.requests,
                        args.concurrency,
                        standin.response_url("bench"),
                    )
                )
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            results[name] = _summary(name, lat)
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
