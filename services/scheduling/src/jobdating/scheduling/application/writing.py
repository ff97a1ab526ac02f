"""Scheduling's write path: one transaction that reads, decides, appends to one or several streams and
updates the read model; a concurrent writer makes it read and decide again.

It builds on the runtime's `CommandBus` (its clock, ids, registry, stream loading and commit hook): the
bus appends to one stream per command, while publishing a plan or repairing it writes to the job dating
and to many slots at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from jobdating.contracts.envelope import envelope_for
from jobdating.contracts.scheduling import SERVICE
from jobdating.eventstore.base import ConcurrencyConflict, NewEvent, StoredEvent, Transaction
from jobdating.runtime.commands import Aggregate, CommandBus, Meta
from jobdating.scheduling.adapters import projections
from jobdating.scheduling.domain.plans import Write

S = TypeVar("S")
T = TypeVar("T")


class Writer:
    """Runs units of work in transactions and appends their writes with stamped envelopes."""

    def __init__(self, bus: CommandBus, org: str, log: Any = None) -> None:
        self.bus = bus
        self.store = bus.store
        self.org = org
        self.log = log

    def fold(self, tx: Transaction, aggregate: Aggregate[S], stream_id: str) -> tuple[S, int]:
        """A stream's state and version, read in `tx`."""
        history = self.bus.load(tx, stream_id)
        return aggregate.fold(history), len(history)

    def transact(
        self, work: Callable[[Transaction], tuple[T, list[StoredEvent]]]
    ) -> tuple[T, list[StoredEvent]]:
        """Run `work` in a transaction (again after a concurrency conflict, a bounded number of times)."""
        for attempt in range(self.bus.retries + 1):
            try:
                with self.store.transaction() as tx:
                    result, stored = work(tx)
            except ConcurrencyConflict:
                if attempt == self.bus.retries:
                    raise
                continue
            if stored and self.bus.on_commit is not None:
                self.bus.on_commit(stored)
            return result, stored
        raise AssertionError("unreachable")

    def append(
        self, tx: Transaction, writes: Sequence[Write], versions: Mapping[str, int], meta: Meta
    ) -> list[StoredEvent]:
        """Append `writes` in order: each stream continues from its version in `versions` (0 if absent);
        a stream another writer moved in the meantime raises ConcurrencyConflict."""
        if not writes:
            return []
        now = self.bus.clock.now()
        next_version = dict(versions)
        events: list[NewEvent] = []
        for write in writes:
            version = next_version.get(write.stream_id, 0) + 1
            next_version[write.stream_id] = version
            events.append(
                NewEvent(
                    envelope=envelope_for(
                        write.event,
                        event_id=self.bus.ids(),
                        org=meta.org,
                        service=SERVICE,
                        stream_id=write.stream_id,
                        stream_version=version,
                        occurred_at=now,
                        recorded_at=now,
                        correlation_id=meta.correlation_id,
                        causation_id=meta.causation_id,
                        actor_id=meta.actor_id,
                    )
                )
            )
        stored = tx.append(events)
        projections.project(tx, stored, self.bus.registry)
        if self.log is not None:
            for row in stored:
                # Ids and types only, never a personal field.
                self.log.info(
                    "event_recorded",
                    event_type=row.event_type,
                    stream_id=row.stream_id,
                    event_id=row.event_id,
                    position=row.position,
                )
        return stored
