"""What a service declares of its read models, so that its own `rebuild` command and the operator's replay
and audit rebuild them the same way.

Each service has one `readmodel` module (`jobdating.<service>.readmodel`) holding:
- `LOG`, a `ReadModel`: the tables that follow the service's own events ("log projections"), how an event
  is applied to them, how an empty store is readied for them;
- `fed(label, own_org, instance_org)`, a `FedModel` or None: the tables the service keeps from other
  services' events (its consumers' facts), fed by durable consumers rather than by its log.

The other tables (working state such as messages to send or provisional plans) are not rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registry import EventRegistry
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.rebuild import replay_log

Apply = Callable[[Transaction, RecordedEvent], None]
Rows = dict[str, list[tuple[Any, ...]]]
Feed = tuple[str, tuple[str, ...]]
"""A durable consumer's name and its filter subjects."""


@dataclass(frozen=True)
class ReadModel:
    """One service's log projections: how to rebuild them and how to read them for a comparison.

    `prepare(live, fresh)` readies an empty store (tables, and anything the projections read besides the
    log, e.g. registration's person keys); `applier(store)` gives the function applying one event to the
    tables of `store`; `checkpoint` names the projection's checkpoint when the service keeps one.
    """

    service: str
    tables: tuple[str, ...]
    prepare: Callable[[EventStore, Transaction], None]
    applier: Callable[[EventStore], Apply]
    checkpoint: str | None = None

    def rows(self, store: EventStore) -> Rows:
        """Every row of the projection's tables, sorted (a table's rows form a set: order is irrelevant)."""
        return table_rows(store, self.tables)


@dataclass(frozen=True)
class FedModel:
    """The tables one service instance keeps from its consumers, and how each consumer applies an event."""

    service: str
    tables: tuple[str, ...]
    feeds: tuple[Feed, ...]
    prepare: Callable[[Transaction], None]
    handler: Callable[[str], Apply]  # by durable name

    def rows(self, store: EventStore) -> Rows:
        return table_rows(store, self.tables)


def table_rows(store: EventStore, tables: Sequence[str]) -> Rows:
    """Every row of these tables, sorted by their canonical encoding (a table's rows form a set; the
    encoding never compares a NULL with a value, as sorting the tuples would)."""
    return {
        table: sorted((tuple(r) for r in store.query(f"SELECT * FROM {table}")), key=canonical)
        for table in tables
    }


_encoder = msgspec.json.Encoder(order="sorted")


def canonical(value: Any) -> bytes:
    """A row's stable encoding, for sorting and hashing."""
    return _encoder.encode(value)


def rebuild_in_place(
    store: EventStore,
    tables: Sequence[str],
    apply: Apply,
    checkpoint: str,
    registry: EventRegistry = REGISTRY,
) -> int:
    """Empty `tables` and replay the whole log into them; returns how many events were replayed.

    Run it on a stopped service (or a copy of its store): a command committed meanwhile would be applied
    twice. Each batch commits with the checkpoint, so an interrupted rebuild shows how far it got.
    """
    with store.transaction() as tx:
        for table in tables:
            tx.execute(f"DELETE FROM {table}")
        tx.set_checkpoint(checkpoint, 0)

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        with store.transaction() as tx:
            for event in events:
                apply(tx, event)
            tx.set_checkpoint(checkpoint, events[-1].position)

    with store.rebuilding():  # batches durable together at the end: a crash means rebuilding again
        return replay_log(store, apply_batch, registry=registry)
