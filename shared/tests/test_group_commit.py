"""Group commit: concurrent callers share transactions, each caller's work stays all-or-nothing (both
backends for the shared behaviour; SQLite for the rest)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobdating.eventstore.base import ConcurrencyConflict, EventStore, Transaction
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.ids import new_id
from jobdating.testing.events import new_event


def test_concurrent_writers_all_land_and_a_failing_one_takes_only_its_own_writes_back(
    any_store: EventStore,
) -> None:
    store = any_store
    taken = new_id()
    store.append([new_event(taken, 1)])
    errors: list[BaseException] = []
    landed: list[str] = []

    def good() -> None:
        for _ in range(50):
            event = new_event(new_id(), 1)
            store.write(lambda tx: tx.append([event]))  # noqa: B023 - run before the next iteration
            landed.append(event.envelope.stream_id)

    def bad() -> None:
        for _ in range(50):

            def work(tx: Transaction) -> None:
                tx.append([new_event(new_id(), 1)])  # written, then undone with the rest of this job
                tx.append([new_event(taken, 1)])  # a conflict

            try:
                store.write(work)
            except ConcurrencyConflict as exc:
                errors.append(exc)

    threads = [threading.Thread(target=good) for _ in range(3)] + [threading.Thread(target=bad)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 50
    assert store.count() == 1 + 150
    assert {e.stream_id for e in store.iter_all()} == {taken, *landed}
    # `write` goes through the group committer on both backends (PostgreSQL used to commit each alone).
    assert store.group_commit.writes == 200


def test_a_groups_first_job_failing_takes_back_only_its_own_writes(any_store: EventStore) -> None:
    # The first job of a transaction runs without a savepoint: its failure rolls the whole transaction
    # back, and the jobs after it still commit, together, in another.
    store = any_store
    streams = [new_id() for _ in range(4)]

    def failing(stream_id: str) -> Any:
        def work(tx: Transaction) -> None:
            tx.append([new_event(stream_id, 1)])
            raise RuntimeError(f"refused after appending to {stream_id}")

        return work

    def appending(stream_id: str) -> Any:
        return lambda tx: tx.append([new_event(stream_id, 1)])[0].position

    async def one_group() -> list[Any]:
        works = [failing(streams[0]), appending(streams[1]), failing(streams[2]), appending(streams[3])]
        return await asyncio.gather(*(store.write_async(work) for work in works), return_exceptions=True)

    commits = store.group_commit.commits
    first, second, third, fourth = asyncio.run(one_group())
    assert isinstance(first, RuntimeError)
    assert isinstance(third, RuntimeError)
    assert store.group_commit.commits == commits + 1
    assert [e.stream_id for e in store.iter_all()] == [streams[1], streams[3]]
    assert [e.position for e in store.iter_all()] == [second, fourth]


def test_the_result_is_returned_only_once_committed(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    sid = new_id()
    stored = store.write(lambda tx: tx.append([new_event(sid, 1)]))
    other = SqliteEventStore(tmp_path / "e.db")  # another connection sees it at once
    assert [e.event_id for e in other.read_stream(sid)] == [stored[0].event_id]
    with pytest.raises(ZeroDivisionError):
        store.write(lambda tx: 1 / 0)
    assert store.write(lambda tx: tx.stream_version(sid)) == 1  # the writer survived the failure
    other.close()
    store.close()


def test_a_lone_caller_runs_its_work_on_its_own_thread(tmp_path: Path) -> None:
    # Leader/follower: with nobody else writing, no thread is woken and no handoff is paid.
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    assert store.write(lambda tx: threading.get_ident()) == threading.get_ident()
    store.close()


def test_each_work_runs_in_its_callers_context(tmp_path: Path) -> None:
    # Whichever thread leads the group, the work sees its own caller's context variables (what it logs
    # carries its caller's correlation id), never the leader's.
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    caller: contextvars.ContextVar[int] = contextvars.ContextVar("caller")
    seen: dict[int, list[int]] = {}
    start = threading.Barrier(8)

    def write(number: int) -> None:
        caller.set(number)
        start.wait()
        seen[number] = [
            store.write(lambda tx: (tx.stream_version(new_id()), caller.get())[1]) for _ in range(30)
        ]

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {n: [n] * 30 for n in range(8)}
    store.close()


def test_a_caller_arriving_while_a_group_runs_joins_its_commit(tmp_path: Path) -> None:
    # The group takes whoever is waiting until nobody is: one transaction (one fsync) for both callers.
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    committer = store._group  # the queue is what this test is about
    first_running = threading.Event()

    def first(tx: Transaction) -> int:
        first_running.set()
        deadline = time.monotonic() + 30
        while not committer._pending and time.monotonic() < deadline:
            time.sleep(0.001)
        return id(tx)

    second: list[int] = []
    thread = threading.Thread(target=lambda: second.append(store.write(lambda tx: id(tx))))
    result: list[int] = []
    leader = threading.Thread(target=lambda: result.append(store.write(first)))
    leader.start()
    first_running.wait(30)
    thread.start()
    leader.join()
    thread.join()
    assert result == second  # the same transaction object: one commit
    store.close()


def test_a_committer_leading_in_its_thread_lets_the_loop_run_while_a_group_works(tmp_path: Path) -> None:
    # A recruiter's update settles hundreds of rows in one commit: led on the loop, nothing else ran
    # meanwhile. Led in the committer's thread, the loop's other tasks go on (the work here sleeps, as
    # the database does when it writes, without the GIL).
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    store.group_commit.lead_in_thread()
    assert store.group_commit.leads_in_thread

    def slow(tx: Transaction) -> int:
        time.sleep(0.3)
        tx.append([new_event(new_id(), 1)])
        return threading.get_ident()

    async def scenario() -> tuple[int, int]:
        ticks = 0
        writing = asyncio.ensure_future(store.write_async(slow))
        while not writing.done():
            await asyncio.sleep(0.01)
            ticks += 1
        return await writing, ticks

    worker, ticks = asyncio.run(scenario())
    assert worker != threading.get_ident()
    assert ticks >= 5  # led on the loop, the loop would not have come round once before it finished
    store.close()
    assert not store.group_commit.leads_in_thread


def test_a_group_led_in_the_committers_thread_wakes_its_callers_loop_once(tmp_path: Path) -> None:
    # Each wake-up from another thread is a write to the loop's self-pipe, a read and a turn of the loop:
    # once a group, not once a caller. A failing on_commit callback is reported, and the group's other
    # callers are answered all the same.
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    store.group_commit.lead_in_thread()
    reported: list[dict[str, Any]] = []
    sids = [new_id() for _ in range(20)]

    def work(sid: str) -> Callable[[Transaction], str]:
        def run(tx: Transaction) -> str:
            tx.append([new_event(sid, 1)])
            if sid == sids[3]:
                tx.on_commit(lambda: 1 / 0)
            return sid

        return run

    async def scenario() -> tuple[list[str], int, int]:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: reported.append(context))
        wakeups = 0
        plain = loop.call_soon_threadsafe

        def counted(callback: Callable[..., object], *args: Any, **kwargs: Any) -> asyncio.Handle:
            nonlocal wakeups
            wakeups += 1
            return plain(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign,assignment]
        before = store.group_commit.commits
        done = await asyncio.gather(*(store.write_async(work(sid)) for sid in sids))
        return list(done), wakeups, store.group_commit.commits - before

    done, wakeups, groups = asyncio.run(scenario())
    assert done == sids
    assert groups < len(sids)  # they came together: they shared commits
    assert wakeups == groups
    assert [type(c["exception"]) for c in reported] == [ZeroDivisionError]
    assert all(len(store.read_stream(sid)) == 1 for sid in sids)
    store.close()


@pytest.mark.parametrize("in_thread", [False, True], ids=["on-loop", "in-thread"])
def test_what_a_work_asks_on_commit_runs_on_its_callers_loop_once_committed_and_never_if_rolled_back(
    tmp_path: Path, in_thread: bool
) -> None:
    store = SqliteEventStore(tmp_path / "e.db")
    store.migrate()
    if in_thread:
        store.group_commit.lead_in_thread()
    reader = SqliteEventStore(tmp_path / "e.db")
    told: list[tuple[str, int, int]] = []  # (what, thread, stream version another connection reads)

    def work(sid: str, fail: bool) -> Callable[[Transaction], None]:
        def run(tx: Transaction) -> None:
            tx.append([new_event(sid, 1)])
            tx.on_commit(lambda: told.append((sid, threading.get_ident(), len(reader.read_stream(sid)))))
            if fail:
                raise ZeroDivisionError

        return run

    kept, failed = new_id(), new_id()

    async def scenario() -> list[Any]:
        works = [work(kept, False), work(failed, True)]
        return list(await asyncio.gather(*(store.write_async(w) for w in works), return_exceptions=True))

    results = asyncio.run(scenario())
    assert results[0] is None
    assert isinstance(results[1], ZeroDivisionError)
    # Told on the loop's thread, after the commit (another connection already reads it), and only once.
    assert told == [(kept, threading.get_ident(), 1)]
    assert reader.read_stream(failed) == []
    # A thread's caller and a transaction of its own are told in their own thread, after their commit.
    told.clear()
    thread_sid, own_sid = new_id(), new_id()
    store.write(work(thread_sid, False))
    with store.transaction() as tx:
        work(own_sid, False)(tx)
        assert told == [(thread_sid, threading.get_ident(), 1)]
    assert told[1:] == [(own_sid, threading.get_ident(), 1)]
    reader.close()
    store.close()
