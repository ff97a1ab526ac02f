"""What operators' tools may know of notifications' read models (see `jobdating.eventstore.readmodel`): the
reminder opt-outs follow its own log; its copies of candidates, companies, sites and the plan are fed by
its three consumers. Planned messages are working state, neither rebuilt nor compared."""

from __future__ import annotations

from jobdating.bus.topology import CONSUMERS
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.log_models import create_tables, log_read_model
from jobdating.eventstore.readmodel import Apply, FedModel
from jobdating.notifications.adapters import projections, tables
from jobdating.notifications.application.planner import (
    REGISTRATION_CONSUMER,
    SCHEDULING_CONSUMER,
    SITES_CONSUMER,
)

COPIES = (
    "notif_candidate",
    "notif_company",
    "notif_site",
    "notif_room",
    "notif_computer",
    "notif_slot",
    "notif_slot_place",
    "notif_workshop",
    "notif_workshop_seat",
    "notif_workshop_cancelled",
    "notif_counselling",
    "notif_declined",
)
"""Notifications' copies of the other services' facts. `notif_job_dating` is left out: it also holds when
the recruiters' agendas are due, set from the clock when the plan was published."""


def _prepare(tx: Transaction) -> None:
    create_tables(tx, tables.SCHEMA)


LOG = log_read_model("notifications", projections.OWN_TABLES, tables.SCHEMA, projections.apply_own)


def fed(label: str, own_org: str | None, instance_org: str | None) -> FedModel:
    """The copies of the other services' facts, fed by the planner's three consumers."""
    by_name = {c.durable: c.filter_subjects for c in CONSUMERS}
    # The copies half of the planner's handlers: the messages they plan are working state.
    appliers: dict[str, Apply] = {
        REGISTRATION_CONSUMER: projections.apply_registration,
        SITES_CONSUMER: projections.apply_sites,
        SCHEDULING_CONSUMER: projections.apply_scheduling,
    }
    feeds = tuple((name, by_name[name]) for name in appliers)
    return FedModel(label, COPIES, feeds, _prepare, appliers.__getitem__)
