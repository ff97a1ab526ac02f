"""What operators' tools may know of the identity service's read model (see `jobdating.eventstore.readmodel`):
organisations and accounts follow its own log; it keeps nothing from other services.

The private tables (addresses, password hashes, TOTP secrets, invitations) and the signing keys are not a
projection: they are not in the log, so no replay can rebuild them, and no tool copies them.
"""

from __future__ import annotations

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.readmodel import FedModel, ReadModel
from jobdating.identity.adapters import projections


def _prepare(live: EventStore, fresh: Transaction) -> None:
    for ddl in projections.SCHEMA:
        fresh.execute(ddl)


LOG = ReadModel(
    "identity", tuple(projections.TABLES), _prepare, lambda _: projections.apply, projections.PROJECTION
)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel | None:
    """The identity service has no consumer."""
    return None


rebuild = projections.rebuild
