from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect
from sqlmodel import SQLModel, select

from storage.criteria import criteria_board, criterion_history
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import RunbookOperation, Team
from storage.slack_stores import store_metadata

SCRIPTED = "scripted.ops_80pct"

TABLES = {
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
    "workspaces",
    "teams",
    "assessments",
    "criterion_statuses",
    "criterion_events",
    "processed_events",
    "nudges",
    "schedules",
    "claims",
    "runbook_operations",
    "runbook_imports",
}


def test_migrations_apply_from_empty_and_match_the_models(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            target = [SQLModel.metadata, *store_metadata()]
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "target_metadata": target}
            )
            diff = compare_metadata(ctx, target)
        assert diff == [], f"models and migrations disagree; autogenerate would emit: {diff}"
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is not None
    finally:
        engine.dispose()


def _at(engine, when: datetime) -> datetime:
    """A UTC time as the database took it before 0006 (SQLite keeps it naive)."""
    return when.replace(tzinfo=None) if engine.dialect.name == "sqlite" else when


def test_0006_gives_the_answers_the_runbook_overwrote_back_and_marks_guessed_minutes(
    db_url: str,
) -> None:
    upgrade(db_url, "0005")
    engine = make_engine(db_url)
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    try:
        meta = MetaData()
        tables = {
            name: Table(name, meta, autoload_with=engine)
            for name in (
                "workspaces",
                "teams",
                "criterion_statuses",
                "criterion_events",
                "runbook_operations",
            )
        }
        with engine.begin() as conn:
            ws = conn.execute(
                tables["workspaces"]
                .insert()
                .values(slack_team_id="T1", enterprise_id="", name="", created_at=_at(engine, t0))
                .returning(tables["workspaces"].c.id)
            ).scalar_one()
            teams = {}
            for name in ("answered", "runbook only", "echoed", "person"):
                teams[name] = conn.execute(
                    tables["teams"]
                    .insert()
                    .values(
                        workspace_id=ws,
                        name=name,
                        name_key=name,
                        created_by="U1",
                        created_at=_at(engine, t0),
                        updated_at=_at(engine, t0),
                    )
                    .returning(tables["teams"].c.id)
                ).scalar_one()
            events = [  # (team, source, status, value, day)
                ("answered", "assessment", "met", 90.0, 1),
                ("answered", "runbook", "not_met", 0.0, 2),
                ("runbook only", "runbook", "not_met", 0.0, 2),
                ("echoed", "assessment", "met", 90.0, 1),
                ("echoed", "runbook", "not_met", 0.0, 2),
                ("person", "runbook", "not_met", 0.0, 1),
                ("person", "assessment", "partly", 65.0, 2),
            ]
            for team, source, status, value, day in events:
                conn.execute(
                    tables["criterion_events"]
                    .insert()
                    .values(
                        workspace_id=ws,
                        team_id=teams[team],
                        criterion_id=SCRIPTED,
                        status=status,
                        value=value,
                        evidence="",
                        source=source,
                        user_id="U1",
                        created_at=_at(engine, t0 + timedelta(days=day)),
                    )
                )
            board_rows = {  # as the runbook left the board: 0 % (a check-in echoing it)
                "answered": ("runbook", "not_met", 0.0),
                "runbook only": ("runbook", "not_met", 0.0),
                "echoed": ("assessment", "not_met", 0.0),
                "person": ("assessment", "partly", 65.0),
            }
            for name, (source, status, value) in board_rows.items():
                conn.execute(
                    tables["criterion_statuses"]
                    .insert()
                    .values(
                        workspace_id=ws,
                        team_id=teams[name],
                        criterion_id=SCRIPTED,
                        status=status,
                        value=value,
                        source=source,
                        updated_by="U2",
                        updated_at=_at(engine, t0 + timedelta(days=3)),
                    )
                )
            for title, source, minutes, version in (
                ("Imported, untouched", "paste", 10, 0),  # the importer's guess
                ("Imported, edited", "url", 10, 3),  # someone saved it since
                ("Imported, timed", "message", 15, 0),  # its words said 15 min
                ("Typed", "command", 10, 0),  # a person typed 10m
            ):
                conn.execute(
                    tables["runbook_operations"]
                    .insert()
                    .values(
                        workspace_id=ws,
                        team_id=teams["answered"],
                        title=title,
                        title_key=title.lower(),
                        section="",
                        section_key="",
                        frequency="weekly",
                        minutes=minutes,
                        scripted=False,
                        script_url="",
                        owner="U1",
                        broken_fails=False,
                        broken_differs=False,
                        broken_note="",
                        keep_manual_reason="",
                        source=source,
                        created_by="U1",
                        version=version,
                        created_at=_at(engine, t0),
                        updated_at=_at(engine, t0),
                    )
                )
        upgrade(db_url)
        with session_scope(engine) as s:
            board = {
                name: criteria_board(session=s, workspace_id=ws, team_id=team).get(SCRIPTED)
                for name, team in teams.items()
            }
            for name in ("answered", "echoed"):
                back = board[name]
                assert back is not None
                assert (back.status, back.value, back.source, back.updated_by) == (
                    "met",
                    90.0,
                    "assessment",
                    "U1",
                )
                assert back.updated_at == t0 + timedelta(days=1)
            assert board["runbook only"] is None  # not answered yet, as before the runbook
            person = board["person"]  # a person's answer after the runbook's: untouched
            assert person is not None and (person.status, person.value) == ("partly", 65.0)
            history = criterion_history(
                session=s, workspace_id=ws, team_id=teams["answered"], criterion_id=SCRIPTED
            )
            assert [(h.source, h.status) for h in history][-1] == ("assessment", "met")
            assert "no longer stands in" in history[-1].evidence
            guessed = {o.title: o.minutes_guessed for o in s.exec(select(RunbookOperation)).all()}
            assert guessed == {
                "Imported, untouched": True,
                "Imported, edited": False,
                "Imported, timed": False,
                "Typed": False,
            }
            assert all(t.runbook_complete is None for t in s.exec(select(Team)).all())
    finally:
        engine.dispose()
