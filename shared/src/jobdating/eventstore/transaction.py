"""One database transaction of the store: appends, stream reads, inbox, checkpoints, relay, parking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from jobdating.eventstore.records import NewEvent, ParkedEvent, StoredEvent
from jobdating.eventstore.sql import COLUMNS, Cursor, Dialect, event_row, stored_event


class Transaction:
    """One database transaction: appends, inbox, checkpoints and a projection's own writes commit together."""

    def __init__(self, cur: Cursor, dialect: Dialect) -> None:
        self._cur = cur
        self._dialect = dialect
        self._locked = False
        self._deferred: list[tuple[str, Sequence[Any]]] = []
        self._on_commit: list[Callable[[], object]] = []

    @property
    def dialect(self) -> Dialect:
        """The backend's dialect, for a statement only one backend runs (PostgreSQL's CTEs that write)."""
        return self._dialect

    def rolled_back(self) -> None:
        """The work since a savepoint was rolled back: so were the locks it took (PostgreSQL releases an
        advisory lock taken after a savepoint at ROLLBACK TO), and the next append takes the append lock
        again instead of inserting without it. A deferred write not yet sent went with them."""
        self._locked = False
        self._deferred.clear()
        self._on_commit.clear()

    def on_commit(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the work is committed, in the caller's thread (on its loop for a task):
        what tells someone else of the work (a sender's wake-up) must not let them look before it is
        there. Dropped if the work is rolled back."""
        self._on_commit.append(callback)

    def take_on_commit(self) -> list[Callable[[], object]]:
        """The callbacks the work so far asked for, handed to whoever commits it."""
        taken, self._on_commit = self._on_commit, []
        return taken

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run a statement of the caller's (a projection's table); `?` placeholders on both backends."""
        if self._deferred:
            self.flush()
        self._cur.execute(self._dialect.sql(sql), tuple(params))
        return self._cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows (projection rebuilds write in bulk); none: nothing is sent."""
        if not rows:
            return
        if self._deferred:
            self.flush()
        self._dialect.executemany(self._cur, sql, rows)

    def defer(self, sql: str, params: Sequence[Any]) -> None:
        """An INSERT (`?` placeholders) that may wait for the next statement that takes it along
        (`execute_with_deferred`): on PostgreSQL, where each statement is a round trip and psycopg's
        client CPU, it then goes as a CTE of that statement. Any other statement sends it first, alone,
        and so does the end of the work (`flush`), so that nothing reads around it. On SQLite, at once."""
        if not self._dialect.defers_writes:
            self.execute(sql, params)
            return
        self._deferred.append((sql, tuple(params)))

    def execute_with_deferred(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """`execute` a statement that starts with SELECT, INSERT or WITH (not RECURSIVE) and reads none of
        the tables the deferred writes go to, with those writes as CTEs in front of it: data-modifying CTEs
        always run, once, but the statement would not see their rows."""
        if not self._deferred:
            return self.execute(sql, params)
        ctes = ", ".join(f"deferred{n} AS ({write})" for n, (write, _) in enumerate(self._deferred))
        deferred_params = [value for _, values in self._deferred for value in values]
        self._deferred.clear()
        if sql.startswith("WITH "):
            combined = f"WITH {ctes}, {sql.removeprefix('WITH ')}"
        else:
            combined = f"WITH {ctes} {sql}"
        return self.execute(combined, [*deferred_params, *params])

    def flush(self) -> None:
        """Send the deferred writes not yet sent, one statement each (the end of a job or a transaction)."""
        if not self._deferred:
            return
        deferred, self._deferred = self._deferred, []
        for sql, params in deferred:
            self._cur.execute(self._dialect.sql(sql), params)

    def append(self, events: Sequence[NewEvent]) -> list[StoredEvent]:
        """Append events; a (stream_id, stream_version) already taken raises ConcurrencyConflict."""
        if self._deferred:
            self.flush()
        rows = [event_row(new.envelope) for new in events]
        if self._locked:
            positions = self._dialect.insert_events(self._cur, rows)
        else:
            positions = self._dialect.insert_events_locked(self._cur, rows)
            self._locked = True
        # The appended rows as the log now holds them: their new positions first, as `COLUMNS` reads them.
        return [
            stored_event((position, *row), self._dialect)
            for position, row in zip(positions, rows, strict=True)
        ]

    def stream_version(self, stream_id: str) -> int:
        """The current version of a stream (0 when it has no event)."""
        self.execute("SELECT MAX(stream_version) FROM events WHERE stream_id = ?", (stream_id,))
        row = self._cur.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def read_stream(self, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream, by version."""
        self.execute(
            f"SELECT {COLUMNS} FROM events WHERE stream_id = ? ORDER BY stream_version",
            (stream_id,),
        )
        return [stored_event(r, self._dialect) for r in self._cur.fetchall()]

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

    def stream_owner(self, consumer: str, stream_type: str, stream_id: str) -> str | None:
        """The organisation that opened this stream, as far as this consumer heard (None: not heard of)."""
        self.execute(
            "SELECT org FROM stream_owners WHERE consumer = ? AND stream_type = ? AND stream_id = ?",
            (consumer, stream_type, stream_id),
        )
        row = self._cur.fetchone()
        return None if row is None else str(row[0])

    def set_stream_owner(self, consumer: str, stream_type: str, stream_id: str, org: str) -> None:
        """Record who opened a stream, unless this consumer already knows (same transaction as its inbox)."""
        self.execute(
            "INSERT INTO stream_owners (consumer, stream_type, stream_id, org) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (consumer, stream_type, stream_id) DO NOTHING",
            (consumer, stream_type, stream_id, org),
        )

    def set_checkpoint(self, projection: str, position: int) -> None:
        """Move a projection's checkpoint."""
        self._set_position("checkpoints", "projection", projection, position)

    def checkpoint(self, projection: str) -> int:
        """A projection's checkpoint (0 when it never ran)."""
        self.execute("SELECT position FROM checkpoints WHERE projection = ?", (projection,))
        row = self._cur.fetchone()
        return int(row[0]) if row else 0

    def set_relay_position(self, relay: str, position: int) -> None:
        """Record that the relay has published everything up to `position`."""
        self._set_position("relay_positions", "relay", relay, position)

    def _set_position(self, table: str, key: str, name: str, position: int) -> None:
        # `table` and `key` are this class's own constants, never a caller's value.
        self.execute(
            f"INSERT INTO {table} ({key}, position) VALUES (?, ?) "
            f"ON CONFLICT ({key}) DO UPDATE SET position = excluded.position",
            (name, position),
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
