"""`scrub` after a deletion: the deleted row is in no file of the store any more, read as raw bytes (SQLite:
the database and its WAL; PostgreSQL: the table's data file, read through the server)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.ids import new_id


def _keep_then_delete(store: EventStore, marker: str) -> None:
    with store.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS person_rows (id TEXT PRIMARY KEY, phone TEXT NOT NULL)")
        tx.executemany(
            "INSERT INTO person_rows (id, phone) VALUES (?, ?)", [(new_id(), f"other-{n}") for n in range(50)]
        )
        tx.execute("INSERT INTO person_rows (id, phone) VALUES (?, ?)", ("erased", marker))
    with store.transaction() as tx:
        tx.execute("DELETE FROM person_rows WHERE id = ?", ("erased",))


def _files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_on_sqlite_a_deleted_row_leaves_the_file_and_the_wal_at_once(sqlite_store: EventStore) -> None:
    assert isinstance(sqlite_store, SqliteEventStore)
    marker = f"+3363998{new_id()[-6:]}"
    _keep_then_delete(sqlite_store, marker)
    sqlite_store.scrub(["person_rows"])
    assert marker.encode() not in _files(sqlite_store.path)
    assert sqlite_store.path.with_name(sqlite_store.path.name + "-wal").stat().st_size == 0
    assert len(sqlite_store.query("SELECT id FROM person_rows", ())) == 50


def test_without_scrub_the_wal_still_holds_the_row(sqlite_store: EventStore) -> None:
    """What the scrub is for: secure_delete alone leaves the pages of before in the WAL."""
    assert isinstance(sqlite_store, SqliteEventStore)
    marker = f"+3363998{new_id()[-6:]}"
    _keep_then_delete(sqlite_store, marker)
    assert marker.encode() in _files(sqlite_store.path)


@pytest.mark.postgres
def test_on_postgresql_a_deleted_row_leaves_the_table_file(pg_store: EventStore) -> None:
    assert isinstance(pg_store, PostgresEventStore)
    marker = f"+3363998{new_id()[-6:]}"
    _keep_then_delete(pg_store, marker)

    def table_file() -> bytes:
        # The dead tuple stays in its page until VACUUM; CHECKPOINT writes the pages to the file first.
        with psycopg.connect(pg_store.dsn, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            row = conn.execute("SELECT pg_read_binary_file(pg_relation_filepath('person_rows'))").fetchone()
        assert row is not None
        return bytes(row[0])

    assert marker.encode() in table_file()
    pg_store.scrub(["person_rows"])
    assert marker.encode() not in table_file()
    assert len(pg_store.query("SELECT id FROM person_rows", ())) == 50
