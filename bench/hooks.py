"""Evidence hook throughput and latency at a real `maturity-bot serve --http`.

Starts the server on a fresh SQLite database (the Slack side is the local stand-in), makes
a team and its hook token, then POSTs N deploy events (every id distinct, so each one is
kept and the team's criteria measured again) with C in flight, to `/hooks/deploys`.
Prints the answers by status, throughput and p50/p99/max latency. Not a test: run it with

    .venv/bin/python bench/hooks.py [--events 1000] [--concurrency 20] [--database-url URL]

Load model: closed loop, C threads each with a keep-alive httpx client and one request in
flight. The per-token rate limit is raised out of the way (HOOK_RATE_PER_MINUTE) so the
server's own cost is measured; every answer must be 202 or the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.standin import SlackStandIn  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.evidence import rotate_token  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.types import utcnow  # noqa: E402
from storage.workspaces import ensure_channel_team, get_or_create_workspace  # noqa: E402

BOT_TOKEN = "xoxb-standin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _team_token(url: str, slack_team_id: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        assert ws.id is not None
        team, _ = ensure_channel_team(
            session=s, workspace_id=ws.id, channel_id="C0BENCH", channel_name="bench", user_id="U0B"
        )
        assert team.id is not None
        token = rotate_token(session=s, workspace_id=ws.id, team_id=team.id, user_id="U0B")
    engine.dispose()
    return token


def _serve(url: str, api_url: str, port: int, cwd: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": url,
        "HOOK_RATE_PER_MINUTE": "1000000",
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--http", "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--no-scheduler"]
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("serve did not start")


def _event(n: int) -> bytes:
    finished = utcnow() - timedelta(minutes=n % 600)
    return json.dumps(
        {
            "id": f"bench-{n}",
            "service": f"svc-{n % 7}",
            "environment": "production" if n % 3 else "staging",
            "status": "success" if n % 10 else "failure",
            "started_at": (finished - timedelta(minutes=3 + n % 9)).isoformat(),
            "finished_at": finished.isoformat(),
            "automated_rollback": n % 50 == 0,
            "approval_required": n % 4 == 0,
        }
    ).encode()


def run(events: int, concurrency: int, url: str | None) -> int:
    with tempfile.TemporaryDirectory() as tmp, SlackStandIn(bot_token=BOT_TOKEN) as slack:
        db = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        token = _team_token(db, slack.team_id)
        port = _free_port()
        proc = _serve(db, slack.api_url, port, tmp)
        target = f"http://127.0.0.1:{port}/hooks/deploys"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bodies = [_event(n) for n in range(events)]
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        next_n = iter(range(events))

        def worker() -> None:
            with httpx.Client(timeout=30) as client:
                while True:
                    with lock:
                        n = next(next_n, None)
                    if n is None:
                        return
                    t0 = time.perf_counter()
                    status = client.post(target, content=bodies[n], headers=headers).status_code
                    elapsed = time.perf_counter() - t0
                    with lock:
                        latencies.append(elapsed)
                        statuses[status] += 1

        try:
            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(concurrency)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    print(f"database: {'SQLite (fresh file)' if url is None else url.split('@')[-1]}")
    print(f"events: {events}, in flight: {concurrency}, answers: {dict(statuses)}")
    print(f"throughput: {events / wall:.0f} events/s ({wall:.2f} s)")
    print(f"latency ms: p50 {statistics.median(ms):.1f}, p99 {p99:.1f}, max {ms[-1]:.1f}")
    return 0 if set(statuses) == {202} else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    return run(args.events, args.concurrency, args.database_url)


if __name__ == "__main__":
    raise SystemExit(main())
