"""What operators' tools may know of registration's read models (see `jobdating.eventstore.readmodel`):
the log's projections, which hold personal data in clear and so need the person keys to be rebuilt, and
the sites and partner companies a registration instance learns from the stream."""

from __future__ import annotations

from jobdating.bus.topology import registration_sites, registration_sites_durable
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.readmodel import Apply, FedModel, ReadModel
from jobdating.registration.adapters import blind_index_tables, fed_tables, projections
from jobdating.registration.adapters.keyring import Keyring
from jobdating.registration.application.policies import policy_for


def _prepare(live: EventStore, fresh: Transaction) -> None:
    projections.prepare_fresh(live, fresh, Keyring(live))


def _applier(store: EventStore) -> Apply:
    keyring = Keyring(store)
    return lambda tx, event: projections.apply(tx, event, keyring)


LOG = ReadModel("registration", tuple(projections.LOG_TABLES), _prepare, _applier)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel | None:
    """The known sites and partner companies of the instance `label` (`registration@ORG` for a partner's
    own instance); None when the instance's organisation is unknown (its policy depends on it)."""
    if own_org is None:
        return None
    spec = registration_sites(instance_org)

    def prepare(tx: Transaction) -> None:
        tx.execute(fed_tables.SITES_SCHEMA)
        tx.execute(fed_tables.PARTNER_COMPANIES_SCHEMA)
        blind_index_tables.migrate(tx)

    policy = policy_for(own_org, fed_tables)
    return FedModel(
        label,
        ("known_sites", "partner_companies", "partner_blind_index"),
        ((registration_sites_durable(instance_org), spec.filter_subjects),),
        prepare,
        lambda _: policy,
    )


def rebuild(store: EventStore) -> int:
    """Registration's own `rebuild` command: the log's projections, in one transaction."""
    return projections.rebuild(store, Keyring(store))
