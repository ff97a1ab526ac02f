"""Reactions to other services' events: the sites service tells us which sites candidates may choose."""

from __future__ import annotations

from typing import Final

from jobdating.bus.consumer import NotYet
from jobdating.bus.topology import REGISTRATION_SITES
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.sites import SiteClosed, SiteOpened
from jobdating.eventstore.base import Transaction
from jobdating.registration.adapters import projections

SITES_CONSUMER: Final = REGISTRATION_SITES
"""The default instance's durable consumer (see `jobdating.bus.topology.registration_sites`)."""


def on_site_event(tx: Transaction, event: RecordedEvent) -> None:
    """Keep `known_sites` in step with the sites service (run by ConsumerRunner, inbox-deduplicated)."""
    version = event.envelope.stream_version
    match event.data:
        case SiteOpened() as opened:
            projections.record_site_opened(tx, opened, version)
        case SiteClosed() as closed:
            if not projections.record_site_closed(tx, closed.site_id, version):
                # Redelivery can bring the closing before the opening: wait for the opening.
                raise NotYet(closed.site_id)
        case _:
            # Rooms, computers and the like do not change where candidates may register.
            return
