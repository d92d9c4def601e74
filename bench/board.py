"""`/maturity board` and `/maturity set` against a team with a long history: how long Slack
waits for the acknowledgement, and how long the person waits for the answer.

A real `maturity-bot serve --http` (one gunicorn worker, `--no-scheduler`) talks to the
local Slack stand-in, on a fresh database (a SQLite file, or with --database-url a
PostgreSQL database created for the run and dropped afterwards) seeded with one team whose
board has every criterion set and whose history holds --history changes (default 10,000;
a level change every 100th). One person then types, one request at a time over one
keep-alive connection:

- `/maturity board` --requests times;
- `/maturity set cd.deploy_under_10min 7|14` --requests times, alternating — every one a
  real change that moves the team between Level 2 and Level 3 (the worst case: the change
  and its old value written, the level recomputed under the team's lock, the level change
  written down and its announcement made due);
- `/maturity history` --requests times (the first page: its count and keyset queries).

For each request: *ack*, from sending the signed slash command to its HTTP 200 (what Slack
waits for, 3 s at most); *done*, from sending it to the stand-in receiving the answer on the
response_url (what the person waits for). p50 / p99 (nearest rank) / max in ms. One
unmeasured round of each warms the server first. Not a test: run

    .venv/bin/python bench/board.py --requests 200
    .venv/bin/python bench/board.py --requests 200 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.assess import (  # noqa: E402
    SECRET,
    TOKEN,
    WAIT_S,
    _cpu_model,
    _database_label,
    _free_port,
    _start,
    _transport,
    fresh_database,
)
from bot.local.payloads import Actor  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.local.standin.driver import SlackUser  # noqa: E402
from bot.local.standin.records import RESPONSE_URL, RecordedCall  # noqa: E402
from conversations.model import CRITERIA  # noqa: E402

CHANNEL, USER = "C0BENCH", "U0BENCH"
DEPLOY = "cd.deploy_under_10min"


def seed(url: str, slack_team_id: str, history: int) -> None:
    """One team (its channel's, owned by the person measured): every criterion of levels
    1–3 met but the deploy time (so the team is at Level 2), the rest not met, and
    ``history`` changes behind it."""
    from conversations.scoring import Status
    from storage.criteria import record_criterion
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.models import CriterionEvent, LevelChange
    from storage.types import utcnow
    from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

    upgrade(url)
    engine = make_engine(url)
    start = utcnow() - timedelta(minutes=history + 10)
    with session_scope(engine) as session:
        ws = get_or_create_workspace(session=session, slack_team_id=slack_team_id)
        assert ws.id is not None
        team = get_or_create_channel_team(
            session=session,
            workspace_id=ws.id,
            channel_id=CHANNEL,
            channel_name="bench",
            user_id=USER,
        )
        assert team.id is not None
        team.level = 2
        session.add(team)
        rows: list[object] = []
        for i in range(history):
            c = CRITERIA[i % len(CRITERIA)]
            at = start + timedelta(minutes=i)
            rows.append(
                CriterionEvent(
                    workspace_id=ws.id,
                    team_id=team.id,
                    criterion_id=c.id,
                    status="met" if i % 2 else "not_met",
                    old_status="not_met" if i % 2 else "met",
                    source="board",
                    user_id=USER,
                    note="seeded for the benchmark",
                    created_at=at,
                )
            )
            if i % 100 == 99:
                rows.append(
                    LevelChange(
                        workspace_id=ws.id,
                        team_id=team.id,
                        from_level=2,
                        to_level=3,
                        user_id=USER,
                        source="board",
                        created_at=at,
                        announced_at=at,
                        outcome="posted",
                    )
                )
        session.add_all(rows)
        for c in CRITERIA:
            met = c.step <= 3 and c.id != DEPLOY
            record_criterion(
                session=session,
                workspace_id=ws.id,
                team_id=team.id,
                criterion_id=c.id,
                status=Status.MET if met else Status.NOT_MET,
                value=(85 if c.kind.value == "percent" else 30) if c.is_numeric else None,
                user_id=USER,
                source="board",
                at=start + timedelta(minutes=history + 1),
            )
    engine.dispose()


def _rank(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def _line(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: nothing measured"
    v = sorted(values)
    return (
        f"{label}: p50 {statistics.median(v) * 1000:7.1f}  p99 {_rank(v, 0.99):7.1f}  "
        f"max {v[-1] * 1000:7.1f} ms"
    )


def run(args: argparse.Namespace) -> None:
    with (
        SlackStandIn(bot_token=TOKEN) as standin,
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, tmp, "board") as url,
    ):
        t0 = time.perf_counter()
        seed(url, standin.team_id, args.history)
        print(f"seeded {args.history:,} history rows in {time.perf_counter() - t0:.1f} s")
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SLACK_APP_TOKEN", None)
        port = _free_port()
        command = [
            *(sys.executable, "-m", "bot.cli", "serve", "--http"),
            *("--host", "127.0.0.1", "--port", str(port), "--no-scheduler"),
        ]
        proc = _start(command, env, port, tmp)
        answers: queue.SimpleQueue[RecordedCall] = queue.SimpleQueue()

        def on_call(call: RecordedCall) -> None:
            if call.method == RESPONSE_URL:
                answers.put(call)

        unsubscribe = standin.subscribe(on_call)
        actor = Actor(
            user_id=USER, team_id=standin.team_id, channel_id=CHANNEL, channel_name="bench"
        )
        user = SlackUser(standin, _transport(port), SECRET, actor)
        failures: list[str] = []

        def once(text: str, acks: list[float], dones: list[float], expect: str) -> None:
            sent = time.time()
            answer = user.command(text)
            acked = time.time()
            if answer.status != 200:
                failures.append(f"{text}: HTTP {answer.status}")
                return
            try:
                call = answers.get(timeout=WAIT_S)
            except queue.Empty:
                failures.append(f"{text}: no answer within {WAIT_S:.0f} s")
                return
            said = str(call.params.get("text") or "")
            if expect not in said:
                failures.append(f"{text}: answered {said[:120]!r}")
            acks.append(acked - sent)
            dones.append(call.at - sent)

        plans = [
            ("board", lambda i: "board", "Criteria board"),
            ("set", lambda i: f"set {DEPLOY} {7 if i % 2 == 0 else 14}", "Set “A deploy"),
            ("history", lambda i: "history", "History of bench"),
        ]
        try:
            for _name, text, expect in plans:  # warm up: lazy imports, pools, auth.test
                once(text(1), [], [], expect)
                once(text(0), [], [], expect)
            results: dict[str, tuple[list[float], list[float]]] = {}
            gc.collect()
            gc.disable()
            for name, text, expect in plans:
                acks: list[float] = []
                dones: list[float] = []
                for i in range(args.requests):
                    once(text(i), acks, dones, expect)
                results[name] = (acks, dones)
        finally:
            gc.enable()
            unsubscribe()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    width = len("/maturity history done")
    for name, (acks, dones) in results.items():
        print(_line(f"/maturity {name} ack".rjust(width), acks))
        print(_line(f"/maturity {name} done".rjust(width), dones))
    print(f"requests: {args.requests} of each, one at a time; failures: {len(failures)}")
    for failure in failures[:10]:
        print(f"  FAILURE {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200, help="of each command")
    parser.add_argument("--history", type=int, default=10_000, help="changes in the history")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run on, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test (default: SQLite)",
    )
    args = parser.parse_args()
    if args.database_url and make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url takes a PostgreSQL URL (SQLite is the default)")
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores "
        f"({_cpu_model()}), Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"database: {_database_label(args.database_url)}")
    print(f"team history: {args.history:,} criterion changes (+ a level change every 100th)")
    run(args)


if __name__ == "__main__":
    main()
