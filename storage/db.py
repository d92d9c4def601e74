"""Engine and session setup for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with a generous ``busy_timeout``. A unit of work that writes
(:func:`session_scope`) starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, so
it can never fail half-way when it tries to upgrade a read lock (the classic "database is
locked" error under concurrent writers). A unit of work that only reads
(:func:`read_scope`) starts a deferred transaction: in WAL mode it reads a consistent
snapshot without waiting for any writer, so showing a board never queues behind a click.
PostgreSQL gets ``pool_pre_ping`` so connections dropped by a restart
or a load balancer are replaced transparently.

A database that stops answering must not hang the bot: on PostgreSQL every connection
attempt, every statement (on the server, ``statement_timeout``) and every wait for the
server's answer (on the client, :class:`BoundedConnection` — a network partition or a
stalled proxy is never noticed by the server) has a deadline, and a checkout from the pool
waits at most :data:`POOL_TIMEOUT_S`. The error that follows is answered "try again", and
the pool replaces the dead connection once the database is back.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 3  # libpq's minimum is 2
PG_STATEMENT_TIMEOUT_MS = 5_000
POOL_TIMEOUT_S = 3.0


def make_engine(url: str, *, echo: bool = False, bounded: bool = True) -> Engine:
    """The engine for ``url``. ``bounded=False`` (migrations) lifts the statement and answer
    deadlines: building an index on a large table may take longer than a request may."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_recycle=1800,
        pool_timeout=POOL_TIMEOUT_S,
        connect_args={
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS if bounded else 0}",
            # A peer that vanished without a reset is noticed by TCP too.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 3,
            "keepalives_count": 3,
        },
    )

    if not bounded:
        return engine
    from storage.pg import BoundedConnection  # psycopg is imported for PostgreSQL only

    @event.listens_for(engine, "do_connect")
    def _bounded(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return BoundedConnection.connect(*cargs, **cparams)

    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        reading = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")


_READ_ONLY = "maturity_bot_read_only"
_ENGINE = "maturity_bot_engine"


def is_read_only(session: Session) -> bool:
    """True inside :func:`read_scope`."""
    return bool(session.info.get(_READ_ONLY))


def engine_of(session: Session) -> Engine:
    """The engine a unit of work runs on (a read-only one's underlying engine), to open
    another unit of work beside it."""
    engine = session.info.get(_ENGINE)
    return engine if isinstance(engine, Engine) else session.get_bind().engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work that writes: commit on success, roll back on error, always close.

    On SQLite the threads of one process take turns for the write lock through a Python
    lock first: SQLite's own busy handler sleeps in growing steps and is not woken when
    the lock frees, which under a burst of clicks turns a 1 ms wait into hundreds.
    """
    with _writer_turn(engine):
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


_writer_locks: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "sqlite":
        yield
        return
    with _writer_locks_guard:
        lock = _writer_locks.setdefault(engine, threading.RLock())
    if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        )
    try:
        yield
    finally:
        lock.release()


class ReadOnlyError(RuntimeError):
    """A read-only unit of work tried to write (a bug: use ``session_scope``)."""


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work that only reads: no write lock on SQLite, nothing committed.

    Trying to write in it raises :class:`ReadOnlyError` at the flush, before anything is
    sent to the database.
    """
    session = Session(_reading(engine), expire_on_commit=False)
    session.info[_READ_ONLY] = True
    session.info[_ENGINE] = engine
    try:
        yield session
    finally:
        session.close()  # ends the transaction; what was read stays readable


_readers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _reading(engine: Engine) -> Engine:
    """``engine`` with the read-only option (one per engine, sharing its pool)."""
    reader = _readers.get(engine)
    if reader is None:
        reader = _readers.setdefault(engine, engine.execution_options(**{_READ_ONLY: True}))
    return reader


@event.listens_for(Session, "before_flush")
def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlyError("a read_scope() unit of work tried to write")


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except (SQLAlchemyError, OSError):
        return False
