"""Concurrent writers on one SQLite file never see "database is locked"."""

from __future__ import annotations

import threading

from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import CriterionEvent, Team, Workspace

THREADS = 8
WRITES = 200


def test_eight_threads_times_two_hundred_write_transactions(sqlite_engine) -> None:
    with session_scope(sqlite_engine) as session:
        ws = Workspace(slack_team_id="T1")
        session.add(ws)
        session.flush()
        team = Team(workspace_id=ws.id, name="Platform", name_key="platform")
        session.add(team)
        session.flush()
        ws_id, team_id = ws.id, team.id

    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def writer(n: int) -> None:
        barrier.wait()
        for i in range(WRITES):
            try:
                with session_scope(sqlite_engine) as session:
                    # Read first, then write: the pattern that fails on lock upgrade
                    # under SQLite's default deferred transactions.
                    session.exec(select(func.count()).select_from(CriterionEvent)).one()
                    session.add(
                        CriterionEvent(
                            workspace_id=ws_id,
                            team_id=team_id,
                            criterion_id=f"t{n}",
                            status="met",
                            value=float(i),
                        )
                    )
            except OperationalError as exc:  # "database is locked" would land here
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    with session_scope(sqlite_engine) as session:
        total = session.exec(select(func.count()).select_from(CriterionEvent)).one()
        per_thread = session.exec(
            select(CriterionEvent.criterion_id, func.count()).group_by(CriterionEvent.criterion_id)
        ).all()
    assert total == THREADS * WRITES
    assert sorted(per_thread) == [(f"t{n}", WRITES) for n in range(THREADS)]


def test_sqlite_runs_in_wal_mode_with_a_long_busy_timeout(sqlite_engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
