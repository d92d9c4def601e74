"""Digest building and posting at scale: 5,000 teams in 1,000 channels.

Seeds a SQLite database (or DATABASE_URL) with 5,000 teams spread over 1,000 subscribed
channels, each team with 12 weeks of criterion history, check-ins and nudges, and every
other team with 12 weeks of deploy events (about 3 a week, as GitHub Actions sends). Then:

1. builds every channel's digest (queries + content + Block Kit), reporting wall time,
   SQL queries per channel (must be constant: no N+1) and peak Python memory;
2. posts a sample of channels through the real scheduler sender against the local Slack
   stand-in with Slack's 1 message/second/channel limit enforced, reporting throughput.

    .venv/bin/python bench/digest.py [--teams 5000] [--channels 1000] [--post 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.blocks.digest import parent_blocks, team_detail_blocks, to_dicts  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.scheduling.times import week_period  # noqa: E402
from bot.serve.runtime import build_sender  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.usecases.digest import build_for  # noqa: E402
from conversations.model import CRITERIA  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Assessment,
    CriterionEvent,
    EvidenceEvent,
    NudgeRecord,
    Schedule,
    Team,
    Workspace,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def seed(engine, teams: int, channels: int) -> int:
    rng = random.Random(7)
    with session_scope(engine) as s:
        ws = Workspace(slack_team_id="T0BENCH", name="bench")
        s.add(ws)
        s.flush()
        ws_id = ws.id
    team_rows = []
    for i in range(teams):
        channel = f"C{(i % channels):07d}"
        team_rows.append(
            {
                "workspace_id": ws_id,
                "name": f"team-{i}",
                "name_key": f"team-{i}",
                "channel_id": channel,
                "channel_key": None,
                "level": rng.randint(0, 4),
                "target_level": None,
                "created_by": "U0BENCH",
                "created_at": NOW - timedelta(days=120),
                "updated_at": NOW,
            }
        )
    with session_scope(engine) as s:
        s.execute(insert(Team), team_rows)
        ids = [t for (t,) in s.execute(Team.__table__.select().with_only_columns(Team.id))]
    events, assessments, nudges, deploys = [], [], [], []
    for n, team_id in enumerate(ids):
        for d in range(36 if n % 2 == 0 else 0):
            started = NOW - timedelta(hours=rng.randint(1, 12 * 7 * 24 - 1))
            deploys.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "kind": "deploy",
                    "external_id": f"run-{d}",
                    "service": "api",
                    "environment": "production",
                    "succeeded": rng.random() < 0.9,
                    "started_at": started,
                    "finished_at": started + timedelta(minutes=rng.randint(3, 30)),
                    "received_at": started,
                    "source": "github",
                }
            )
        for c in rng.sample(CRITERIA, 8):
            for _ in range(2):
                events.append(
                    {
                        "workspace_id": ws_id,
                        "team_id": team_id,
                        "criterion_id": c.id,
                        "status": rng.choice(["met", "not_met", "partly"]),
                        "value": None,
                        "evidence": "",
                        "source": "assessment",
                        "user_id": "U0BENCH",
                        "created_at": NOW - timedelta(days=rng.randint(0, 84)),
                    }
                )
        for weeks in (10, 2):
            assessments.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "user_id": "U0BENCH",
                    "status": "completed",
                    "answers": {},
                    "messages": {},
                    "version": 1,
                    "result_level": rng.randint(0, 4),
                    "started_at": NOW - timedelta(weeks=weeks),
                    "updated_at": NOW - timedelta(weeks=weeks),
                    "completed_at": NOW - timedelta(weeks=weeks),
                }
            )
        if rng.random() < 0.3:
            nudges.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "rule_id": "skip_level",
                    "source": "assessment",
                    "subject": "",
                    "created_at": NOW - timedelta(days=2),
                    "dismissed_by": "",
                }
            )
    schedules = [
        {
            "workspace_id": ws_id,
            "kind": "digest",
            "channel_id": f"C{c:07d}",
            "user_id": "U0BENCH",
            "tz": "UTC",
            "weekday": 0,
            "time_of_day": "09:00",
            "payload": {"teams": "channel"},
            "next_due_at": NOW,
            "active": True,
            "failure": "",
            "created_by": "U0BENCH",
            "created_at": NOW - timedelta(days=30),
            "updated_at": NOW,
        }
        for c in range(channels)
    ]
    with session_scope(engine) as s:
        s.execute(insert(CriterionEvent), events)
        s.execute(insert(Assessment), assessments)
        if nudges:
            s.execute(insert(NudgeRecord), nudges)
        if deploys:
            s.execute(insert(EvidenceEvent), deploys)
        s.execute(insert(Schedule), schedules)
    return ws_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=5000)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--post", type=int, default=100, help="channels to post (0: none)")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        ws_id = seed(engine, args.teams, args.channels)
        print(
            f"seeded {args.teams} teams in {args.channels} channels "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        queries: list[int] = []
        counter = {"n": 0}

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_a) -> None:
            counter["n"] += 1

        period = week_period(NOW, "UTC")

        def build_all() -> int:
            blocks = 0
            for c in range(args.channels):
                counter["n"] = 0
                with session_scope(engine) as s:
                    digest = build_for(s, ws_id, f"C{c:07d}", "channel", NOW, period)
                queries.append(counter["n"])
                rendered = to_dicts(parent_blocks(digest, title="Automation maturity"))
                for week in digest.teams:
                    rendered += to_dicts(team_detail_blocks(week))
                blocks += len(rendered)
            return blocks

        t0 = time.perf_counter()
        blocks_total = build_all()
        build_s = time.perf_counter() - t0
        # A second pass under tracemalloc for the memory peak (it slows Python down, so it
        # is kept out of the timing above).
        tracemalloc.start()
        build_all()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"built {args.channels} digests ({blocks_total} blocks) in {build_s:.2f} s "
            f"({build_s / args.channels * 1000:.1f} ms per channel)"
        )
        print(
            f"SQL statements per channel: min {min(queries)}, max {max(queries)}, "
            f"median {statistics.median(queries):.0f} (BEGIN included)"
        )
        print(f"peak traced Python memory while building: {peak / 2**20:.1f} MiB")

        if args.post:
            with SlackStandIn(bot_token="xoxb-standin") as standin:
                standin.rate_limit_per_channel(per_second=1.0)
                settings = load_settings(
                    slack_bot_token="xoxb-standin", slack_api_url=standin.api_url, database_url=url
                )
                sender = build_sender(settings, engine)
                sender.parallel = 64
                wanted = {f"C{c:07d}" for c in range(args.post)}
                t0 = time.perf_counter()
                reports = sender.send_due(now=NOW, where=lambda s: s.channel_id in wanted)
                post_s = time.perf_counter() - t0
                posts = standin.calls_to("chat.postMessage")
                limited = sum(1 for c in posts if c.status == 429)
                sent = sum(1 for r in reports if r.outcome == "sent")
                print(
                    f"posted {sent}/{len(wanted)} digests ({len(posts) - limited} messages, "
                    f"{len(standin.files())} charts) in {post_s:.1f} s; "
                    f"{limited} answered 429 by the stand-in's 1/s/channel limit"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
