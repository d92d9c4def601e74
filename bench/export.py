"""Export time and peak memory for a team with a long history (100,000 criterion changes).

Seeds one team with ``--rows`` criterion changes (many sharing a timestamp, as a finished
check-in writes them), plus check-ins and nudges, in a SQLite file (default) or the
PostgreSQL database given with ``--database-url`` (an empty one it may write to; the seeded
workspace is deleted again at the end). Then, for CSV and JSON:

1. **build**: the export written to a temporary file, streaming, exactly as
   ``/maturity export`` does (``bot.usecases.export.write``): wall time (best of
   ``--repeat``) and, in a separate pass under ``tracemalloc``, peak Python memory;
2. **end to end**: the use case itself — read, write, upload with ``files_upload_v2`` to
   the local Slack stand-in (same process: its copy of the upload counts too) — time and
   peak;
3. **whole in memory**, for comparison: the history loaded as ORM rows and dumped in one
   ``json.dumps``, as an export that did not stream would.

Peak RSS of the process (``ru_maxrss``) is printed at the end as a cross-check.

    .venv/bin/python bench/export.py [--rows 100000] [--database-url URL] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.deps import Deps  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.slack.client import build_client  # noqa: E402
from bot.usecases import export  # noqa: E402
from bot.usecases.context import Where, forget_workspaces  # noqa: E402
from conversations.model import CRITERIA  # noqa: E402
from storage.criteria import criterion_history  # noqa: E402
from storage.db import make_engine, read_scope, session_scope  # noqa: E402
from storage.export import export_teams  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Assessment, CriterionEvent, NudgeRecord, Team, Workspace  # noqa: E402
from storage.workspaces import purge_workspace  # noqa: E402

START = datetime(2024, 1, 1, 9, tzinfo=UTC)
TEAM = "Bench Platform"
BATCH = 5_000


def seed(engine: Any, slack_team_id: str, rows: int) -> tuple[int, int]:
    with session_scope(engine) as s:
        ws = Workspace(slack_team_id=slack_team_id, name="bench")
        s.add(ws)
        s.flush()
        assert ws.id is not None
        team = Team(
            workspace_id=ws.id,
            name=TEAM,
            name_key=TEAM.casefold(),
            channel_id="C0BENCH",
            created_by="U0BENCH",
            level=2,
        )
        s.add(team)
        s.flush()
        assert team.id is not None
        ws_id, team_id = ws.id, team.id
    criteria = [c.id for c in CRITERIA]
    statuses = ("met", "partly", "not_met")
    for first in range(0, rows, BATCH):
        batch = [
            {
                "workspace_id": ws_id,
                "team_id": team_id,
                "criterion_id": criteria[i % len(criteria)],
                "status": statuses[i % 3],
                "value": float(i % 100) if i % 5 == 0 else None,
                "evidence": f"change {i}: pipeline run, see the runbook" if i % 7 == 0 else "",
                "source": "board" if i % 2 else "assessment",
                "user_id": f"U0{i % 40:04d}",
                # 15 changes share each minute: a finished check-in writes them together.
                "created_at": START + timedelta(minutes=i // 15),
                "old_status": statuses[(i + 1) % 3],
                "old_value": None,
                "note": "why it moved" if i % 11 == 0 else "",
                "link": "",
            }
            for i in range(first, min(rows, first + BATCH))
        ]
        with session_scope(engine) as s:
            s.execute(insert(CriterionEvent.__table__), batch)  # type: ignore[attr-defined]
    with session_scope(engine) as s:
        for i in range(200):
            s.add(
                Assessment(
                    workspace_id=ws_id,
                    team_id=team_id,
                    user_id="U0BENCH",
                    status="completed",
                    answers={c: "yes" for c in criteria},
                    result_level=i % 6,
                    started_at=START + timedelta(days=i),
                    completed_at=START + timedelta(days=i, minutes=9),
                )
            )
        for i in range(1_000):
            s.add(
                NudgeRecord(
                    workspace_id=ws_id,
                    team_id=team_id,
                    rule_id="skip_level",
                    source="assessment",
                    subject=criteria[i % len(criteria)],
                    created_at=START + timedelta(hours=i),
                )
            )
    return ws_id, team_id


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_of(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def mib(n: float) -> str:
    return f"{n / 2**20:7.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        slack_team_id = f"T0BENCH{os.getpid()}"
        t0 = time.perf_counter()
        ws, team_id = seed(engine, slack_team_id, args.rows)
        seeded = time.perf_counter() - t0
        backend = engine.dialect.name
        print(
            f"maturity-bot export bench · {backend} · {platform.python_version()} · "
            f"{platform.machine()} · {os.cpu_count()} CPUs"
        )
        print(
            f"seeded {args.rows:,} criterion changes, 200 check-ins, 1,000 nudges "
            f"in {seeded:.1f} s\n"
        )

        def build(fmt: str) -> tuple[int, Any]:
            path = Path(tmp) / f"out.{fmt}"
            with read_scope(engine) as session:
                teams = export_teams(session=session, workspace_id=ws, team_id=team_id)
                with path.open("w", encoding="utf-8", newline="") as out:
                    counts = export.write(session, ws, teams, fmt, out, slack_team_id=slack_team_id)
            return path.stat().st_size, counts

        with SlackStandIn(bot_token="xoxb-bench", response_url_max_uses=None) as standin:
            settings = load_settings(
                slack_bot_token="xoxb-bench", slack_api_url=standin.api_url, database_url=url
            )
            deps = Deps(settings=settings, engine=engine)
            client = build_client(settings)
            where = Where(
                slack_team_id=slack_team_id,
                enterprise_id=None,
                user_id="U0BENCH",
                channel_id="C0BENCH",
                channel_name="bench",
            )

            def end_to_end(fmt: str) -> None:
                standin.reset()
                export.export(deps, client, where, TEAM, fmt)

            for fmt in ("csv", "json"):
                seconds, (size, counts) = timed(partial(build, fmt), args.repeat)
                build_peak = peak_of(partial(build, fmt))
                e2e_seconds, _ = timed(partial(end_to_end, fmt), args.repeat)
                e2e_peak = peak_of(partial(end_to_end, fmt))
                print(f"{fmt.upper():4} {counts.changes:,} changes · file {mib(size)}")
                print(f"     build (stream to file)   {seconds:6.2f} s   peak {mib(build_peak)}")
                print(f"     end to end with upload   {e2e_seconds:6.2f} s   peak {mib(e2e_peak)}")

        def whole_in_memory() -> int:
            with read_scope(engine) as session:
                rows = criterion_history(session=session, workspace_id=ws, team_id=team_id)
                text = json.dumps(
                    [
                        {
                            "at": r.created_at.isoformat(),
                            "criterion": r.criterion_id,
                            "status": r.status,
                            "value": r.value,
                            "evidence": r.evidence,
                        }
                        for r in rows
                    ]
                )
            return len(text)

        seconds, _ = timed(whole_in_memory, 1)
        print(
            f"\nfor comparison, whole history in memory (ORM rows + one json.dumps): "
            f"{seconds:.2f} s, peak {mib(peak_of(whole_in_memory)).strip()}"
        )
        scale = 1024 if sys.platform != "darwin" else 1
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
        print(f"process peak RSS: {mib(rss).strip()}")

        with session_scope(engine) as s:  # leave the database as it was
            purge_workspace(session=s, workspace_id=ws)
        forget_workspaces()
        engine.dispose()


if __name__ == "__main__":
    main()
