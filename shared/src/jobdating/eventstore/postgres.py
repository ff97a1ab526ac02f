"""PostgreSQL backend: the same SQL; appends serialized by an advisory lock so readers never skip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
import psycopg.errors
from psycopg import sql

from jobdating.eventstore.base import Cursor, Dialect, EventStore
from jobdating.eventstore.connections import PerThreadConnections
from jobdating.eventstore.group_commit import GroupCommitter

# Any constant works; it only has to be the same for every appender of this database.
_APPEND_LOCK = 0x6A6F6264  # "jobd"


class PostgresDialect(Dialect):
    name = "postgresql"
    position_column = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    blob_type = "BYTEA"

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def lock_appends(self, cur: Cursor) -> None:
        # A position is taken and committed while holding this lock, so positions become visible in
        # order: a reader following `position > checkpoint` cannot see 11 before 10 commits.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK,))


class PostgresEventStore(EventStore):
    """An event store in a PostgreSQL database; one connection per thread."""

    dialect = PostgresDialect()

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._connections: PerThreadConnections[psycopg.Connection[Any]] = PerThreadConnections(
            lambda: psycopg.connect(dsn), usable=lambda conn: not conn.closed
        )
        # Writes from an event loop group-commit on a connection of their own (see write_async).
        self._group = GroupCommitter(self._connections.open, self.dialect, self._begin)

    def _connection(self) -> psycopg.Connection[Any]:
        return self._connections.current()

    def _begin(self, cur: Any) -> None:
        # psycopg opens a transaction implicitly on the first statement.
        return None

    def scrub(self, tables: Sequence[str]) -> None:
        """A DELETE or an UPDATE leaves the old row in its page (a dead tuple) until VACUUM, and plain
        VACUUM only marks its space free: VACUUM FULL writes each table to a new file without it and drops
        the old one. The tables an erasure touches are small (keys, one row per person) and the lock is
        held for that copy only. VACUUM cannot run in a transaction: its own autocommit connection."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            for table in tables:
                conn.execute(sql.SQL("VACUUM (FULL, ANALYZE) {}").format(sql.Identifier(table)))

    def close(self) -> None:
        self._group.close()
        self._connections.close()
