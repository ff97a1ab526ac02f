"""The one write path of every service: load a stream, fold it, decide, append; retry on conflict.

The domain supplies `evolve` and `decide` (pure); this module supplies ids, clock and the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

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
from jobdating.runtime.clock import Clock
from jobdating.runtime.failpoints import failpoint
from jobdating.runtime.ids import new_id

S = TypeVar("S")
Extra = Callable[[Transaction, list[StoredEvent]], None]
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


class CommandBus:
    """Appends the events a decision returns, with envelopes stamped from the injected clock and ids."""

    def __init__(
        self,
        store: EventStore,
        service: str,
        clock: Clock,
        *,
        registry: EventRegistry = REGISTRY,
        ids: Callable[[], str] = new_id,
        on_commit: Callable[[list[StoredEvent]], None] | None = None,
        retries: int = 3,
    ) -> None:
        self.store = store
        self.service = service
        self.clock = clock
        self.registry = registry
        self.ids = ids
        self.on_commit = on_commit
        self.retries = retries

    def load(self, tx: Transaction, stream_id: str) -> list[RecordedEvent]:
        return [self.registry.decode(decode_envelope(e.body), e.position) for e in tx.read_stream(stream_id)]

    def execute(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        decide: Callable[[S], Sequence[Event]],
        meta: Meta,
        *,
        extra: Extra | None = None,
    ) -> list[StoredEvent]:
        """Run one command; a concurrent writer makes it reload and decide again, a bounded number of times.

        `extra` runs in the same transaction (e.g. to update a projection or a uniqueness index).
        """
        return self.execute_prepared(aggregate, stream_id, lambda _tx: (decide, extra), meta)

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

        def work(tx: Transaction) -> list[StoredEvent]:
            decide, extra = prepare(tx)
            history = self.load(tx, stream_id)
            events = decide(aggregate.fold(history))
            if not events:
                return []
            stored = tx.append(self._envelopes(events, stream_id, len(history), meta))
            if extra is not None:
                extra(tx, stored)
            return stored

        for attempt in range(self.retries + 1):
            try:
                stored = self.store.write(work)
            except ConcurrencyConflict:
                if attempt == self.retries:
                    raise
                continue
            if not stored:
                return []
            failpoint("command.after_commit")
            if self.on_commit is not None:
                self.on_commit(stored)
            return stored
        raise AssertionError("unreachable")

    def _envelopes(self, events: Sequence[Event], stream_id: str, version: int, meta: Meta) -> list[NewEvent]:
        now = self.clock.now()
        return [
            NewEvent(
                envelope=envelope_for(
                    event,
                    event_id=self.ids(),
                    org=meta.org,
                    service=self.service,
                    stream_id=stream_id,
                    stream_version=version + i,
                    occurred_at=now,
                    recorded_at=now,
                    correlation_id=meta.correlation_id,
                    causation_id=meta.causation_id,
                    actor_id=meta.actor_id,
                )
            )
            for i, event in enumerate(events, start=1)
        ]
