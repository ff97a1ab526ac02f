"""The write path every service shares: units of work, their retry, their envelopes, their group commit."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest

from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.runtime.commands import Aggregate, CommandBus, Meta, UnitOfWork
from jobdating.runtime.ids import new_id
from jobdating.testing.events import site_opened

AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
OPENINGS: Aggregate[int] = Aggregate(lambda: 0, lambda n, _event: n + 1)
"""A stream's state is how many events it holds."""


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class Opened:
    """A write for one stream, as a decision spanning several streams returns it."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        self.event = site_opened(stream_id)


def meta() -> Meta:
    return Meta(org="mel", actor_id="coordinator-1", correlation_id=new_id())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> EventStore:
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    found: EventStore = request.getfixturevalue(name)
    return found


def test_a_unit_of_work_appends_to_several_streams_each_from_the_version_it_read(store: EventStore) -> None:
    known, new = new_id(), new_id()
    committed: list[list[StoredEvent]] = []
    projected: list[str] = []
    bus = CommandBus(
        store,
        "sites",
        FixedClock(AT),
        on_commit=committed.append,
        project=lambda _tx, stored: projected.extend(e.event_id for e in stored),
    )
    bus.execute(OPENINGS, known, lambda n: [site_opened(known)], meta())
    asked = meta()

    def work(w: UnitOfWork) -> list[StoredEvent]:
        assert w.fold(OPENINGS, known) == 1
        return w.append_many([Opened(known), Opened(new), Opened(new)], asked)

    stored = bus.run(work)
    assert [(e.stream_id, e.stream_version) for e in stored] == [(known, 2), (new, 1), (new, 2)]
    assert committed[-1] == stored  # the relay hears of the whole unit once, after its commit
    assert projected[-3:] == [e.event_id for e in stored]  # the read model followed, in the transaction
    envelopes = [decode_envelope(e.body) for e in stored]
    assert {(env.occurred_at, env.correlation_id, env.actor_id, env.source) for env in envelopes} == {
        (AT, asked.correlation_id, "coordinator-1", "/jobdating/mel/sites")
    }


def test_a_concurrent_append_makes_the_whole_unit_run_again(sqlite_store: EventStore) -> None:
    sid = new_id()
    committed: list[list[StoredEvent]] = []
    bus = CommandBus(sqlite_store, "sites", FixedClock(AT), on_commit=committed.append)
    bus.execute(OPENINGS, sid, lambda n: [site_opened(sid)], meta())
    runs: list[int] = []

    def work(w: UnitOfWork) -> list[StoredEvent]:
        seen = w.fold(OPENINGS, sid)
        if not runs:
            w.expect({sid: 0})  # as if another writer had appended since it read
        runs.append(seen)
        return w.append(sid, [site_opened(sid, 1)], meta())

    stored = bus.run(work)
    assert runs == [1, 1]
    assert [e.stream_version for e in stored] == [2]
    assert len(committed) == 2  # the first execute and the retried unit, each once


def test_a_stream_known_new_is_not_read_and_a_writer_opening_it_first_makes_the_unit_run_again(
    store: EventStore,
) -> None:
    sid = new_id()
    bus = CommandBus(store, "sites", FixedClock(AT))
    bus.execute(OPENINGS, sid, lambda n: [site_opened(sid)], meta())
    runs: list[int] = []

    def work(w: UnitOfWork) -> list[StoredEvent]:
        if not runs:
            w.new_stream(sid)  # as if its read had come before another writer opened the stream
        runs.append(w.fold(OPENINGS, sid))
        return w.append(sid, [site_opened(sid, 1)], meta())

    stored = bus.run(work)
    assert runs == [0, 1]  # not read the first time: the initial state
    assert [e.stream_version for e in stored] == [2]


def test_streams_known_new_in_one_read_are_not_read_again_and_the_others_are(store: EventStore) -> None:
    opened, fresh = new_id(), new_id()
    bus = CommandBus(store, "sites", FixedClock(AT))
    bus.execute(OPENINGS, opened, lambda n: [site_opened(opened)], meta())
    folds: dict[str, int] = {}

    def work(w: UnitOfWork) -> list[StoredEvent]:
        w.known_new([opened, fresh])
        for sid in (opened, fresh):
            folds[sid] = w.fold(OPENINGS, sid)
        return [
            *w.append(opened, [site_opened(opened, 1)], meta()),
            *w.append(fresh, [site_opened(fresh)], meta()),
        ]

    stored = bus.run(work)
    assert folds == {opened: 1, fresh: 0}  # the opened stream was read, the new one taken as new
    assert [(e.stream_id, e.stream_version) for e in stored] == [(opened, 2), (fresh, 1)]


def test_appends_to_many_streams_each_with_its_own_meta_go_as_one_insert(store: EventStore) -> None:
    # What a recruiter's update records of the hundreds of messages it carried: each its own correlation.
    opened, fresh = new_id(), new_id()
    bus = CommandBus(store, "sites", FixedClock(AT))
    bus.execute(OPENINGS, opened, lambda n: [site_opened(opened)], meta())
    asked = {opened: meta(), fresh: meta()}

    def work(w: UnitOfWork) -> list[StoredEvent]:
        w.known_new([opened, fresh])
        for sid in (opened, fresh):
            w.fold(OPENINGS, sid)
        writes = [
            (opened, [site_opened(opened, 1)], asked[opened]),
            (fresh, [], asked[opened]),  # nothing to append: no event, no version taken
            (fresh, [site_opened(fresh), site_opened(fresh, 1)], asked[fresh]),
        ]
        return w.append_each(writes)

    stored = bus.run(work)
    assert [(e.stream_id, e.stream_version) for e in stored] == [(opened, 2), (fresh, 1), (fresh, 2)]
    assert [decode_envelope(e.body).correlation_id for e in stored] == [
        asked[opened].correlation_id,
        asked[fresh].correlation_id,
        asked[fresh].correlation_id,
    ]
    assert [e.position for e in stored] == list(range(stored[0].position, stored[0].position + 3))
    assert bus.run(lambda w: w.append_each([])) == []


async def test_writes_from_an_event_loop_share_one_commit(store: EventStore) -> None:
    store.write(lambda tx: tx.execute("CREATE TABLE marks (name TEXT PRIMARY KEY)"))
    bus = CommandBus(store, "notifications", FixedClock(AT))
    group = store.group_commit
    before = (group.commits, group.writes)

    async def mark(name: str) -> str:
        def insert(w: UnitOfWork) -> str:
            w.tx.execute("INSERT INTO marks (name) VALUES (?)", (name,))
            return name

        return await bus.run_async(insert)

    names = await asyncio.gather(*(mark(f"m{i}") for i in range(6)))
    assert names == [f"m{i}" for i in range(6)]
    assert (group.commits - before[0], group.writes - before[1]) == (1, 6)


async def test_threads_and_tasks_write_together_without_holding_each_other_up(
    sqlite_store: EventStore,
) -> None:
    # A thread may lead a group that carries a task's write, and a task's loop a group carrying a thread's.
    bus = CommandBus(sqlite_store, "sites", FixedClock(AT))
    streams = [new_id() for _ in range(40)]

    def open_site(sid: str) -> list[StoredEvent]:
        return bus.execute(OPENINGS, sid, lambda n: [site_opened(sid)], meta())

    def from_threads() -> None:
        for sid in streams[:20]:
            open_site(sid)

    threads = [threading.Thread(target=from_threads), threading.Thread(target=from_threads)]
    for t in threads:
        t.start()

    async def from_the_loop(sid: str) -> None:
        await bus.run_async(lambda w: w.append(sid, [site_opened(sid)], meta()))

    await asyncio.wait_for(asyncio.gather(*(from_the_loop(sid) for sid in streams[20:])), timeout=30)

    def join_all() -> None:
        for t in threads:
            t.join(30)

    await asyncio.to_thread(join_all)
    assert all(not t.is_alive() for t in threads)
    versions = {e.stream_id: e.stream_version for e in sqlite_store.iter_all()}
    assert versions == {**dict.fromkeys(streams[:20], 2), **dict.fromkeys(streams[20:], 1)}
