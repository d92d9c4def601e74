"""Recomputing a team's measured criteria from its evidence events.

Makes a fresh database with one team holding N events inside the window (by default
10,000: 80 % deploys — half from the deploy webhook, half from GitHub Actions, a tenth of
them failed, some with rollback and approval flags — and 20 % incidents), then times
``bot.usecases.evidence.remeasure`` — read the window's events, measure every criterion
and the deploy rate, keep the measurements, move the board, let the level follow — in one
unit of work, as every event, poll and hourly expiry sweep does. The first run moves the
board (history rows, a level change); the rest find it as they left it. Prints the timing
of each phase. Not a test: run it with

    .venv/bin/python bench/evidence.py [--events 10000] [--runs 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.usecases.evidence import remeasure  # noqa: E402
from conversations.evidence import GITHUB, WEBHOOK, Kind, measure_deploys  # noqa: E402
from storage.criteria import lock_team  # noqa: E402
from storage.db import make_engine, read_scope, session_scope  # noqa: E402
from storage.evidence import deploys_since, incidents_since  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import EvidenceEvent  # noqa: E402
from storage.types import utcnow  # noqa: E402
from storage.workspaces import ensure_channel_team, get_or_create_workspace  # noqa: E402

WINDOW = 14


def _seed(url: str, events: int) -> tuple[int, int]:
    upgrade(url)
    engine = make_engine(url)
    now = utcnow()
    span = timedelta(days=WINDOW) - timedelta(hours=1)
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T0BENCH")
        assert ws.id is not None
        team, _ = ensure_channel_team(
            session=s, workspace_id=ws.id, channel_id="C0BENCH", channel_name="bench", user_id="U0B"
        )
        assert team.id is not None
        rows = []
        for n in range(events):
            at = now - span * (n / events)
            if n % 5 == 4:
                rows.append(
                    EvidenceEvent(
                        workspace_id=ws.id,
                        team_id=team.id,
                        kind=Kind.INCIDENT,
                        external_id=f"INC-{n}",
                        service="api",
                        started_at=at,
                        finished_at=at + timedelta(minutes=20),
                        automatic=n % 3 != 0,
                    )
                )
                continue
            rows.append(
                EvidenceEvent(
                    workspace_id=ws.id,
                    team_id=team.id,
                    kind=Kind.DEPLOY,
                    external_id=f"run-{n}",
                    service="api",
                    environment="production" if n % 7 else "staging",
                    succeeded=n % 10 != 0,
                    started_at=at,
                    finished_at=at + timedelta(minutes=3 + n % 11),
                    automated_rollback=True if n % 97 == 0 else None,
                    approval_required=(n % 13 == 0) if n % 2 else None,
                    source=GITHUB if n % 2 else WEBHOOK,
                )
            )
        s.add_all(rows)
        return ws.id, team.id


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return (
        f"median {statistics.median(samples):7.1f} ms · p95 {p95:7.1f} ms · "
        f"min {samples[0]:7.1f} ms · max {samples[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        ws, team_id = _seed(url, args.events)
        seeded = time.perf_counter() - started
        engine = make_engine(url)
        reads: list[float] = []
        measures: list[float] = []
        whole: list[float] = []
        first = 0.0
        for i in range(args.runs + 1):
            since = utcnow() - timedelta(days=WINDOW)
            t0 = time.perf_counter()
            with read_scope(engine) as s:
                deploys = deploys_since(session=s, workspace_id=ws, team_id=team_id, since=since)
                incidents = incidents_since(
                    session=s, workspace_id=ws, team_id=team_id, since=since
                )
            t1 = time.perf_counter()
            measure_deploys(deploys, window_days=WINDOW)
            t2 = time.perf_counter()
            with session_scope(engine) as s:
                team = lock_team(session=s, workspace_id=ws, team_id=team_id)
                assert team is not None
                moved = remeasure(s, ws, team, window_days=WINDOW)
            t3 = time.perf_counter()
            if i == 0:
                first = (t3 - t2) * 1000
                assert moved, "the first remeasure moves the board"
                continue
            reads.append((t1 - t0) * 1000)
            measures.append((t2 - t1) * 1000)
            whole.append((t3 - t2) * 1000)
        engine.dispose()
    print(
        f"machine: {platform.machine()} · {platform.system()} · Python {platform.python_version()}"
    )
    print(f"cpus: {os.cpu_count()} · database: {url.split(':', 1)[0]}")
    print(
        f"events: {args.events} in the window ({len(deploys)} deploys, {len(incidents)} "
        f"incidents) · seeded in {seeded:.1f} s"
    )
    print(f"first remeasure (moves the board, level follows): {first:.1f} ms")
    print(f"remeasure, whole unit of work ({args.runs} runs): {_ms(whole)}")
    print(f"  of which reading the window's events:          {_ms(reads)}")
    print(f"  of which measuring the deploys (pure):          {_ms(measures)}")


if __name__ == "__main__":
    main()
