"""A consumer's effect, exactly once: the inbox row written in the handler's own transaction, the trust
rules checked first, and parked events re-driven once fixed (`redrive`)."""

from __future__ import annotations

from collections.abc import Callable

from jobdating.bus.trust import accept, vet
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.trust import FORGED
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.runtime.clock import Clock, SystemClock

Handler = Callable[[Transaction, RecordedEvent], None]


class NotYet(Exception):
    """The event depends on one not handled yet: retry later (it does not count as a failure)."""


def apply_once(
    tx: Transaction,
    consumer: str,
    handler: Handler,
    event: RecordedEvent,
    clock: Clock,
    *,
    subject: str | None = None,
    coordinator: str | None = None,
) -> None:
    """Apply `event` unless the consumer's inbox has it, and record it there in the same transaction.

    The trust rules come first (`Forged` when they refuse; the subject is checked when given); the stream's
    owner is recorded with the inbox row.
    """
    if tx.seen(consumer, event.envelope.event_id):
        return
    vet(tx, consumer, subject, event, coordinator)
    handler(tx, event)
    accept(tx, consumer, event)
    tx.mark_seen(consumer, event.envelope.event_id, clock.now())


def redrive(
    store: EventStore,
    consumer: str,
    handler: Handler,
    *,
    registry: EventRegistry = REGISTRY,
    clock: Clock | None = None,
    event_id: str | None = None,
    coordinator: str | None = None,
) -> tuple[int, list[str]]:
    """Re-run parked events through the handler (once fixed); returns (re-driven, still failing).

    A forged event stays parked: the trust rules are checked again, and one parked as forged is never
    re-driven (it is the audit's to report).
    """
    clock = clock or SystemClock()
    done = 0
    failing: list[str] = []
    for parked in store.parked(consumer):
        if event_id is not None and parked.event_id != event_id:
            continue
        if parked.error.startswith(f"{FORGED}:"):
            failing.append(f"{parked.event_id}: {parked.error} (never re-driven)")
            continue
        try:
            event = registry.decode(decode_envelope(parked.body))
            with store.transaction() as tx:
                apply_once(
                    tx, consumer, handler, event, clock, subject=parked.subject, coordinator=coordinator
                )
                tx.unpark(consumer, parked.event_id)
            done += 1
        except Exception as exc:
            failing.append(f"{parked.event_id}: {type(exc).__name__}: {exc}")
    return done, failing
