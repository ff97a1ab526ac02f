"""SQLite backend: a file per service, WAL, synchronous=FULL, secure_delete, one writer (BEGIN IMMEDIATE)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jobdating.eventstore.base import (
    INSERT_EVENT,
    LOG_ROWS_SQL,
    Cursor,
    Dialect,
    EventRow,
    EventStore,
    LogRow,
    conflict_of,
)
from jobdating.eventstore.connections import PerThreadConnections
from jobdating.eventstore.group_commit import GroupCommitter

REBUILD_CHECKPOINT_PAGES = 100_000  # 400 MB of WAL at most, truncated when the rebuild ends
SCRUB_ATTEMPTS = 20  # a TRUNCATE checkpoint a reader kept from finishing is tried again, 0.1 s apart


class SqliteDialect(Dialect):
    name = "sqlite"
    position_column = "INTEGER PRIMARY KEY AUTOINCREMENT"
    blob_type = "BLOB"

    def sql(self, statement: str) -> str:
        return statement

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)

    def to_bytes(self, value: Any) -> bytes:
        # sqlite3 already returns BLOBs as bytes: no copy.
        return value  # type: ignore[no-any-return]

    def lock_appends(self, cur: Cursor) -> None:
        # BEGIN IMMEDIATE already holds the single write lock for the whole transaction.
        return None

    def insert_events(self, cur: Cursor, rows: Sequence[EventRow]) -> list[int]:
        """One `executemany` for all the rows instead of an INSERT ... RETURNING each: a bulk import of
        candidates spent about 7 % of its time in those statements.

        sqlite3 returns no RETURNING rows from `executemany`, and none are needed: this transaction holds
        the only write lock (BEGIN IMMEDIATE) and AUTOINCREMENT gives each insert the position after the
        largest ever used, so the rows take consecutive positions ending at `last_insert_rowid()`. On a
        unique violation, the rows inserted before it (counted by `total_changes()`) tell which row it was,
        so the conflict names the same stream as one INSERT per row would."""
        if not rows:
            return []
        before = _scalar(cur, "SELECT total_changes()")
        try:
            cur.executemany(INSERT_EVENT, rows)
        except Exception as exc:
            if self.is_unique_violation(exc):
                raise conflict_of(rows[_scalar(cur, "SELECT total_changes()") - before]) from exc
            raise
        last = _scalar(cur, "SELECT last_insert_rowid()")
        return list(range(last - len(rows) + 1, last + 1))


def _scalar(cur: Cursor, sql: str) -> int:
    cur.execute(sql)
    return int(cur.fetchone()[0])


class SqliteEventStore(EventStore):
    """An event store in one SQLite file; one connection per thread, writes serialized by SQLite."""

    dialect = SqliteDialect()

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = PerThreadConnections(self._open)
        # The group committer writes on a connection of its own, used by whichever thread leads a group.
        self._group = GroupCommitter(self._connections.open, self.dialect, self._begin)

    def _connection(self) -> sqlite3.Connection:
        return self._connections.current()

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves so reads never hold a stale snapshot.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        # Every connection zeroes what it deletes or overwrites (cells, freed pages): a deleted row's
        # bytes must not stay in the file's free space, whichever connection moved or freed them.
        conn.execute("PRAGMA secure_delete=ON")
        # Statement journals (each group-commit SAVEPOINT) in memory: on disk, every command opened,
        # wrote and unlinked a temporary file.
        conn.execute("PRAGMA temp_store=MEMORY")
        return conn

    def migrate(self) -> None:
        # WAL is a property of the file: set once here, not by every reader's connection (changing the
        # journal mode needs a lock a busy writer may hold).
        self._connection().execute("PRAGMA journal_mode=WAL")
        super().migrate()

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Rebuild batches commit without an fsync each: WAL with synchronous=NORMAL, where a crash of the
        machine may lose the last commits but never corrupts the file (so the log in the same file is safe),
        and with checkpoints every 100,000 pages instead of 1,000. A batch of a projection keyed by stream
        rewrites most of its pages, so each fsynced commit and each checkpoint wrote the table again: on a
        1,000,000-event tally, 1.4 GB of writes for a 65 MB table.

        Leaving the block restores both settings and checkpoints (TRUNCATE, which also gives the WAL's disk
        space back): the checkpoint syncs the WAL before copying it, which makes every commit of the block
        durable at once."""
        conn = self._connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA wal_autocheckpoint={REBUILD_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA wal_autocheckpoint=1000")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def scrub(self, tables: Sequence[str]) -> None:
        """secure_delete already zeroed the rows in their pages, but the WAL still holds the pages as they
        were before (the rows in clear) and the main file too until a checkpoint copies the new ones, which
        on an idle store can be never. A TRUNCATE checkpoint copies every page back and empties the WAL."""
        conn = self._connection()
        for _ in range(SCRUB_ATTEMPTS):
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.1)
        raise sqlite3.OperationalError(
            f"{self.path}: the WAL could not be checkpointed (readers kept it busy)"
        )

    def read_bodies(self, after: int = 0, limit: int = 5000) -> list[tuple[int, bytes]]:
        # sqlite3 already returns (int, bytes) rows: handed over as they come, no copy per row.
        return self._raw(
            "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT ?", (after, limit)
        )

    def read_log_rows(self, after: int = 0, limit: int = 5000) -> list[LogRow]:
        # sqlite3 already returns rows of exactly these types: handed over as they come.
        return self._raw(LOG_ROWS_SQL, (after, limit))

    def _begin(self, cur: Any) -> None:
        cur.execute("BEGIN IMMEDIATE")

    def _raw(self, sql: str, params: Any) -> list[Any]:
        cur = self._connection().execute(sql, tuple(params))
        try:
            return cur.fetchall()
        finally:
            cur.close()

    def close(self) -> None:
        self._group.close()
        self._connections.close()
