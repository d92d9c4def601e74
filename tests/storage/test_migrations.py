from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import upgrade
from storage.slack_stores import store_metadata

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
