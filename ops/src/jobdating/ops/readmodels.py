"""What the operator's replay and audit know of each service's projections, and where they are rebuilt.

Each service keeps, next to its log, tables that follow its own events ("log projections"); each service's
`readmodel` module says which tables those are, how an event is applied to them, and how to ready an empty
store for them (`jobdating.eventstore.readmodel`). The other tables (facts kept from other services'
events, working state such as messages to send or provisional plans) are not rebuilt from the service's
log and are left alone.

A rebuild here goes into a scratch store held in memory, never on disk: registration's projections hold
personal data in clear, and a temporary file would outlive an erasure in the file system's free blocks.
The audit opens the live stores read-only (`LiveStore`, `PgLiveStore`).

A service's `readmodel` module is imported when its read model is asked for, not with this module.
"""

from __future__ import annotations

import hashlib
import importlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.eventstore.readmodel import ReadModel, Rows, canonical
from jobdating.eventstore.sqlite import SqliteEventStore

SERVICES = ("registration", "sites", "scheduling", "notifications", "identity")
RELAY = "jetstream"  # the relay name every service host uses (`Relay` default)


def table_hash(rows: Sequence[tuple[Any, ...]]) -> str:
    """A stable hash of a table's rows, whatever order they were read in (rows sorted by their encoding)."""
    digest = hashlib.sha256()
    for encoded in sorted(canonical(r) for r in rows):
        digest.update(encoded)
        digest.update(b"\n")
    return digest.hexdigest()


def projection_hash(rows: Rows) -> str:
    """One hash over every table of a projection (table names included)."""
    digest = hashlib.sha256()
    for table in sorted(rows):
        digest.update(table.encode() + b"\0" + table_hash(rows[table]).encode() + b"\n")
    return digest.hexdigest()


def read_model(service: str) -> ReadModel:
    """The log projections of one of SERVICES, as the service's `readmodel` module declares them."""
    if service not in SERVICES:
        raise KeyError(service)
    model: ReadModel = service_readmodel(service).LOG
    return model


def service_readmodel(service: str) -> Any:
    """`jobdating.<service>.readmodel`: the only module of a service that operators' tools import, when
    asked for (an installation without one of the services can still audit the others)."""
    return importlib.import_module(f"jobdating.{service}.readmodel")


# ---- stores ------------------------------------------------------------------------------------------


class LiveStore(SqliteEventStore):
    """A service's SQLite store opened by an operator's command, read-only when asked (the audit).

    One connection for the whole command, so that `snapshot()` can hold one read transaction: every read
    inside sees the store as it was at its first read, even while the service keeps writing (WAL).
    """

    def __init__(self, path: Path, read_only: bool) -> None:
        self.read_only = read_only
        self._conn: sqlite3.Connection | None = None
        super().__init__(path)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.read_only:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:  # as the service itself connects
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._conn = conn
        return self._conn

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one state of the store (one read transaction)."""
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class ScratchStore(SqliteEventStore):
    """An empty SQLite database in memory where projections are rebuilt (nothing reaches the disk)."""

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        super().__init__(Path(":memory:"))

    def _connection(self) -> sqlite3.Connection:
        return self._conn

    def close(self) -> None:
        self._conn.close()


class PgLiveStore(PostgresEventStore):
    """A service's PostgreSQL store opened by an operator's command (read-only sessions for the audit).

    `snapshot()` holds one REPEATABLE READ transaction: every read inside sees one state of the database.
    """

    autocommit_reads = False  # the snapshot is a transaction psycopg begins at its first read

    def __init__(self, dsn: str, read_only: bool) -> None:
        super().__init__(dsn)
        self.read_only = read_only
        self._in_snapshot = False

    def _connection(self) -> psycopg.Connection[Any]:
        conn = super()._connection()
        if self.read_only and not conn.read_only and conn.info.transaction_status == TransactionStatus.IDLE:
            conn.read_only = True
        return conn

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        conn = self._connection()
        conn.rollback()
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self._in_snapshot = True
        try:
            yield
        finally:
            self._in_snapshot = False
            conn.rollback()  # a read-only transaction: nothing to commit
            conn.isolation_level = None

    def _raw(self, sql: str, params: Sequence[Any]) -> list[Any]:
        if not self._in_snapshot:
            return super()._raw(sql, params)
        with self._connection().cursor() as cur:
            cur.execute(self.dialect.sql(sql), tuple(params))
            return list(cur.fetchall())


Live = LiveStore | PgLiveStore


def open_url(url: str, read_only: bool) -> Live:
    """A service store given by URL (`sqlite:///PATH` or `postgresql://...`), for the audit or a replay."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise FileNotFoundError(path)
        return LiveStore(path, read_only)
    if url.startswith(("postgresql://", "postgres://")):
        return PgLiveStore(url, read_only)
    raise ValueError(f"unsupported store URL {url!r}: use sqlite:///PATH or postgresql://...")


def store_path(data_dir: Path, service: str) -> Path:
    return data_dir.resolve() / f"{service}.db"


def fresh_store(model: ReadModel, live: EventStore) -> ScratchStore:
    """A scratch store with the read model's empty tables, ready for a replay."""
    scratch = ScratchStore()
    scratch.migrate()
    with scratch.transaction() as tx:
        model.prepare(live, tx)
    return scratch


def apply_batch_to(model: ReadModel, store: EventStore) -> Callable[[Sequence[RecordedEvent]], None]:
    """A batch applier writing the read model into `store`, one transaction per batch."""
    apply = model.applier(store)

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        with store.transaction() as tx:
            for event in events:
                apply(tx, event)

    return apply_batch
