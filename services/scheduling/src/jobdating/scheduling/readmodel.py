"""What operators' tools may know of scheduling's read models (see `jobdating.eventstore.readmodel`): job
datings, slots, their changes, attendance and workshops follow its own log; candidates, companies, sites,
computers and outages are facts its consumers keep from registration and sites, accounts from identity."""

from __future__ import annotations

from jobdating.bus.topology import CONSUMERS
from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.log_models import create_tables, log_read_model
from jobdating.eventstore.readmodel import Apply, FedModel
from jobdating.scheduling.adapters import accounts, facts, projections, tables
from jobdating.scheduling.application.policies import IDENTITY_CONSUMER, REGISTRATION_CONSUMER, SITES_CONSUMER

LOG = log_read_model(
    "scheduling", tables.READ_MODEL_TABLES, tables.SCHEMA, projections.apply, projections.PROJECTION
)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel:
    """The facts scheduling plans from, fed by its registration and sites consumers, and the accounts its
    identity consumer keeps."""
    by_name = {c.durable: c.filter_subjects for c in CONSUMERS}
    consumers = (REGISTRATION_CONSUMER, SITES_CONSUMER, IDENTITY_CONSUMER)
    feeds = tuple((name, by_name[name]) for name in consumers)

    def prepare(tx: Transaction) -> None:
        create_tables(tx, tables.SCHEMA)

    def apply(tx: Transaction, event: RecordedEvent) -> None:
        # The facts half of the policies: the repairs they trigger write scheduling's own log, audited there.
        facts.apply_fact(tx, event)

    def apply_account(tx: Transaction, event: RecordedEvent) -> None:
        accounts.apply_account(tx, event)

    def handler(durable: str) -> Apply:
        return apply_account if durable == IDENTITY_CONSUMER else apply

    return FedModel(label, tuple(tables.FACT_TABLES), feeds, prepare, handler)


rebuild = projections.rebuild
