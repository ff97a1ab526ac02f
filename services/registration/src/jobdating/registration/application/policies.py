"""Reactions to other services' events: the sites service tells us which sites candidates may choose, and
the other organisations' registration instances which companies they registered and their candidates'
blind index entries (to find the same person registered at two partners)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from jobdating.bus.consumer import NotYet
from jobdating.bus.topology import REGISTRATION_SITES
from jobdating.contracts.duplicates import BLIND_INDEX, BlindIndexPublished, BlindIndexRemoved
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registration import COMPANY, CompanyRegistered, CompanyWithdrew
from jobdating.contracts.sites import SiteClosed, SiteOpened, SiteReopened
from jobdating.eventstore.base import Transaction
from jobdating.registration.application.ports import FedTables

SITES_CONSUMER: Final = REGISTRATION_SITES
"""The default instance's durable consumer (see `jobdating.bus.topology.registration_sites`)."""

Handler = Callable[[Transaction, RecordedEvent], None]


def on_site_event(tx: Transaction, event: RecordedEvent, fed: FedTables) -> None:
    """Keep `known_sites` in step with the sites service (run by ConsumerRunner, inbox-deduplicated)."""
    version = event.envelope.stream_version
    match event.data:
        case SiteOpened() as opened:
            fed.record_site_opened(tx, opened, version)
        case SiteClosed() | SiteReopened() as changed:
            if not fed.record_site_open(tx, changed.site_id, isinstance(changed, SiteReopened), version):
                # Redelivery can bring the closing (or reopening) before the opening: wait for the opening.
                raise NotYet(changed.site_id)
        case _:
            # Rooms, computers and the like do not change where candidates may register.
            return


def policy_for(own_org: str, tables: FedTables) -> Handler:
    """The handler of this instance's durable: sites, and the companies other instances registered (our
    own are in our log and projections already; counting them twice would let a wish name a company we
    saw withdraw before the stream told us). `tables` writes them; bootstrap passes `adapters.fed_tables`."""

    def on_shared_event(tx: Transaction, event: RecordedEvent) -> None:
        env = event.envelope
        if env.stream_type == BLIND_INDEX:
            if env.org != own_org:
                on_partner_index(tx, event, tables)
            return
        if env.stream_type != COMPANY:
            on_site_event(tx, event, tables)
            return
        if env.org == own_org:
            return
        match event.data:
            case CompanyRegistered() as registered:
                tables.record_partner_company(tx, registered.company_id, env.org, True, env.stream_version)
            case CompanyWithdrew() as withdrew:
                tables.record_partner_company(tx, withdrew.company_id, env.org, False, env.stream_version)
            case _:
                # A profile change does not change whether candidates may wish for the company.
                return

    return on_shared_event


def on_partner_index(tx: Transaction, event: RecordedEvent, fed: FedTables) -> None:
    """Another organisation's blind index entries for one of its candidates (digests only): this instance's
    duplicate sweep compares them with its own."""
    env = event.envelope
    match event.data:
        case BlindIndexPublished() as published:
            entries = (published.phone, published.email)
            fed.record_partner_index(tx, env.org, published.candidate_id, entries, env.stream_version)
        case BlindIndexRemoved() as removed:
            fed.record_partner_index(tx, env.org, removed.candidate_id, None, env.stream_version)
        case _:
            return
