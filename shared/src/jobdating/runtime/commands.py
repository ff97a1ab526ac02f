"""The one write path of every service: in one transaction, fold the streams a command reads, decide,
append with stamped envelopes, update the read model; on a concurrent append, start again.

The domain supplies `evolve` and `decide` (pure); this module supplies ids, clock and the transaction.
A command is a function of a `UnitOfWork`, read top to bottom:

    def work(w: UnitOfWork) -> list[StoredEvent]:
        slot = w.fold(SLOTS, slot_id)                     # read, in the transaction
        return w.append(slot_id, decide(slot), meta)      # stamp, append, project

    stored = bus.run(work)             # a thread: commits (group commit), retries on conflict, on_commit
    stored = await bus.run_async(work) # the same from an event loop, without blocking it

`execute` is that function for a command that reads and writes one stream.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Event, RecordedEvent, decode_envelope, envelope_for
from jobdating.contracts.registry import EventRegistry
from jobdating.eventstore.base import (
    ConcurrencyConflict,
    EventStore,
    NewEvent,
    StoredEvent,
    Transaction,
)
from jobdating.eventstore.reading import rows_for
from jobdating.runtime.clock import Clock
from jobdating.runtime.failpoints import failpoint
from jobdating.runtime.ids import new_id

S = TypeVar("S")
T = TypeVar("T")
Project = Callable[[Transaction, list[StoredEvent]], None]
"""A service's read-model update, run in the transaction right after each append the bus makes."""
Extra = Project
"""Work joining a command's transaction after its append (projections, uniqueness indexes, keys)."""
Prepared = tuple[Callable[[S], Sequence[Event]], Extra | None]
"""What a command prepared inside its transaction: how it decides, and its extra work."""


class Meta(msgspec.Struct, frozen=True, kw_only=True):
    """Who asks, on behalf of which org, within which conversation."""

    org: str
    actor_id: str
    correlation_id: str
    causation_id: str | None = None


class Aggregate(Generic[S]):
    """A stream type's pure core: its initial state and how events change it."""

    def __init__(self, initial: Callable[[], S], evolve: Callable[[S, Event], S]) -> None:
        self.initial = initial
        self.evolve = evolve

    def fold(self, events: Sequence[RecordedEvent]) -> S:
        state = self.initial()
        for event in events:
            state = self.evolve(state, event.data)
        return state


class StreamEvent(Protocol):
    """An event for one stream: a decision spanning several streams returns these (publishing a plan)."""

    @property
    def stream_id(self) -> str: ...

    @property
    def event(self) -> Event: ...


class UnitOfWork:
    """One command's transaction as its function sees it: the streams it read, and what it appended.

    Each stream's version is known from its fold (or `expect`): an append continues from it, and one that
    another writer moved in the meantime fails with ConcurrencyConflict. A stream it neither folded nor
    expected is new (version 0).
    """

    def __init__(self, bus: CommandBus, tx: Transaction) -> None:
        self.tx = tx
        self.appended: list[StoredEvent] = []
        self._bus = bus
        self._versions: dict[str, int] = {}
        self._new: set[str] = set()

    def fold(self, aggregate: Aggregate[S], stream_id: str) -> S:
        """A stream's state, read in the transaction (a stream known to be new is not read)."""
        if stream_id in self._new:
            self._versions[stream_id] = 0
            return aggregate.initial()
        history = self._bus.load(self.tx, stream_id)
        self._versions[stream_id] = len(history)
        return aggregate.fold(history)

    def new_stream(self, stream_id: str) -> None:
        """A stream that a read of the command's own found without events, in this transaction (its
        `STREAM_VERSION` was NULL): its fold is the initial state without reading the stream again, one
        statement fewer. A writer that opens it meanwhile makes the append conflict, and the command runs
        again, as after any fold."""
        self._new.add(stream_id)

    def known_new(self, stream_ids: Collection[str]) -> None:
        """`new_stream` for those of `stream_ids` that have no event yet, found in one read (a command
        about hundreds of streams, most of them new, need not read each one first)."""
        sql = "SELECT DISTINCT stream_id FROM events WHERE stream_id IN ({keys})"
        opened = {row[0] for row in rows_for(self.tx, sql, stream_ids)}
        for stream_id in stream_ids:
            if stream_id not in opened:
                self.new_stream(stream_id)

    def expect(self, versions: Mapping[str, int]) -> None:
        """Versions of streams read elsewhere than by `fold` (a read model kept in the same transaction)."""
        self._versions.update(versions)

    def append(self, stream_id: str, events: Sequence[Event], meta: Meta) -> list[StoredEvent]:
        """Append events to one stream (nothing when there are none)."""
        return self._append([(stream_id, event, meta) for event in events])

    def append_many(self, writes: Iterable[StreamEvent], meta: Meta) -> list[StoredEvent]:
        """Append events to several streams, in order."""
        return self._append([(write.stream_id, write.event, meta) for write in writes])

    def append_each(self, writes: Iterable[tuple[str, Sequence[Event], Meta]]) -> list[StoredEvent]:
        """Append to several streams, each with its own meta (its own correlation and cause), in one
        insert: what a message carrying hundreds of others records of them."""
        return self._append(
            [(stream_id, event, meta) for stream_id, events, meta in writes for event in events]
        )

    def _append(self, events: list[tuple[str, Event, Meta]]) -> list[StoredEvent]:
        if not events:
            return []
        now = self._bus.clock.now()  # one time for all the events of one append
        stamped: list[NewEvent] = []
        for stream_id, event, meta in events:
            version = self._versions.get(stream_id, 0) + 1
            self._versions[stream_id] = version
            stamped.append(self._bus.stamp(event, stream_id, version, meta, now))
        stored = self.tx.append(stamped)
        if self._bus.project is not None:
            self._bus.project(self.tx, stored)
        self.appended += stored
        return stored


@dataclass(eq=False)
class CommandBus:
    """Runs commands' units of work: envelopes stamped from the injected clock and ids, one group commit
    (the store's), a bounded retry when another writer moved a stream, `on_commit` once committed."""

    store: EventStore
    service: str
    clock: Clock
    _: KW_ONLY
    registry: EventRegistry = REGISTRY
    ids: Callable[[], str] = new_id
    on_commit: Callable[[list[StoredEvent]], None] | None = None
    project: Project | None = None
    retries: int = 3

    def run(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run `work` in a transaction and return its result once committed; a concurrent writer makes it
        run again from the start (it reads again), a bounded number of times."""
        for attempt in self._attempts():
            with attempt:
                result, appended = self.store.write(lambda tx: self._attempt(work, tx))
                break
        self._committed(appended)
        return result

    async def run_async(self, work: Callable[[UnitOfWork], T]) -> T:
        """`run` from an event loop: the works of the tasks ready together share one commit."""
        for attempt in self._attempts():
            with attempt:
                result, appended = await self.store.write_async(lambda tx: self._attempt(work, tx))
                break
        self._committed(appended)
        return result

    def _attempts(self) -> Iterator[AbstractContextManager[None]]:
        """One context per attempt allowed: a concurrent writer's conflict ends an attempt and the loop tries
        again, except in the last one, which lets it out to the caller."""
        for attempt in range(self.retries + 1):
            yield (
                contextlib.suppress(ConcurrencyConflict)
                if attempt < self.retries
                else contextlib.nullcontext()
            )

    def within(self, tx: Transaction) -> UnitOfWork:
        """A unit of work in a transaction someone else commits (a consumer's, with its inbox row): no
        retry, and the relay hears of its events from that transaction's owner."""
        return UnitOfWork(self, tx)

    def execute(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        decide: Callable[[S], Sequence[Event]],
        meta: Meta,
        *,
        extra: Extra | None = None,
    ) -> list[StoredEvent]:
        """Run a command on one stream: fold it, decide, append.

        `extra` runs in the same transaction after an append (e.g. a projection or a uniqueness index).
        """

        def work(w: UnitOfWork) -> list[StoredEvent]:
            stored = w.append(stream_id, decide(w.fold(aggregate, stream_id)), meta)
            if stored and extra is not None:
                extra(w.tx, stored)
            return stored

        return self.run(work)

    def execute_prepared(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        prepare: Callable[[Transaction], Prepared[S]],
        meta: Meta,
    ) -> list[StoredEvent]:
        """Like `execute`, with the whole command inside the write: `prepare(tx)` validates, reads the facts
        the decision needs in the transaction, and returns `decide` and `extra`.

        Reading in the transaction means the facts cannot change before the append. And on SQLite the write
        runs in the group-commit leader: a command prepared there never competes with the leader for the
        GIL, which on two cores cost more than its validation (see eventstore.group_commit).
        """

        def work(w: UnitOfWork) -> list[StoredEvent]:
            decide, extra = prepare(w.tx)
            stored = w.append(stream_id, decide(w.fold(aggregate, stream_id)), meta)
            if stored and extra is not None:
                extra(w.tx, stored)
            return stored

        return self.run(work)

    def load(self, tx: Transaction, stream_id: str) -> list[RecordedEvent]:
        """A stream's events, decoded (and upcast), read in `tx`."""
        return [self.registry.decode(decode_envelope(e.body), e.position) for e in tx.read_stream(stream_id)]

    def stamp(self, event: Event, stream_id: str, version: int, meta: Meta, at: datetime) -> NewEvent:
        """The envelope of an event about to be appended: its id, its time, who asked and why."""
        return NewEvent(
            envelope=envelope_for(
                event,
                event_id=self.ids(),
                org=meta.org,
                service=self.service,
                stream_id=stream_id,
                stream_version=version,
                occurred_at=at,
                recorded_at=at,
                correlation_id=meta.correlation_id,
                causation_id=meta.causation_id,
                actor_id=meta.actor_id,
            )
        )

    def _attempt(self, work: Callable[[UnitOfWork], T], tx: Transaction) -> tuple[T, list[StoredEvent]]:
        w = UnitOfWork(self, tx)
        return work(w), w.appended

    def _committed(self, appended: list[StoredEvent]) -> None:
        if not appended:
            return
        failpoint("command.after_commit")
        if self.on_commit is not None:
            self.on_commit(appended)
