"""PostgreSQL backend: the same SQL; appends serialized by an advisory lock so readers never skip."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

import psycopg
import psycopg.errors
from psycopg import sql

from jobdating.eventstore.base import INSERT_EVENT, Cursor, Dialect, EventRow, EventStore, conflict_of
from jobdating.eventstore.connections import PerThreadConnections
from jobdating.eventstore.group_commit import GroupCommitter
from jobdating.eventstore.postgres_copy import COPY_FROM_ROWS, copy_insert, copy_rows

_EVENT_COLUMNS = ("event_id", "stream_type", "stream_id", "stream_version", "event_type", "body")
"""The columns `INSERT_EVENT` binds, in its order (an `EventRow`)."""
# Any constant works; it only has to be the same for every appender of this database.
_APPEND_LOCK = 0x6A6F6264  # "jobd"
_LOCKED_INSERT_EVENT = (
    # The lock's row feeds the insert: the row (and its identity position) exists only once the lock is
    # held. MATERIALIZED, so the planner cannot fold away a call whose value nothing reads.
    "WITH appends AS MATERIALIZED (SELECT pg_advisory_xact_lock(?)) "
    "INSERT INTO events (event_id, stream_type, stream_id, stream_version, event_type, body) "
    "SELECT ?::text, ?::text, ?::text, ?::integer, ?::text, ?::bytea FROM appends RETURNING position"
)


class PostgresDialect(Dialect):
    name = "postgresql"
    position_column = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    blob_type = "BYTEA"
    defers_writes = True

    def sql(self, statement: str) -> str:
        return _numbered(statement)

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def lock_appends(self, cur: Cursor) -> None:
        # A position is taken and committed while holding this lock, so positions become visible in
        # order: a reader following `position > checkpoint` cannot see 11 before 10 commits.
        cur.execute("SELECT pg_advisory_xact_lock($1)", (_APPEND_LOCK,))

    def next_job(self, cur: Cursor, *, after_another: bool) -> None:
        # One round trip for both (a simple query may hold several statements; never prepared).
        cur.execute("RELEASE job; SAVEPOINT job" if after_another else "SAVEPOINT job")

    def executemany(self, cur: Cursor, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        # A large batch of plain inserts goes through COPY (see postgres_copy); one row as a plain
        # statement (psycopg's executemany enters and leaves pipeline mode, which costs a registration's
        # single key row more client CPU than the insert itself); the rest as written.
        if len(rows) == 1:
            cur.execute(self.sql(statement), rows[0])
        elif not copy_insert(cast("psycopg.Cursor[Any]", cur), statement, rows):
            super().executemany(cur, statement, rows)

    def insert_events_locked(self, cur: Cursor, rows: Sequence[EventRow]) -> list[int]:
        """A command's one event and the append lock in one statement: most groups commit a command or
        two, and the lock was a statement of its own, a tenth of a registration's client CPU."""
        if len(rows) != 1:
            return super().insert_events_locked(cur, rows)
        try:
            cur.execute(self.sql(_LOCKED_INSERT_EVENT), (_APPEND_LOCK, *rows[0]))
        except Exception as exc:
            if self.is_unique_violation(exc):
                raise conflict_of(rows[0]) from exc
            raise
        (position,) = cur.fetchone()
        return [int(position)]

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


@lru_cache(maxsize=1024)
def _numbered(statement: str) -> str:
    """`?` placeholders as PostgreSQL's own `$1, $2, ...`, which psycopg's raw cursors send as they are.

    psycopg's default cursors parse each query for `%s` with a regular expression, and cache the result
    only for queries of at most 50 parameters: the import's look-up checks (500 values each) were parsed
    anew every time, 7 % of a PostgreSQL import's CPU. Here the translation is cached whatever its length."""
    parts = statement.split("?")
    numbered = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        numbered.append(f"${n}{part}")
    return "".join(numbered)


class PostgresEventStore(EventStore):
    """An event store in a PostgreSQL database; one connection per thread."""

    dialect = PostgresDialect()
    autocommit_reads = True
    """Each thread's connection runs a read alone (`query`, `read_all`, `relay_position`...) outside any
    transaction: psycopg would send BEGIN before it and the read COMMIT after it, three round trips for
    one (the relay reads twice or three times per batch it publishes). `transaction` begins its own."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._connections: PerThreadConnections[psycopg.Connection[Any]] = PerThreadConnections(
            # Raw cursors: the SQL goes out as `dialect.sql` wrote it (see `_numbered`), not parsed again.
            lambda: psycopg.connect(dsn, cursor_factory=psycopg.RawCursor, autocommit=self.autocommit_reads),
            usable=lambda conn: not conn.closed,
        )
        # Writes from an event loop group-commit on a connection of their own (see write_async).
        self._group = GroupCommitter(self._writer, self.dialect, self._begin)

    def _connection(self) -> psycopg.Connection[Any]:
        return self._connections.current()

    def _writer(self) -> psycopg.Connection[Any]:
        """The group committer's connection: it only runs transactions, which psycopg begins itself."""
        conn = self._connections.open()
        conn.autocommit = False
        return conn

    def _begin(self, cur: Any) -> None:
        # Out of autocommit, psycopg opens a transaction implicitly on the first statement.
        if cur.connection.autocommit:
            cur.execute("BEGIN")

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
