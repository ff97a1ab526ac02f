"""On PostgreSQL, a reader following `position > checkpoint` must never skip an event committed late."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.runtime.ids import new_id
from jobdating.testing.events import new_event

pytestmark = pytest.mark.postgres


def test_a_reader_following_positions_never_skips_an_event_under_concurrent_writers(
    pg_store: EventStore, pg_dsn: str
) -> None:
    writers, per_writer = 6, 60
    done = threading.Event()
    failures: list[BaseException] = []

    def write(n: int) -> None:
        # Each writer has its own connection (its own thread) and sleeps inside its transaction,
        # the pattern that makes identity values commit out of order without the append lock.
        try:
            store = PostgresEventStore(pg_dsn)
            for i in range(per_writer):
                with store.transaction() as tx:
                    tx.append([new_event(new_id(), 1, n=i)])
                    if i % 7 == n % 7:
                        time.sleep(0.003)
            store.close()
        except BaseException as exc:
            failures.append(exc)

    seen: list[int] = []

    def read() -> None:
        reader = PostgresEventStore(pg_dsn)
        position = 0
        while not done.is_set() or position < reader.head():
            for event in reader.read_all(position, 50):
                seen.append(event.position)
                position = event.position
        reader.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    follower = threading.Thread(target=read)
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()
    assert failures == []
    everything = [e.position for e in pg_store.iter_all()]
    assert len(everything) == writers * per_writer
    # The follower saw every event exactly once, in order: nothing committed behind its back.
    assert seen == everything


def test_without_the_append_lock_a_follower_can_skip(pg_dsn: str) -> None:
    """The control experiment: the same store without its lock lets a late commit slip behind a reader."""
    store = PostgresEventStore(pg_dsn)
    store.migrate()
    import psycopg

    slow = psycopg.connect(pg_dsn)
    fast = psycopg.connect(pg_dsn)
    insert = (
        "INSERT INTO events (event_id, stream_type, stream_id, stream_version, event_type, body) "
        "VALUES (%s, 'site', %s, 1, 'SiteOpened', %s) RETURNING position"
    )
    (first,) = slow.execute(insert, (new_id(), new_id(), b"{}")).fetchone()  # type: ignore[misc]
    (second,) = fast.execute(insert, (new_id(), new_id(), b"{}")).fetchone()  # type: ignore[misc]
    fast.commit()
    visible = [e.position for e in store.read_all(0)]
    slow.commit()
    assert first < second
    assert visible == [second]  # a follower checkpointing here would never read `first`
    slow.close()
    fast.close()
    store.close()


def _one_group(store: EventStore, *works: Any) -> list[Any]:
    """Run `works` with `write_async` from one loop turn: one group, one transaction, in this order."""

    async def run() -> list[Any]:
        return await asyncio.gather(*(store.write_async(work) for work in works), return_exceptions=True)

    commits = store.group_commit.commits
    results = asyncio.run(run())
    assert store.group_commit.commits == commits + 1
    return results


def test_a_job_rolled_back_in_a_group_does_not_leave_the_next_appending_without_the_lock(
    pg_store: EventStore,
) -> None:
    """ROLLBACK TO a job's savepoint releases the advisory lock its append took: the next job of the group
    must take it again, or its commit could land behind a reader."""

    def refused(tx: Transaction) -> None:
        tx.append([new_event(new_id(), 1)])
        raise RuntimeError("refused after its append")

    def appends(tx: Transaction) -> int:
        tx.append([new_event(new_id(), 1)])
        held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        return int(tx.execute(held).fetchone()[0])

    failed, locks = _one_group(pg_store, refused, appends)
    assert isinstance(failed, RuntimeError)
    assert locks == 1
    assert pg_store.count() == 1
