"""What operators' tools may know of the sites service's read model (see `jobdating.eventstore.readmodel`):
sites, rooms and computers follow its own log; it keeps nothing from other services."""

from __future__ import annotations

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.readmodel import FedModel, ReadModel
from jobdating.sites.adapters import projections


def _prepare(live: EventStore, fresh: Transaction) -> None:
    for ddl in projections.SCHEMA:
        fresh.execute(ddl)


LOG = ReadModel(
    "sites", tuple(projections.TABLES), _prepare, lambda _: projections.apply, projections.PROJECTION
)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel | None:
    """The sites service has no consumer."""
    return None


rebuild = projections.rebuild
