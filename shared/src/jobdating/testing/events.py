"""Builders of real contract events for tests and benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, Event, envelope_for
from jobdating.contracts.sites import SiteOpened
from jobdating.eventstore.base import NewEvent
from jobdating.runtime.ids import new_id

__all__ = ["REGISTRY", "new_event", "site_opened"]

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def site_opened(site_id: str, n: int = 0) -> SiteOpened:
    return SiteOpened(site_id=site_id, name=f"Site {n}", host_org="mel", commune="Seclin", postcode="59113")


def envelope(
    event: Event,
    stream_id: str,
    version: int,
    org: str = "mel",
    service: str = "sites",
    at: datetime = T0,
    actor_id: str = "test",
) -> Envelope:
    """`event` as its service publishes it: fresh ids, occurred and recorded `at`."""
    return envelope_for(
        event,
        event_id=new_id(),
        org=org,
        service=service,
        stream_id=stream_id,
        stream_version=version,
        occurred_at=at,
        recorded_at=at,
        correlation_id=new_id(),
        causation_id=None,
        actor_id=actor_id,
    )


def new_event(stream_id: str, version: int, n: int = 0, org: str = "mel") -> NewEvent:
    """A SiteOpened at a given stream version, ready to append."""
    return NewEvent(envelope=envelope(site_opened(stream_id, n), stream_id, version, org=org))
