"""Shared fixtures: a fresh database per test, SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers tables)
from storage.db import make_engine

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_SKIP = "TEST_DATABASE_URL is not set: PostgreSQL-backed tests run in CI (.ci/run)"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'maturity-bot.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for this test, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP)
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"mb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    SQLModel.metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this clone (it holds Slack's own fixtures)")
    return SHARED


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    eng = make_engine(sqlite_url)
    SQLModel.metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    """Every test starts on real time (the shell's time travel moves the app's clock)."""
    from storage.types import reset_clock

    reset_clock()
    yield
    reset_clock()


@pytest.fixture(autouse=True)
def _fresh_people_cache() -> Iterator[None]:
    """users.info answers are cached per token and user; every test starts without them
    (the stand-in's token is the same in every test)."""
    from bot.slack import people

    people.forget()
    yield
    people.forget()
