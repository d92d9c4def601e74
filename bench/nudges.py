"""The weekly nudge pass at scale: every rule over 5,000 teams (issue 14).

Seeds a SQLite database (or DATABASE_URL) with 5,000 teams, each with a full criteria
board (some of it confirmed long ago), two finished check-ins with context and culture
answers, a few runbook operations (some broken) and earlier nudges. Then:

1. evaluates every rule for every team, as the weekly pass does (state loaded in batch,
   rules, fingerprints against the cooldown), reporting wall time, SQL statements per team
   and peak Python memory;
2. runs the whole weekly pass once: the evaluation plus a message due (a ``nudges``
   schedule, under each team's lock) for every team with something new.

    .venv/bin/python bench/nudges.py [--teams 5000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.deps import Deps  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.usecases.nudge_delivery import teams_with_news, weekly_pass  # noqa: E402
from conversations.model import CRITERIA  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Assessment,
    CriterionStatus,
    NudgeRecord,
    RunbookOperation,
    Schedule,
    Team,
    Workspace,
)

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
NUMBERS = ["1", "2", "3", "4", "6", "10", "11", "49", "60", "250"]


def seed(engine, teams: int) -> int:
    rng = random.Random(14)
    with session_scope(engine) as s:
        ws = Workspace(slack_team_id="T0BENCH", name="bench")
        s.add(ws)
        s.flush()
        ws_id = ws.id
    rows = [
        {
            "workspace_id": ws_id,
            "name": f"team-{i}",
            "name_key": f"team-{i}",
            "channel_id": f"C{i:07d}",
            "channel_key": f"C{i:07d}",
            "level": None,
            "target_level": rng.choice([None, None, 2, 3, 4, 5]),
            "owners": [],
            "created_by": "U0BENCH",
            "created_at": NOW - timedelta(days=200),
            "updated_at": NOW,
        }
        for i in range(teams)
    ]
    with session_scope(engine) as s:
        s.execute(insert(Team), rows)
        ids = [t for (t,) in s.execute(select(Team.id))]
    board, assessments, ops, nudges = [], [], [], []
    for team_id in ids:
        reach = rng.randint(0, 5)
        for c in CRITERIA:
            status = (
                "met" if c.step <= reach else rng.choice(["met", "not_met", "partly", "unknown"])
            )
            board.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "criterion_id": c.id,
                    "status": status,
                    "value": None,
                    "source": "assessment",
                    "updated_by": "U0BENCH",
                    "updated_at": NOW - timedelta(days=rng.choice([3, 30, 60, 120])),
                }
            )
        for weeks in (10, 2):
            answers = {
                "context.engineers": rng.choice(NUMBERS),
                "context.environments": rng.choice(NUMBERS),
                "context.services": rng.choice(NUMBERS),
                "context.deploys_per_day": rng.choice(NUMBERS),
                "context.strict_sla": rng.choice(["yes", "no", "skip"]),
                "context.needs_24x7": rng.choice(["yes", "no"]),
                "culture.blameless_reviews": rng.choice(["yes", "no", "partly"]),
            }
            assessments.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "user_id": "U0BENCH",
                    "status": "completed",
                    "answers": answers,
                    "messages": {},
                    "version": 1,
                    "result_level": reach,
                    "started_at": NOW - timedelta(weeks=weeks),
                    "updated_at": NOW - timedelta(weeks=weeks),
                    "completed_at": NOW - timedelta(weeks=weeks),
                }
            )
        for k in range(3):
            ops.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "title": f"operation {k}",
                    "title_key": f"operation {k}",
                    "section": "",
                    "section_key": "",
                    "frequency": "weekly",
                    "minutes": 20,
                    "minutes_guessed": False,
                    "scripted": k == 0,
                    "script_url": "",
                    "owner": "",
                    "broken_fails": rng.random() < 0.2,
                    "broken_differs": False,
                    "broken_note": "",
                    "keep_manual_reason": "",
                    "source": "",
                    "created_by": "U0BENCH",
                    "version": 0,
                    "created_at": NOW - timedelta(days=90),
                    "updated_at": NOW - timedelta(days=90),
                }
            )
        if rng.random() < 0.5:
            nudges.append(
                {
                    "workspace_id": ws_id,
                    "team_id": team_id,
                    "rule_id": "ready_to_advance",
                    "source": "channel",
                    "subject": "",
                    "created_at": NOW - timedelta(days=5),
                    "dismissed_by": "",
                    "fingerprint": f"ready_to_advance:into{min(reach + 1, 5)}",
                    "outcome": "",
                    "reason": "",
                    "channel_id": "",
                    "message_ts": "1.0",
                }
            )
    with session_scope(engine) as s:
        s.execute(insert(CriterionStatus), board)
        s.execute(insert(Assessment), assessments)
        s.execute(insert(RunbookOperation), ops)
        if nudges:
            s.execute(insert(NudgeRecord), nudges)
    return ws_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=5000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        ws_id = seed(engine, args.teams)
        print(f"seeded {args.teams} teams in {time.perf_counter() - t0:.1f} s")
        settings = load_settings(slack_bot_token="xoxb-bench", database_url=url)
        deps = Deps(settings=settings, engine=engine)

        counter = {"n": 0}

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_a) -> None:
            counter["n"] += 1

        t0 = time.perf_counter()
        news, looked = teams_with_news(deps, ws_id, now=NOW)
        eval_s = time.perf_counter() - t0
        eval_queries = counter["n"]
        tracemalloc.start()
        teams_with_news(deps, ws_id, now=NOW)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"evaluated every rule for {looked} teams in {eval_s:.2f} s "
            f"({eval_s / looked * 1000:.2f} ms per team); {len(news)} teams have news"
        )
        print(
            f"SQL statements: {eval_queries} in all, {eval_queries / looked:.4f} per team "
            "(BEGIN included)"
        )
        print(f"peak traced Python memory while evaluating: {peak / 2**20:.1f} MiB")

        counter["n"] = 0
        t0 = time.perf_counter()
        with_news, _ = weekly_pass(deps, now=NOW)
        pass_s = time.perf_counter() - t0
        with session_scope(engine) as s:
            due = s.execute(
                select(func.count()).select_from(Schedule).where(Schedule.kind == "nudges")
            ).scalar_one()
        print(
            f"whole weekly pass (evaluate, then a message due per team with news, under its "
            f"lock): {pass_s:.2f} s, {counter['n']} SQL statements "
            f"({counter['n'] / looked:.1f} per team); {due} messages due for {with_news} teams"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
