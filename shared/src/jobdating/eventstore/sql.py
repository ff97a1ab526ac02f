"""What the two backends share: the tables, the SQL with `?` placeholders, the `Dialect` they differ by.

Tables (created by `EventStore.migrate`):
- events: the append-only log, unique (stream_id, stream_version): optimistic concurrency;
  `position` orders the whole log and is what the relay and rebuilds follow.
- relay_positions: how far each relay has published the log to JetStream (the outbox cursor).
- inbox: (consumer, event_id) already handled, written in the consumer's own transaction.
- checkpoints: a projection's position in the log or in the stream.
- parked: events a consumer gave up on after bounded retries, with the error, until re-driven.
- stream_owners: for each consumer, the organisation that opened each stream it heard of (the first event it
  accepted about it), written with the inbox row: the bus's trust rules (`jobdating.bus.trust`) read it.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, Protocol

from jobdating.contracts.envelope import Envelope, encode_envelope
from jobdating.eventstore.records import ConcurrencyConflict, StoredEvent


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


STREAM_VERSION = "(SELECT MAX(stream_version) FROM events WHERE stream_id = ?)"
"""A stream's version (NULL: no event yet) as a scalar subquery binding the stream id: a read of a command's
own may carry it, to learn in the same statement that the stream it opens is new (`UnitOfWork.new_stream`)."""


def conflict_of(row: EventRow) -> ConcurrencyConflict:
    """The conflict to raise when `row` could not be inserted: its stream moved on (or its event is in)."""
    return ConcurrencyConflict(row[2], row[3] - 1)


def event_row(env: Envelope) -> EventRow:
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
    defers_writes = False
    """Whether `Transaction.defer` holds a write back for the next statement (a round trip saved)."""

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

    def next_job(self, cur: Cursor, *, after_another: bool) -> None:
        """Open the savepoint of a group commit's next job (every job but a transaction's first has one);
        `after_another`: the job before it ran under a savepoint, released first. The commit releases the
        last one."""
        if after_another:
            cur.execute("RELEASE job")
        cur.execute("SAVEPOINT job")

    def executemany(self, cur: Cursor, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement written with `?` placeholders for many rows."""
        cur.executemany(self.sql(statement), rows)

    def insert_events_locked(self, cur: Cursor, rows: Sequence[EventRow]) -> list[int]:
        """`lock_appends`, then `insert_events`: a transaction's first append."""
        self.lock_appends(cur)
        return self.insert_events(cur, rows)

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
    """CREATE TABLE IF NOT EXISTS stream_owners (
        consumer TEXT NOT NULL, stream_type TEXT NOT NULL, stream_id TEXT NOT NULL, org TEXT NOT NULL,
        PRIMARY KEY (consumer, stream_type, stream_id)
    )""",
]

COLUMNS = "position, event_id, stream_type, stream_id, stream_version, event_type, body"
LogRow = tuple[int, str, int, str, bytes]
"""(position, stream id, stream version, event type, envelope bytes): one event of the log, for rebuilds."""
LOG_ROWS_SQL = (
    "SELECT position, stream_id, stream_version, event_type, body FROM events "
    "WHERE position > ? ORDER BY position LIMIT ?"
)


def stored_event(row: Sequence[Any], dialect: Dialect) -> StoredEvent:
    """An events row read with `COLUMNS`, as the store hands it out."""
    return StoredEvent(
        position=int(row[0]),
        event_id=row[1],
        stream_type=row[2],
        stream_id=row[3],
        stream_version=int(row[4]),
        event_type=row[5],
        body=dialect.to_bytes(row[6]),
    )
