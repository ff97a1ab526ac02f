"""What operators' tools may know of scheduling's read models (see `jobdating.eventstore.readmodel`): job
datings, slots, their changes, attendance and workshops follow its own log; candidates, companies, sites,
computers and outages are facts its two consumers keep from registration and sites."""

from __future__ import annotations

from jobdating.bus.topology import CONSUMERS
from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.log_models import create_tables, log_read_model
from jobdating.eventstore.readmodel import FedModel
from jobdating.scheduling.adapters import facts, projections, tables
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER, SITES_CONSUMER

LOG = log_read_model(
    "scheduling", tables.READ_MODEL_TABLES, tables.SCHEMA, projections.apply, projections.PROJECTION
)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel:
    """The facts scheduling plans from, fed by its registration and sites consumers."""
    by_name = {c.durable: c.filter_subjects for c in CONSUMERS}
    feeds = tuple((name, by_name[name]) for name in (REGISTRATION_CONSUMER, SITES_CONSUMER))

    def prepare(tx: Transaction) -> None:
        create_tables(tx, tables.SCHEMA)

    def apply(tx: Transaction, event: RecordedEvent) -> None:
        # The facts half of the policies: the repairs they trigger write scheduling's own log, audited there.
        facts.apply_fact(tx, event)

    return FedModel(label, tuple(tables.FACT_TABLES), feeds, prepare, lambda _: apply)


rebuild = projections.rebuild
