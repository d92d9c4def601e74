"""A psycopg connection with a deadline on every answer (see ``storage.db``)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pg_errors

# Longer than the server's statement timeout (storage.db): a slow query is ended by the
# server with a clear error first; this deadline is for a server that cannot answer at all.
PG_ANSWER_TIMEOUT_S = 6.0


class BoundedConnection(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection that waits at most :data:`PG_ANSWER_TIMEOUT_S` for any answer.

    psycopg waits for the server without a deadline unless given one; a server behind a
    partition never answers. Past the deadline the connection is closed (the pool then
    discards it) and an ``OperationalError`` raised, like any lost connection.
    """

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None:  # the caller set its own deadline and handles it
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=PG_ANSWER_TIMEOUT_S)
        except pg_errors._WaitTimeout:
            self.close()
            raise psycopg.OperationalError(
                f"the database did not answer within {PG_ANSWER_TIMEOUT_S:g} s"
            ) from None
