"""The store interface every service writes and reads through; the backends (sqlite, postgres) subclass it.

Its values live in `records`, the shared SQL and the `Dialect` in `sql`, one transaction's work in
`transaction`; they are named here too because dozens of modules import them from this one place.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from jobdating.eventstore.records import ConcurrencyConflict, NewEvent, ParkedEvent, StoredEvent
from jobdating.eventstore.sql import (
    COLUMNS,
    INSERT_EVENT,
    LOG_ROWS_SQL,
    SCHEMA,
    Cursor,
    Dialect,
    EventRow,
    LogRow,
    conflict_of,
    stored_event,
)
from jobdating.eventstore.transaction import Transaction

if TYPE_CHECKING:
    from jobdating.eventstore.group_commit import GroupCommitter

__all__ = [
    "INSERT_EVENT",
    "LOG_ROWS_SQL",
    "ConcurrencyConflict",
    "Cursor",
    "Dialect",
    "EventRow",
    "EventStore",
    "LogRow",
    "NewEvent",
    "ParkedEvent",
    "StoredEvent",
    "T",
    "Transaction",
    "conflict_of",
]

T = TypeVar("T")


class EventStore(abc.ABC):
    """A service's system of record. Subclasses supply a connection and a dialect; the SQL is shared."""

    dialect: Dialect
    _group: GroupCommitter
    """Runs `write` and `write_async`: set by each backend, on a connection of its own."""

    @abc.abstractmethod
    def _connection(self) -> Any:
        """The DB-API connection this store writes with."""

    @abc.abstractmethod
    def _begin(self, cur: Cursor) -> None:
        """Start a write transaction."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def migrate(self) -> None:
        """Create the store's tables if they do not exist."""
        with self.transaction() as tx:
            for ddl in SCHEMA:
                tx.execute(
                    ddl.format(
                        position_column=self.dialect.position_column,
                        blob_type=self.dialect.blob_type,
                    )
                )
            tx.execute("CREATE INDEX IF NOT EXISTS events_type ON events (event_type)")

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A transaction that commits on success and rolls back on any exception."""
        conn = self._connection()
        cur = conn.cursor()
        self._begin(cur)
        try:
            tx = Transaction(cur, self.dialect)
            yield tx
            tx.flush()
            conn.commit()
        except BaseException:
            # Also when the commit itself failed: the connection must not stay in a dead transaction.
            conn.rollback()
            raise
        finally:
            cur.close()
        for callback in tx.take_on_commit():
            callback()

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Relaxed durability for transactions that refill derived tables (a rebuild, a replay), on the
        calling thread; everything they committed is durable once the block is left.

        A rebuild's batches need not be durable one by one: after a crash the rebuild runs again. This
        backend keeps them as durable as any write."""
        yield

    @abc.abstractmethod
    def scrub(self, tables: Sequence[str]) -> None:
        """Make the rows just deleted or overwritten in `tables` unrecoverable from the store's files (after
        an erasure committed): what the API forgot must not stay readable with `strings` on the disk.

        Called outside any transaction, after the commit; it may wait for readers and lock the tables
        briefly, which an erasure (rare) can afford."""

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in a write transaction and return its result once committed.

        Concurrent callers' work commits in one transaction (group commit: one fsync for many commands,
        see eventstore.group_commit); each caller's work stays all-or-nothing and sees the others' writes
        only if they commit together. On PostgreSQL the append lock is then taken once per group, not
        once per command.
        """
        result: T = self._group.run(work)
        return result

    async def write_async(self, work: Callable[[Transaction], T]) -> T:
        """`write` for a caller on an event loop, which goes on while the work waits for its commit.

        Every backend group-commits these: the works queued by the tasks of one loop turn share one
        transaction (each under its own savepoint) and one commit (see eventstore.group_commit).
        """
        result: T = await self._group.run_async(work)
        return result

    @property
    def group_commit(self) -> GroupCommitter:
        """The store's group committer (its `commits` and `writes` say how well writes share commits)."""
        return self._group

    def append(self, events: Sequence[NewEvent]) -> list[StoredEvent]:
        """Append events in a transaction of their own."""
        with self.transaction() as tx:
            return tx.append(events)

    def read_stream(self, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream, by version."""
        with self.transaction() as tx:
            return tx.read_stream(stream_id)

    def read_all(self, after: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events of the whole log after a position, in position order."""
        return self._select(
            f"SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?",
            (after, limit),
        )

    def read_bodies(self, after: int = 0, limit: int = 5000) -> list[tuple[int, bytes]]:
        """(position, envelope bytes) after a position: the lean read rebuilds and audits use."""
        return [
            (int(r[0]), self.dialect.to_bytes(r[1]))
            for r in self._raw(
                "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            )
        ]

    def read_log_rows(self, after: int = 0, limit: int = 5000) -> list[LogRow]:
        """(position, stream id, version, type, envelope bytes) after a position: rebuilds read the key
        columns the log keeps anyway instead of decoding them from the envelope."""
        return [
            (int(r[0]), str(r[1]), int(r[2]), str(r[3]), self.dialect.to_bytes(r[4]))
            for r in self._raw(LOG_ROWS_SQL, (after, limit))
        ]

    def iter_all(self, after: int = 0, batch: int = 5000) -> Iterator[StoredEvent]:
        """Every event of the log after a position, in batches (for rebuilds and audits)."""
        while True:
            rows = self.read_all(after, batch)
            if not rows:
                return
            yield from rows
            after = rows[-1].position

    def head(self) -> int:
        """The last position in the log (0 when empty)."""
        rows = self._raw("SELECT MAX(position) FROM events", ())
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def count(self) -> int:
        """How many events the log holds."""
        return int(self._raw("SELECT COUNT(*) FROM events", ())[0][0])

    def relay_position(self, relay: str) -> int:
        """How far a relay has published the log."""
        rows = self._raw("SELECT position FROM relay_positions WHERE relay = ?", (relay,))
        return int(rows[0][0]) if rows else 0

    def checkpoint(self, projection: str) -> int:
        """A projection's checkpoint."""
        rows = self._raw("SELECT position FROM checkpoints WHERE projection = ?", (projection,))
        return int(rows[0][0]) if rows else 0

    def parked(self, consumer: str | None = None) -> list[ParkedEvent]:
        """Events parked by one consumer, or by all."""
        sql = "SELECT consumer, event_id, subject, body, error, deliveries, parked_at FROM parked"
        params: tuple[Any, ...] = ()
        if consumer is not None:
            sql += " WHERE consumer = ?"
            params = (consumer,)
        return [
            ParkedEvent(
                consumer=r[0],
                event_id=r[1],
                subject=r[2],
                body=self.dialect.to_bytes(r[3]),
                error=r[4],
                deliveries=int(r[5]),
                parked_at=datetime.fromisoformat(r[6]),
            )
            for r in self._raw(sql + " ORDER BY parked_at", params)
        ]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """A read-only query of a projection's tables (`?` placeholders)."""
        return self._raw(sql, params)

    def _select(self, sql: str, params: Sequence[Any]) -> list[StoredEvent]:
        return [stored_event(r, self.dialect) for r in self._raw(sql, params)]

    def _raw(self, sql: str, params: Sequence[Any]) -> list[Any]:
        conn = self._connection()
        cur = conn.cursor()
        try:
            cur.execute(self.dialect.sql(sql), tuple(params))
            rows: list[Any] = cur.fetchall()
        finally:
            cur.close()
        conn.commit()  # end the read transaction so the next read sees new commits
        return rows
