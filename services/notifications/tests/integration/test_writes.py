"""Group commit on a real SQLite store: writes ready together share a commit; a failing one is undone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from jobdating.contracts.notifications import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent, Transaction
from jobdating.runtime.clock import SystemClock
from jobdating.runtime.commands import CommandBus

T = TypeVar("T")


class GroupCommit:
    """The dispatcher's writes: the command bus's async face over the store's group commit."""

    def __init__(
        self, store: EventStore, on_commit: Callable[[list[StoredEvent]], None] | None = None
    ) -> None:
        self.bus = CommandBus(store, SERVICE, SystemClock(), on_commit=on_commit)
        self.group = store.group_commit

    def __call__(self, write: Callable[[Transaction], T]) -> Awaitable[T]:
        return self.bus.run_async(lambda w: write(w.tx))

    @property
    def commits(self) -> int:
        return self.group.commits

    @property
    def writes(self) -> int:
        return self.group.writes


def setup(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY)")


def mark(name: str) -> Callable[[Transaction], str]:
    def write(tx: Transaction) -> str:
        tx.execute("INSERT INTO marks (name) VALUES (?)", (name,))
        return name

    return write


async def test_writes_ready_together_commit_together_and_a_failing_one_is_undone_alone(
    sqlite_store: EventStore,
) -> None:
    setup(sqlite_store)
    committed: list[list[StoredEvent]] = []
    writes = GroupCommit(sqlite_store, committed.append)
    a, b, again, c = await asyncio.gather(
        writes(mark("a")),
        writes(mark("b")),
        writes(mark("a")),  # a duplicate: fails on the primary key
        writes(mark("c")),
        return_exceptions=True,
    )
    assert (a, b, c) == ("a", "b", "c")
    assert isinstance(again, Exception)
    assert sorted(r[0] for r in sqlite_store.query("SELECT name FROM marks", ())) == ["a", "b", "c"]
    assert (writes.commits, writes.writes) == (1, 4)
    assert committed == []  # nothing appended to the log: the relay is not woken

    # A lone write does not wait for company.
    assert await asyncio.wait_for(writes(mark("d")), timeout=1) == "d"
    assert writes.commits == 2


async def test_when_the_commit_fails_every_write_of_the_batch_is_told(sqlite_store: EventStore) -> None:
    setup(sqlite_store)
    with sqlite_store.transaction() as tx:
        # Checked at COMMIT, not at the INSERT: the one write breaking it makes the whole commit fail.
        tx.execute(
            "CREATE TABLE IF NOT EXISTS notes "
            "(mark TEXT REFERENCES marks (name) DEFERRABLE INITIALLY DEFERRED)"
        )
    writes = GroupCommit(sqlite_store)

    def dangling(tx: Transaction) -> None:
        tx.execute("INSERT INTO notes (mark) VALUES ('nobody')")

    outcomes = await asyncio.gather(writes(mark("x")), writes(dangling), return_exceptions=True)
    assert all(isinstance(o, Exception) for o in outcomes)
    assert writes.commits == 0
