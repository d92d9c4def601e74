"""Click-to-next-question latency under concurrent check-ins, at a real `serve --http`.

N people (default 20) each run a whole check-in at once against `maturity-bot serve --http`
(SQLite, one gunicorn worker) with the Web API pointed at the local Slack stand-in. For each
click we measure the time from sending the signed block_actions request to the stand-in
receiving the next question (or the result) in that person's DM: what a user waits for.
Also prints how many questions a level-0, level-2 and level-5 team is asked.

    .venv/bin/python bench/assess.py [--users 20] [--level 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.payloads import Actor  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.local.standin.driver import SlackUser, over_http  # noqa: E402
from conversations.assessment import questions_asked_for, team_at_level  # noqa: E402
from conversations.model import question  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-standin"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dm_posts(standin: SlackStandIn, dm: str) -> int:
    return sum(1 for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == dm)


def run_user(standin, base_url: str, n: int, level: int, out: list[float], errors: list) -> None:
    try:
        actor = Actor(
            user_id=f"U{n:05d}",
            team_id=standin.team_id,
            channel_id=f"C{n:05d}",
            channel_name=f"team-{n}",
        )
        user = SlackUser(standin, over_http(base_url, timeout=30), SECRET, actor)
        dm = standin.dm_channel_id(actor.user_id)
        user.command("assess")
        standin.wait_for(
            lambda c: c.method == "chat.postMessage" and c.params.get("channel") == dm,
            timeout=30,
            count=2,  # intro + first question
        )
        policy = team_at_level(level)
        while (qid := user.current_question()) is not None:
            value = policy(question(qid))
            seen = _dm_posts(standin, dm)
            t0 = time.time()
            if any(o.value == value for o in question(qid).options):
                user.click(qid, value)
            else:
                user.say(value)
            call = standin.wait_for(
                lambda c: c.method == "chat.postMessage" and c.params.get("channel") == dm,
                timeout=30,
                count=seen + 1,
            )
            out.append(call.at - t0)
    except Exception as exc:  # reported, not hidden
        errors.append(f"user {n}: {exc!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--level", type=int, default=2, help="level the simulated teams are at")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for level in (0, 2, 5):
        print(f"questions asked, level-{level} team: {questions_asked_for(team_at_level(level))}")

    with SlackStandIn(bot_token=TOKEN) as standin, tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
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
                "--no-scheduler",
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            latencies: list[float] = []
            errors: list[str] = []
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=run_user, args=(standin, base, n, args.level, latencies, errors)
                )
                for n in range(args.users)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    lat = sorted(latencies)
    print(
        f"{args.users} concurrent check-ins of level-{args.level} teams: "
        f"{len(lat)} clicks in {wall:.1f} s"
    )
    if lat:
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(
            f"click → next question: p50 {statistics.median(lat) * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
        )
    for e in errors:
        print("ERROR", e)


if __name__ == "__main__":
    main()
