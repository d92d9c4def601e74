"""Units of work: readers never queue behind a writer, a reader cannot write, and the
workspace of a request is looked up once per process."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.usecases.context import Where, forget_workspaces, workspace_id_for
from storage.db import ReadOnlyError, read_scope, session_scope
from storage.models import Workspace


def test_a_read_runs_while_a_writer_holds_the_lock(sqlite_engine) -> None:
    """On SQLite a writer holds the only write lock; a read must not wait for it (if it
    did, it would wait out the 15 s busy timeout and fail with "database is locked")."""
    with session_scope(sqlite_engine) as session:
        session.add(Workspace(slack_team_id="T1", enterprise_id=""))
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with session_scope(sqlite_engine) as session:
            session.add(Workspace(slack_team_id="T2", enterprise_id=""))
            session.flush()  # the write lock is held from BEGIN IMMEDIATE on
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(30)
        with read_scope(sqlite_engine) as session:
            seen = session.exec(select(Workspace.slack_team_id)).all()
        assert seen == ["T1"]  # the writer's row is not committed yet
    finally:
        release.set()
        thread.join(30)
    with read_scope(sqlite_engine) as session:
        assert sorted(session.exec(select(Workspace.slack_team_id)).all()) == ["T1", "T2"]


def test_a_reader_that_writes_fails_before_anything_is_sent(engine) -> None:
    with pytest.raises(ReadOnlyError), read_scope(engine) as session:
        session.add(Workspace(slack_team_id="T9", enterprise_id=""))
        session.flush()
    with read_scope(engine) as session:
        assert session.exec(select(Workspace)).all() == []


def test_the_workspace_is_resolved_once_then_remembered(engine) -> None:
    forget_workspaces()
    where = Where(slack_team_id="T0ONCE", enterprise_id=None, user_id="U1")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with session_scope(engine) as session:
        first = workspace_id_for(session, where)  # created here, remembered on commit
    before = len(statements)
    with read_scope(engine) as session:
        again = workspace_id_for(session, where)
    assert again == first
    assert len(statements) == before  # no query at all the second time


def test_a_workspace_first_seen_in_a_read_is_created_beside_it(engine) -> None:
    forget_workspaces()
    where = Where(slack_team_id="T0READ", enterprise_id="E1", user_id="U1")
    with read_scope(engine) as session:
        made = workspace_id_for(session, where)
    with read_scope(engine) as session:
        row = session.get(Workspace, made)
        assert row is not None and (row.slack_team_id, row.enterprise_id) == ("T0READ", "E1")


def test_a_workspace_created_in_a_rolled_back_unit_is_not_remembered(engine) -> None:
    forget_workspaces()
    where = Where(slack_team_id="T0GONE", enterprise_id=None, user_id="U1")
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        workspace_id_for(session, where)
        raise RuntimeError("the unit of work fails after resolving its workspace")
    with read_scope(engine) as session:
        assert (
            session.exec(select(Workspace).where(Workspace.slack_team_id == "T0GONE")).all() == []
        )
        made = workspace_id_for(session, where)  # created beside this read, not remembered
    with read_scope(engine) as session:
        assert session.get(Workspace, made) is not None
