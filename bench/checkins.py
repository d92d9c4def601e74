"""Sending a week's check-ins at scale: 5,000 teams with 3 owners each (15,000 DMs).

Seeds a SQLite database (or DATABASE_URL) with ``--teams`` teams, each with ``--owners``
owners (each owner owns one team), a board of a few criteria per team, two weeks of
board history, and one weekly ``checkin`` schedule per owner, all due at the same minute.
Then sends them through the real scheduler sender (claims, the check-in DM, its
follow-up schedule) against the local Slack stand-in, with Slack's 1 message/second/
channel limit enforced (each DM is its own channel), and reports:

- wall time and DMs a second;
- SQL statements per team and per owner (constant: no N+1 — ``min``/``max`` over each
  send, measured on the sending thread);
- peak Python memory (tracemalloc, on a second, smaller pass so the timing is honest)
  and the process's peak RSS.

    .venv/bin/python bench/checkins.py [--teams 5000] [--owners 3] [--parallel 32]
    .venv/bin/python bench/checkins.py --teams 50          # a quick check that it works
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from sqlmodel import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.standin import SlackStandIn  # noqa: E402
from bot.scheduling.scheduler import Sender  # noqa: E402
from bot.serve.runtime import build_sender  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from conversations.model import CRITERIA  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    CriterionEvent,
    CriterionStatus,
    Schedule,
    ScheduleKind,
    Team,
    Workspace,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin


def seed(engine, teams: int, owners: int, first: int = 0) -> int:
    """``teams`` teams (numbered from ``first``), ``owners`` owners each, boards, history
    and schedules; the workspace id."""
    rng = random.Random(13 + first)
    with session_scope(engine) as s:
        ws = s.exec(select(Workspace).where(Workspace.slack_team_id == "T0STANDIN")).first()
        if ws is None:
            ws = Workspace(slack_team_id="T0STANDIN", name="bench")
            s.add(ws)
            s.flush()
        ws_id = ws.id
    team_rows = []
    for i in range(first, first + teams):
        team_rows.append(
            {
                "workspace_id": ws_id,
                "name": f"team-{i}",
                "name_key": f"team-{i}",
                "channel_id": f"C{i:08d}",
                "channel_key": f"C{i:08d}",
                "level": None,
                "target_level": None,
                "owners": [f"U{i:07d}{o}" for o in range(owners)],
                "created_by": f"U{i:07d}0",
                "created_at": NOW - timedelta(days=120),
                "updated_at": NOW,
            }
        )
    with session_scope(engine) as s:
        s.execute(insert(Team), team_rows)
        ids = [
            (t, o)
            for (t, o) in s.execute(
                Team.__table__.select()
                .with_only_columns(Team.id, Team.owners)
                .where(Team.name_key.in_([r["name_key"] for r in team_rows]))
            )
        ]
    statuses, events, schedules = [], [], []
    for team_id, team_owners in ids:
        for c in rng.sample(CRITERIA, 5):
            status = rng.choice(["met", "not_met", "partly"])
            at = NOW - timedelta(days=rng.randint(1, 200))
            statuses.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "criterion_id": c.id,
                    "status": status,
                    "value": None,
                    "source": "board",
                    "updated_by": team_owners[0],
                    "updated_at": at,
                }
            )
            events.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "criterion_id": c.id,
                    "status": status,
                    "value": None,
                    "evidence": "",
                    "source": "board",
                    "user_id": team_owners[0],
                    "created_at": NOW - timedelta(days=rng.randint(0, 14)),
                    "note": "",
                    "link": "",
                }
            )
        for owner in team_owners:
            schedules.append(
                {
                    "workspace_id": ws_id,
                    "kind": ScheduleKind.CHECKIN,
                    "channel_id": f"C{team_id:08d}",
                    "user_id": owner,
                    "tz": "Europe/Berlin",
                    "weekday": 0,
                    "time_of_day": "10:00",
                    "payload": {"team_id": team_id, "own_zone": True},
                    "next_due_at": NOW,
                    "active": True,
                    "failure": "",
                    "created_by": owner,
                    "created_at": NOW - timedelta(days=30),
                    "updated_at": NOW - timedelta(days=30),
                }
            )
    with session_scope(engine) as s:
        s.execute(insert(CriterionStatus), statuses)
        s.execute(insert(CriterionEvent), events)
        s.execute(insert(Schedule), schedules)
    return ws_id


class StatementCounter:
    """SQL statements per send, counted on the thread that runs it."""

    def __init__(self, engine) -> None:
        self.local = threading.local()
        self.per_send: list[int] = []
        self.total = 0
        self.lock = threading.Lock()

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_a) -> None:
            with self.lock:
                self.total += 1
            if getattr(self.local, "on", False):
                self.local.n += 1

    def wrap(self, sender: Sender) -> None:
        inner = sender.send_schedule

        def counted(schedule, now):
            self.local.on, self.local.n = True, 0
            try:
                return inner(schedule, now)
            finally:
                self.local.on = False
                with self.lock:
                    self.per_send.append(self.local.n)

        sender.send_schedule = counted  # type: ignore[method-assign]


def send_week(url: str, engine, standin: SlackStandIn, parallel: int, counter=None):
    settings = load_settings(
        slack_bot_token="xoxb-standin", slack_api_url=standin.api_url, database_url=url
    )
    sender = build_sender(settings, engine)
    sender.parallel = parallel
    if counter is not None:
        counter.wrap(sender)
    t0 = time.perf_counter()
    reports = sender.send_due(now=NOW, kind=ScheduleKind.CHECKIN)
    return reports, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=5000)
    parser.add_argument("--owners", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=32, help="sender threads")
    parser.add_argument(
        "--memory-teams", type=int, default=200, help="teams in the tracemalloc pass"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        seed(engine, args.teams, args.owners)
        print(
            f"seeded {args.teams} teams x {args.owners} owners in {time.perf_counter() - t0:.1f} s"
        )
        counter = StatementCounter(engine)
        with SlackStandIn(bot_token="xoxb-standin") as standin:
            standin.rate_limit_per_channel(per_second=1.0)
            reports, took = send_week(url, engine, standin, args.parallel, counter)
            outcomes: dict[str, int] = defaultdict(int)
            for r in reports:
                outcomes[str(r.outcome)] += 1
            dms = [c for c in standin.calls_to("chat.postMessage") if c.status == 200]
            limited = sum(1 for c in standin.calls_to("chat.postMessage") if c.status == 429)
            owners = args.teams * args.owners
            print(
                f"sent {outcomes.get('sent', 0)}/{owners} check-ins ({len(dms)} DMs, "
                f"{limited} answered 429) in {took:.1f} s ({len(dms) / took:.0f} DMs/s); "
                f"outcomes: {dict(outcomes)}"
            )
            per = counter.per_send
            print(
                f"SQL statements per owner's send: min {min(per)}, max {max(per)}, median "
                f"{statistics.median(per):.0f}; per team: {counter.total / args.teams:.1f} "
                f"(all statements of the sweep, BEGIN included, / teams)"
            )
            # A second sweep finds nothing due: the claims and next due times moved on.
            again, _ = send_week(url, engine, standin, args.parallel)
            print(f"a second sweep of the same minute sent {len(again)} (exactly once)")
        # Memory: a separate, smaller week under tracemalloc (it slows Python down).
        with SlackStandIn(bot_token="xoxb-standin") as standin:
            small = min(args.memory_teams, args.teams)
            url2 = f"sqlite:///{tmp}/bench-mem.db"
            upgrade(url2)
            engine2 = make_engine(url2)
            seed(engine2, small, args.owners)
            tracemalloc.start()
            send_week(url2, engine2, standin, args.parallel)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            engine2.dispose()
        print(
            f"peak traced Python memory sending {small} teams x {args.owners}: "
            f"{peak / 2**20:.1f} MiB; process peak RSS: "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
