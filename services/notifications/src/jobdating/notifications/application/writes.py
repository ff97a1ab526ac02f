"""Group commit: the writes of concurrent sends that are ready together share one transaction (one fsync).

A send commits twice (in progress before the provider call, then its outcome with its event); with a
dozen sends in flight, one transaction per write would make the disk's fsync the bottleneck of the event
loop. Writes queued during one turn of the loop commit together on the next, each in its own savepoint,
so one failing write does not undo the others; each caller gets its own result or exception, after the
commit. Nothing waits for a batch to fill: a lone write commits as soon as the loop comes round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from jobdating.contracts.envelope import Event, envelope_for
from jobdating.eventstore.base import EventStore, NewEvent, StoredEvent, Transaction
from jobdating.runtime.commands import Aggregate, CommandBus, Meta

T = TypeVar("T")
S = TypeVar("S")
Write = Callable[[Transaction], Any]


class GroupCommit:
    """Runs writes in shared transactions; `on_commit` hears of the events they appended (the relay)."""

    def __init__(
        self, store: EventStore, on_commit: Callable[[list[StoredEvent]], None] | None = None
    ) -> None:
        self.store = store
        self.on_commit = on_commit
        self._queue: list[tuple[Write, asyncio.Future[Any]]] = []
        self._appended: list[StoredEvent] = []
        self.commits = 0
        self.writes = 0

    async def __call__(self, write: Callable[[Transaction], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if not self._queue:
            loop.call_soon(self._flush)
        self._queue.append((write, future))
        return await future

    def appended(self, stored: Sequence[StoredEvent]) -> None:
        """Called by a write that appended events (they reach `on_commit` once committed)."""
        self._appended.extend(stored)

    def _flush(self) -> None:
        batch, self._queue = self._queue, []
        self._appended = []
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            with self.store.transaction() as tx:
                for write, future in batch:
                    tx.execute("SAVEPOINT write")
                    try:
                        result = write(tx)
                    except Exception as exc:
                        tx.execute("ROLLBACK TO SAVEPOINT write")
                        outcomes.append((future, None, exc))
                    else:
                        outcomes.append((future, result, None))
                    tx.execute("RELEASE SAVEPOINT write")
        except Exception as exc:  # the commit itself failed: every write of the batch failed with it
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        self.commits += 1
        self.writes += len(batch)
        if self._appended and self.on_commit is not None:
            self.on_commit(self._appended)
        for future, result, error in outcomes:
            if future.done():  # its caller was cancelled
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)


def record(
    tx: Transaction,
    bus: CommandBus,
    aggregate: Aggregate[S],
    stream_id: str,
    decide: Callable[[S], Sequence[Event]],
    meta: Meta,
) -> list[StoredEvent]:
    """`CommandBus.execute` inside a transaction someone else commits: load, fold, decide, append.

    A concurrent append to the same stream still fails on UNIQUE (stream_id, stream_version) with
    `ConcurrencyConflict`, which fails this write only (its savepoint), not the others of the batch.
    """
    history = bus.load(tx, stream_id)
    events = decide(aggregate.fold(history))
    if not events:
        return []
    now = bus.clock.now()
    return tx.append(
        [
            NewEvent(
                envelope=envelope_for(
                    event,
                    event_id=bus.ids(),
                    org=meta.org,
                    service=bus.service,
                    stream_id=stream_id,
                    stream_version=len(history) + i,
                    occurred_at=now,
                    recorded_at=now,
                    correlation_id=meta.correlation_id,
                    causation_id=meta.causation_id,
                    actor_id=meta.actor_id,
                )
            )
            for i, event in enumerate(events, start=1)
        ]
    )
