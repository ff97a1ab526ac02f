"""One store interface over DB-API connections; the two backends differ only in their `Dialect`.

Tables (created by `migrate`):
- events: the append-only log, unique (stream_id, stream_version): optimistic concurrency;
  `position` orders the whole log and is what the relay and rebuilds follow.
- relay_positions: how far each relay has published the log to JetStream (the outbox cursor).
- inbox: (consumer, event_id) already handled, written in the consumer's own transaction.
- checkpoints: a projection's position in the log or in the stream.
- parked: events a consumer gave up on after bounded retries, with the error, until re-driven.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import msgspec

from jobdating.contracts.envelope import Envelope, encode_envelope

if TYPE_CHECKING:
    from jobdating.eventstore.group_commit import GroupCommitter

T = TypeVar("T")


class ConcurrencyConflict(Exception):
    """Another writer appended to the stream first: reload, decide again, or report the conflict."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} moved past version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An envelope ready to append (its stream_version already set by the caller)."""

    envelope: Envelope


class StoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the log: position, routing columns and the envelope bytes exactly as published."""

    position: int
    event_id: str
    stream_type: str
    stream_id: str
    stream_version: int
    event_type: str
    body: bytes


class ParkedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event a consumer could not handle after its bounded retries."""

    consumer: str
    event_id: str
    subject: str
    body: bytes
    error: str
    deliveries: int
    parked_at: datetime


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...

    @property
    def rowcount(self) -> int: ...


EventRow = tuple[str, str, str, int, str, bytes]
"""(event_id, stream_type, stream_id, stream_version, event_type, body): what `INSERT_EVENT` binds."""
INSERT_EVENT = (
    "INSERT INTO events (event_id, stream_type, stream_id, stream_version, event_type, body) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def conflict_of(row: EventRow) -> ConcurrencyConflict:
    """The conflict to raise when `row` could not be inserted: its stream moved on (or its event is in)."""
    return ConcurrencyConflict(row[2], row[3] - 1)


def _event_row(env: Envelope) -> EventRow:
    return (
        env.event_id,
        env.stream_type,
        env.stream_id,
        env.stream_version,
        env.event_type,
        encode_envelope(env),
    )


class Dialect(abc.ABC):
    """What differs between SQLite and PostgreSQL; everything else is shared SQL with `?` placeholders."""

    name: str
    position_column: str
    blob_type: str

    @abc.abstractmethod
    def sql(self, statement: str) -> str:
        """Translate a statement written with `?` placeholders."""

    @abc.abstractmethod
    def is_unique_violation(self, exc: BaseException) -> bool:
        """Whether a driver error is a UNIQUE constraint violation."""

    @abc.abstractmethod
    def lock_appends(self, cur: Cursor) -> None:
        """Serialize appenders so that positions become visible in order (readers never skip one)."""

    def to_bytes(self, value: Any) -> bytes:
        return bytes(value)

    def insert_events(self, cur: Cursor, rows: Sequence[EventRow]) -> list[int]:
        """Insert rows into the log in order and return their positions.

        One INSERT ... RETURNING per row: each position is read from the database, which stays right
        whoever else appends (PostgreSQL's concurrent writers). A (stream_id, stream_version) or event id
        already taken raises ConcurrencyConflict naming that row's stream; the rows before it stay
        inserted, and the caller's transaction decides their fate."""
        sql = self.sql(INSERT_EVENT + " RETURNING position")
        positions: list[int] = []
        for row in rows:
            try:
                cur.execute(sql, row)
            except Exception as exc:
                if self.is_unique_violation(exc):
                    raise conflict_of(row) from exc
                raise
            (position,) = cur.fetchone()
            positions.append(int(position))
        return positions


SCHEMA = [
    """CREATE TABLE IF NOT EXISTS events (
        position {position_column},
        event_id TEXT NOT NULL UNIQUE,
        stream_type TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        stream_version INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        body {blob_type} NOT NULL,
        UNIQUE (stream_id, stream_version)
    )""",
    """CREATE TABLE IF NOT EXISTS relay_positions (
        relay TEXT PRIMARY KEY, position BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS inbox (
        consumer TEXT NOT NULL, event_id TEXT NOT NULL, handled_at TEXT NOT NULL,
        PRIMARY KEY (consumer, event_id)
    )""",
    """CREATE TABLE IF NOT EXISTS checkpoints (
        projection TEXT PRIMARY KEY, position BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS parked (
        consumer TEXT NOT NULL, event_id TEXT NOT NULL, subject TEXT NOT NULL,
        body {blob_type} NOT NULL, error TEXT NOT NULL, deliveries INTEGER NOT NULL,
        parked_at TEXT NOT NULL,
        PRIMARY KEY (consumer, event_id)
    )""",
]


class Transaction:
    """One database transaction: appends, inbox, checkpoints and a projection's own writes commit together."""

    def __init__(self, cur: Cursor, dialect: Dialect) -> None:
        self._cur = cur
        self._dialect = dialect
        self._locked = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run a statement of the caller's (a projection's table); `?` placeholders on both backends."""
        self._cur.execute(self._dialect.sql(sql), tuple(params))
        return self._cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows (projection rebuilds write in bulk)."""
        self._cur.executemany(self._dialect.sql(sql), rows)

    def append(self, events: Sequence[NewEvent]) -> list[StoredEvent]:
        """Append events; a (stream_id, stream_version) already taken raises ConcurrencyConflict."""
        if not self._locked:
            self._dialect.lock_appends(self._cur)
            self._locked = True
        rows = [_event_row(new.envelope) for new in events]
        positions = self._dialect.insert_events(self._cur, rows)
        return [
            StoredEvent(
                position=position,
                event_id=event_id,
                stream_type=stream_type,
                stream_id=stream_id,
                stream_version=stream_version,
                event_type=event_type,
                body=body,
            )
            for position, (event_id, stream_type, stream_id, stream_version, event_type, body) in zip(
                positions, rows, strict=True
            )
        ]

    def stream_version(self, stream_id: str) -> int:
        """The current version of a stream (0 when it has no event)."""
        self.execute("SELECT MAX(stream_version) FROM events WHERE stream_id = ?", (stream_id,))
        row = self._cur.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def read_stream(self, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream, by version."""
        self.execute(
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = ? ORDER BY stream_version",
            (stream_id,),
        )
        return [self._row(r) for r in self._cur.fetchall()]

    def seen(self, consumer: str, event_id: str) -> bool:
        """Whether this consumer already handled this event (its inbox)."""
        self.execute("SELECT 1 FROM inbox WHERE consumer = ? AND event_id = ?", (consumer, event_id))
        return self._cur.fetchone() is not None

    def mark_seen(self, consumer: str, event_id: str, at: datetime) -> None:
        """Record in the inbox that this consumer handled this event (same transaction as its effect)."""
        self.execute(
            "INSERT INTO inbox (consumer, event_id, handled_at) VALUES (?, ?, ?)",
            (consumer, event_id, at.isoformat()),
        )

    def set_checkpoint(self, projection: str, position: int) -> None:
        """Move a projection's checkpoint."""
        self.execute(
            "INSERT INTO checkpoints (projection, position) VALUES (?, ?) "
            "ON CONFLICT (projection) DO UPDATE SET position = excluded.position",
            (projection, position),
        )

    def checkpoint(self, projection: str) -> int:
        """A projection's checkpoint (0 when it never ran)."""
        self.execute("SELECT position FROM checkpoints WHERE projection = ?", (projection,))
        row = self._cur.fetchone()
        return int(row[0]) if row else 0

    def set_relay_position(self, relay: str, position: int) -> None:
        """Record that the relay has published everything up to `position`."""
        self.execute(
            "INSERT INTO relay_positions (relay, position) VALUES (?, ?) "
            "ON CONFLICT (relay) DO UPDATE SET position = excluded.position",
            (relay, position),
        )

    def park(self, parked: ParkedEvent) -> None:
        """Keep an event a consumer gave up on, with its error (a second park updates the row)."""
        self.execute(
            "INSERT INTO parked (consumer, event_id, subject, body, error, deliveries, parked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consumer, event_id) DO UPDATE SET "
            "error = excluded.error, deliveries = excluded.deliveries, parked_at = excluded.parked_at",
            (
                parked.consumer,
                parked.event_id,
                parked.subject,
                parked.body,
                parked.error,
                parked.deliveries,
                parked.parked_at.isoformat(),
            ),
        )

    def unpark(self, consumer: str, event_id: str) -> None:
        """Remove a parked event once it has been re-driven successfully."""
        self.execute("DELETE FROM parked WHERE consumer = ? AND event_id = ?", (consumer, event_id))

    def _row(self, r: Any) -> StoredEvent:
        return StoredEvent(
            position=int(r[0]),
            event_id=r[1],
            stream_type=r[2],
            stream_id=r[3],
            stream_version=int(r[4]),
            event_type=r[5],
            body=self._dialect.to_bytes(r[6]),
        )


_COLUMNS = "position, event_id, stream_type, stream_id, stream_version, event_type, body"
LogRow = tuple[int, str, int, str, bytes]
"""(position, stream id, stream version, event type, envelope bytes): one event of the log, for rebuilds."""
LOG_ROWS_SQL = (
    "SELECT position, stream_id, stream_version, event_type, body FROM events "
    "WHERE position > ? ORDER BY position LIMIT ?"
)


class EventStore(abc.ABC):
    """A service's system of record. Subclasses supply a connection and a dialect; the SQL is shared."""

    dialect: Dialect
    _group: GroupCommitter
    """Runs `write_async` (and, on SQLite, `write`): set by each backend, on a connection of its own."""

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
            yield Transaction(cur, self.dialect)
            conn.commit()
        except BaseException:
            # Also when the commit itself failed: the connection must not stay in a dead transaction.
            conn.rollback()
            raise
        finally:
            cur.close()

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

        A backend may commit several callers' work in one transaction (group commit: one fsync for many
        commands); each caller's work stays all-or-nothing and sees the others' writes only if they commit
        together.
        """
        with self.transaction() as tx:
            return work(tx)

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
            f"SELECT {_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?",
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
        return [
            StoredEvent(
                position=int(r[0]),
                event_id=r[1],
                stream_type=r[2],
                stream_id=r[3],
                stream_version=int(r[4]),
                event_type=r[5],
                body=self.dialect.to_bytes(r[6]),
            )
            for r in self._raw(sql, params)
        ]

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
