"""PostgreSQL backend: the same SQL; appends serialized by an advisory lock so readers never skip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import psycopg
import psycopg.errors
from psycopg import sql

from jobdating.eventstore.base import INSERT_EVENT, Cursor, Dialect, EventRow, EventStore
from jobdating.eventstore.connections import PerThreadConnections
from jobdating.eventstore.group_commit import GroupCommitter
from jobdating.eventstore.postgres_copy import COPY_FROM_ROWS, copy_insert, copy_rows

_EVENT_COLUMNS = ("event_id", "stream_type", "stream_id", "stream_version", "event_type", "body")
"""The columns `INSERT_EVENT` binds, in its order (an `EventRow`)."""
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

    def executemany(self, cur: Cursor, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        # A large batch of plain inserts goes through COPY (see postgres_copy); the rest as written.
        if not copy_insert(cast("psycopg.Cursor[Any]", cur), statement, rows):
            super().executemany(cur, statement, rows)

    def insert_events(self, cur: Cursor, rows: Sequence[EventRow]) -> list[int]:
        """All the rows at once instead of a round trip each (a bulk import of 1,000 candidates per
        transaction paid 1,000 round trips to the server): a pipelined `executemany ... RETURNING`, or
        for a large batch COPY then one `INSERT ... SELECT ... RETURNING`, in the rows' order.

        The batch runs under a savepoint: on a unique violation it is rolled back and the rows are
        inserted one by one (`Dialect.insert_events`), which names the row in conflict exactly as before."""
        if len(rows) < 2:
            return super().insert_events(cur, rows)
        pg = cast("psycopg.Cursor[Any]", cur)  # this dialect's cursors are psycopg's
        pg.execute("SAVEPOINT insert_events")
        try:
            positions = self._positions(pg, rows)
        except Exception as exc:
            pg.execute("ROLLBACK TO SAVEPOINT insert_events")
            if self.is_unique_violation(exc):
                return super().insert_events(cur, rows)
            raise
        pg.execute("RELEASE SAVEPOINT insert_events")
        return positions

    def _positions(self, pg: psycopg.Cursor[Any], rows: Sequence[EventRow]) -> list[int]:
        if len(rows) >= COPY_FROM_ROWS:
            inserted = copy_rows(pg, "events", _EVENT_COLUMNS, rows, returning=("event_id", "position"))
            # Mapped by event id, not by the order RETURNING happens to give.
            position_of = {event_id: int(position) for event_id, position in inserted}
            return [position_of[row[0]] for row in rows]
        pg.executemany(self.sql(INSERT_EVENT + " RETURNING position"), rows, returning=True)
        positions: list[int] = []
        while True:
            (position,) = pg.fetchone()  # type: ignore[misc]  # one row per insert
            positions.append(int(position))
            if not pg.nextset():
                break
        return positions


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
