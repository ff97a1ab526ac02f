"""What the operator's replay and audit know of each service's projections, and where they are rebuilt.

Each service keeps, next to its log, tables that follow its own events ("log projections"); each service
module says which tables those are, how an event is applied to them, and how to ready an empty store for
them. The other tables (facts kept from other services' events, working state such as messages to send
or provisional plans) are not rebuilt from the service's log and are left alone.

A rebuild here goes into a scratch store held in memory, never on disk: registration's projections hold
personal data in clear, and a temporary file would outlive an erasure in the file system's free blocks.
The audit opens the live stores read-only (`LiveStore`, `PgLiveStore`).

The services' packages are imported when a read model is asked for, not with this module: the shared
package does not depend on them, and an installation without one of them can still audit the others.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import psycopg
from psycopg.pq import TransactionStatus

from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.eventstore.sqlite import SqliteEventStore

SERVICES = ("registration", "sites", "scheduling", "notifications")

Apply = Callable[[Transaction, RecordedEvent], None]
Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class ReadModel:
    """One service's log projections: how to rebuild them and how to read them for a comparison.

    `prepare(live, fresh)` readies an empty store (tables, and anything the projections read besides the
    log, e.g. registration's person keys); `applier(store)` gives the function applying one event to the
    tables of `store`; `checkpoint` names the projection's checkpoint when the service keeps one.
    """

    service: str
    tables: tuple[str, ...]
    prepare: Callable[[EventStore, Transaction], None]
    applier: Callable[[EventStore], Apply]
    checkpoint: str | None = None

    def rows(self, store: EventStore) -> Rows:
        """Every row of the projection's tables, sorted (a table's rows form a set: order is irrelevant)."""
        return table_rows(store, self.tables)


def table_rows(store: EventStore, tables: Sequence[str]) -> Rows:
    """Every row of these tables, sorted by their canonical encoding (a table's rows form a set; the
    encoding never compares a NULL with a value, as sorting the tuples would)."""
    return {
        table: sorted((tuple(r) for r in store.query(f"SELECT * FROM {table}")), key=_canonical)
        for table in tables
    }


_encoder = msgspec.json.Encoder(order="sorted")


def _canonical(value: Any) -> bytes:
    return _encoder.encode(value)


def table_hash(rows: Sequence[tuple[Any, ...]]) -> str:
    """A stable hash of a table's rows, whatever order they were read in (rows sorted by their encoding)."""
    digest = hashlib.sha256()
    for encoded in sorted(_canonical(r) for r in rows):
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
    """The read model of one of SERVICES (imports that service's package)."""
    builders: dict[str, Callable[[], ReadModel]] = {
        "registration": _registration,
        "sites": _sites,
        "scheduling": _scheduling,
        "notifications": _notifications,
    }
    if service not in builders:
        raise KeyError(service)
    return builders[service]()


def _registration() -> ReadModel:
    from jobdating.registration.adapters import projections
    from jobdating.registration.adapters.keyring import Keyring

    def prepare(live: EventStore, fresh: Transaction) -> None:
        projections.prepare_fresh(live, fresh, Keyring(live))

    def applier(store: EventStore) -> Apply:
        keyring = Keyring(store)
        return lambda tx, event: projections.apply(tx, event, keyring)

    return ReadModel("registration", tuple(projections.LOG_TABLES), prepare, applier)


def _sites() -> ReadModel:
    from jobdating.sites.adapters import projections

    def prepare(live: EventStore, fresh: Transaction) -> None:
        for ddl in projections.SCHEMA:
            fresh.execute(ddl)

    return ReadModel(
        "sites", tuple(projections.TABLES), prepare, lambda _: projections.apply, projections.PROJECTION
    )


def _scheduling() -> ReadModel:
    from jobdating.scheduling.adapters import projections, tables

    def prepare(live: EventStore, fresh: Transaction) -> None:
        for ddl in tables.SCHEMA:
            fresh.execute(ddl)

    return ReadModel(
        "scheduling",
        tuple(tables.READ_MODEL_TABLES),
        prepare,
        lambda _: projections.apply,
        projections.PROJECTION,
    )


def _notifications() -> ReadModel:
    from jobdating.notifications.adapters import projections, tables

    def prepare(live: EventStore, fresh: Transaction) -> None:
        for ddl in tables.SCHEMA:
            fresh.execute(ddl)

    return ReadModel("notifications", tuple(projections.OWN_TABLES), prepare, lambda _: projections.apply_own)


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
