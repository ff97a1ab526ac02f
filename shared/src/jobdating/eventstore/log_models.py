"""Tables a service creates in its store, and the read models (see `jobdating.eventstore.readmodel`) whose
projections need nothing but their own tables: an empty store is readied by creating them, and the event
applier is the same whatever the store."""

from __future__ import annotations

from collections.abc import Iterable

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.readmodel import Apply, FedModel, ReadModel


def log_read_model(
    service: str, tables: Iterable[str], schema: Iterable[str], apply: Apply, checkpoint: str | None = None
) -> ReadModel:
    """`LOG` of a service whose projections fill `tables`, created by the DDL statements of `schema`."""
    ddl = tuple(schema)

    def prepare(live: EventStore, fresh: Transaction) -> None:
        create_tables(fresh, ddl)

    return ReadModel(service, tuple(tables), prepare, lambda _: apply, checkpoint)


def create_tables(tx: Transaction, schema: Iterable[str]) -> None:
    """Run the DDL statements of `schema` in `tx` (each `IF NOT EXISTS`: running them again is harmless)."""
    for ddl in schema:
        tx.execute(ddl)


def no_fed_model(label: str, own_org: str | None, instance_org: str | None) -> FedModel | None:
    """`fed` of a service without consumers: it keeps nothing from other services."""
    return None
