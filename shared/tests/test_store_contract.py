"""One contract suite for the event store, run unchanged against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

import msgspec
import psycopg.errors
import pytest

from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.base import ConcurrencyConflict, EventStore, ParkedEvent, Transaction
from jobdating.runtime.ids import new_id
from jobdating.testing.events import new_event


class StoreContract:
    @pytest.fixture
    def store(self) -> EventStore:
        raise NotImplementedError

    def test_appended_events_are_read_back_in_order_with_their_envelope(self, store: EventStore) -> None:
        sid = new_id()
        stored = store.append([new_event(sid, 1), new_event(sid, 2)])
        assert [e.stream_version for e in store.read_stream(sid)] == [1, 2]
        assert stored[0].position < stored[1].position
        body = store.read_stream(sid)[1].body
        assert decode_envelope(body).event_id == stored[1].event_id

    def test_a_stale_write_is_a_conflict_and_loses_nothing(self, store: EventStore) -> None:
        sid = new_id()
        store.append([new_event(sid, 1)])
        with pytest.raises(ConcurrencyConflict):
            store.append([new_event(sid, 1, n=99)])
        events = store.read_stream(sid)
        assert len(events) == 1
        assert msgspec.json.decode(decode_envelope(events[0].body).data)["name"] == "Site 0"

    def test_a_failed_transaction_appends_nothing(self, store: EventStore) -> None:
        sid = new_id()

        def two_events_at_version_one() -> None:
            with store.transaction() as tx:
                tx.append([new_event(sid, 1)])
                tx.append([new_event(sid, 1)])

        with pytest.raises(ConcurrencyConflict):
            two_events_at_version_one()
        assert store.read_stream(sid) == []

    def test_a_batch_is_stored_at_the_positions_append_returns(self, store: EventStore) -> None:
        # Positions a failed write used and gave back, then two appends in one transaction, the second
        # of many streams and versions: each StoredEvent is exactly what the log reads back.
        store.append([new_event(new_id(), 1)])
        taken = new_id()
        store.append([new_event(taken, 1)])
        with pytest.raises(ConcurrencyConflict):
            store.write(lambda tx: tx.append([new_event(new_id(), 1), new_event(taken, 1)]))
        head = store.head()
        a, b = new_id(), new_id()
        with store.transaction() as tx:
            stored = tx.append([new_event(new_id(), 1)])
            stored += tx.append([new_event(a, 1), new_event(b, 1), new_event(a, 2), new_event(a, 3)])
        assert store.read_all(head, 10) == stored
        assert [e.position for e in stored] == sorted({e.position for e in stored})

    def test_a_conflict_amid_a_batch_names_its_stream_and_stores_nothing(self, store: EventStore) -> None:
        taken = new_id()
        store.append([new_event(taken, 1)])
        head = store.head()
        others = [new_id(), new_id()]
        with pytest.raises(ConcurrencyConflict) as conflict:
            store.append([new_event(others[0], 1), new_event(taken, 1), new_event(others[1], 1)])
        assert (conflict.value.stream_id, conflict.value.expected_version) == (taken, 0)
        assert store.head() == head
        assert store.read_all(head) == []

    def test_a_large_batch_keeps_its_order_and_its_conflicts(self, store: EventStore) -> None:
        # Large enough for PostgreSQL's COPY path (`postgres_copy`): positions follow the batch's order,
        # versions of one stream included, and a conflict in it still names its stream and stores nothing.
        streams = [new_id() for _ in range(40)]
        batch = [new_event(sid, v) for v in (1, 2, 3) for sid in streams]
        head = store.head()
        stored = store.append(batch)
        assert [(e.stream_id, e.stream_version) for e in stored] == [
            (e.envelope.stream_id, e.envelope.stream_version) for e in batch
        ]
        assert store.read_all(head, 1000) == stored
        assert [e.position for e in stored] == sorted(e.position for e in stored)
        clash = [new_event(new_id(), 1) for _ in range(100)] + [new_event(streams[7], 3)]
        head = store.head()
        with pytest.raises(ConcurrencyConflict) as conflict:
            store.append(clash)
        assert (conflict.value.stream_id, conflict.value.expected_version) == (streams[7], 2)
        assert store.read_all(head) == []

    def test_many_rows_insert_as_written_twice_in_one_transaction(self, store: EventStore) -> None:
        # Projections' bulk inserts: two batches in one transaction, then an overlapping batch with its
        # ON CONFLICT clause, then a batch breaking the key: refused as one insert would be.
        with store.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS t_held (v TEXT PRIMARY KEY, owner TEXT NOT NULL)")
        insert = "INSERT INTO t_held (v, owner) VALUES (?, ?)"
        with store.transaction() as tx:
            tx.executemany(insert, [(f"v{i}", "a") for i in range(100)])
            tx.executemany(insert, [(f"v{i}", "b") for i in range(100, 200)])
        with store.transaction() as tx:
            tx.executemany(insert + " ON CONFLICT (v) DO NOTHING", [(f"v{i}", "c") for i in range(150, 250)])
        held = dict(store.query("SELECT v, owner FROM t_held"))
        assert len(held) == 250
        assert [held[f"v{i}"] for i in (0, 99, 100, 199, 200, 249)] == ["a", "a", "b", "b", "c", "c"]
        with (
            pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)) as refused,
            store.transaction() as tx,
        ):
            tx.executemany(insert, [(f"w{i}", "d") for i in range(99)] + [("v1", "d")])
        assert store.dialect.is_unique_violation(refused.value)
        assert store.query("SELECT COUNT(*) FROM t_held")[0][0] == 250

    def test_a_deferred_write_lands_with_the_statement_that_takes_it_or_before_any_other(
        self, store: EventStore
    ) -> None:
        with store.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS t_keys (k TEXT PRIMARY KEY)")
            tx.execute("CREATE TABLE IF NOT EXISTS t_rows (k TEXT PRIMARY KEY)")
        keys = "INSERT INTO t_keys (k) VALUES (?)"
        with store.transaction() as tx:
            tx.defer(keys, ("taken along",))
            tx.defer(keys, ("also taken along",))
            tx.execute_with_deferred("INSERT INTO t_rows (k) VALUES (?)", ("a",))
            tx.defer(keys, ("taken along by a WITH",))
            tx.execute_with_deferred(
                "WITH r (k) AS (SELECT CAST(? AS TEXT)) INSERT INTO t_rows (k) SELECT k FROM r", ("b",)
            )
            tx.defer(keys, ("read",))
            # Another statement sends it first: a read sees it.
            assert tx.execute("SELECT count(*) FROM t_keys WHERE k = ?", ("read",)).fetchone()[0] == 1
            tx.defer(keys, ("at the end",))
        assert sorted(r[0] for r in store.query("SELECT k FROM t_keys")) == [
            "also taken along",
            "at the end",
            "read",
            "taken along",
            "taken along by a WITH",
        ]
        assert sorted(r[0] for r in store.query("SELECT k FROM t_rows")) == ["a", "b"]

    def test_a_deferred_write_that_fails_fails_its_own_job_only(self, store: EventStore) -> None:
        with store.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS t_once (k TEXT PRIMARY KEY)")
            tx.execute("INSERT INTO t_once (k) VALUES (?)", ("taken",))
        once = "INSERT INTO t_once (k) VALUES (?)"

        def taking(value: str) -> Any:
            return lambda tx: tx.defer(once, (value,))

        def refused(tx: Transaction) -> None:
            tx.defer(once, ("never sent",))
            raise RuntimeError("refused after deferring a write")  # which goes with its work

        async def one_group() -> list[Any]:
            works = [taking("first"), taking("taken"), refused, taking("third")]
            return await asyncio.gather(*(store.write_async(work) for work in works), return_exceptions=True)

        first, second, third, fourth = asyncio.run(one_group())
        assert store.dialect.is_unique_violation(second)
        assert isinstance(third, RuntimeError)
        assert (first, fourth) == (None, None)
        assert sorted(r[0] for r in store.query("SELECT k FROM t_once")) == ["first", "taken", "third"]

    def test_read_all_follows_positions(self, store: EventStore) -> None:
        for _ in range(5):
            store.append([new_event(new_id(), 1)])
        first = store.read_all(0, 2)
        rest = store.read_all(first[-1].position, 10)
        assert len(first) == 2
        assert len(rest) == 3
        assert store.head() == rest[-1].position
        assert store.count() == 5
        assert [e.position for e in store.iter_all(0, batch=2)] == [e.position for e in first + rest]

    def test_relay_positions_and_checkpoints_persist(self, store: EventStore) -> None:
        with store.transaction() as tx:
            tx.set_relay_position("r", 7)
            tx.set_checkpoint("p", 3)
        with store.transaction() as tx:
            tx.set_relay_position("r", 9)
        assert store.relay_position("r") == 9
        assert store.relay_position("other") == 0
        assert store.checkpoint("p") == 3

    def test_the_inbox_remembers_handled_events_per_consumer(self, store: EventStore) -> None:
        eid = new_id()
        now = datetime.now(UTC)
        with store.transaction() as tx:
            assert not tx.seen("a", eid)
            tx.mark_seen("a", eid, now)
        with store.transaction() as tx:
            assert tx.seen("a", eid)
            assert not tx.seen("b", eid)

    def test_parked_events_keep_their_error_until_unparked(self, store: EventStore) -> None:
        parked = ParkedEvent(
            consumer="c",
            event_id=new_id(),
            subject="jobdating.x",
            body=b"{}",
            error="boom",
            deliveries=5,
            parked_at=datetime.now(UTC),
        )
        with store.transaction() as tx:
            tx.park(parked)
        assert store.parked("c") == [parked]
        with store.transaction() as tx:
            tx.unpark("c", parked.event_id)
        assert store.parked() == []

    def test_projection_writes_commit_with_the_transaction(self, store: EventStore) -> None:
        with store.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS t_count (k TEXT PRIMARY KEY, n INTEGER)")

        def crash_before_commit() -> None:
            with store.transaction() as tx:
                tx.execute("INSERT INTO t_count (k, n) VALUES (?, ?)", ("a", 1))
                raise RuntimeError("crash before commit")

        with pytest.raises(RuntimeError):
            crash_before_commit()
        assert store.query("SELECT COUNT(*) FROM t_count")[0][0] == 0

    def test_concurrent_writers_to_one_stream_never_lose_an_update(self, store: EventStore) -> None:
        sid = new_id()
        errors: list[BaseException] = []

        def writer() -> None:
            for _ in range(10):
                while True:
                    try:
                        with store.transaction() as tx:
                            v = tx.stream_version(sid)
                            tx.append([new_event(sid, v + 1)])
                        break
                    except ConcurrencyConflict:
                        continue
                    except BaseException as exc:
                        errors.append(exc)
                        return

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert [e.stream_version for e in store.read_stream(sid)] == list(range(1, 41))


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store(self, sqlite_store: EventStore) -> EventStore:
        return sqlite_store


@pytest.mark.postgres
class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, pg_store: EventStore) -> EventStore:
        return pg_store
