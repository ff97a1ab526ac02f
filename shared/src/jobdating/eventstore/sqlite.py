"""SQLite backend: one file per service, WAL, synchronous=FULL, one writer (BEGIN IMMEDIATE)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jobdating.eventstore.base import Cursor, Dialect, EventStore, T, Transaction
from jobdating.eventstore.group_commit import GroupCommitter


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


class SqliteEventStore(EventStore):
    """An event store in one SQLite file; one connection per thread, writes serialized by SQLite."""

    dialect = SqliteDialect()

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # The group committer writes on a connection of its own, used by whichever thread leads a group.
        self._group = GroupCommitter(self._open, self.dialect)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves so reads never hold a stale snapshot.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        # Statement journals (each group-commit SAVEPOINT) in memory: on disk, every command opened,
        # wrote and unlinked a temporary file.
        conn.execute("PRAGMA temp_store=MEMORY")
        with self._lock:
            self._all.append(conn)
        return conn

    def migrate(self) -> None:
        # WAL is a property of the file: set once here, not by every reader's connection (changing the
        # journal mode needs a lock a busy writer may hold).
        self._connection().execute("PRAGMA journal_mode=WAL")
        super().migrate()

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Group commit: concurrent callers share one transaction and one fsync (see group_commit)."""
        result: T = self._group.run(work)
        return result

    def read_bodies(self, after: int = 0, limit: int = 5000) -> list[tuple[int, bytes]]:
        # sqlite3 already returns (int, bytes) rows: handed over as they come, no copy per row.
        return self._raw(
            "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT ?", (after, limit)
        )

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
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
