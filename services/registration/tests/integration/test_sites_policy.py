"""The registration-sites consumer: real sites events keep the sites candidates may choose up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner, NotYet
from jobdating.bus.relay import Relay
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Event, RecordedEvent
from jobdating.contracts.sites import RoomAdded, SiteClosed, SiteOpened, SiteReopened
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import fed_tables
from jobdating.registration.application import lookups, queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.policies import SITES_CONSUMER, on_site_event
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.testing import CALLERS, candidate
from jobdating.runtime.ids import new_id
from jobdating.testing.consumers import run_until
from jobdating.testing.events import envelope


def recorded(event: Event, stream_id: str, version: int) -> RecordedEvent:
    return REGISTRY.decode(envelope(event, stream_id, version))


def opened(site_id: str, name: str = "Espace emploi de Faches-Thumesnil") -> SiteOpened:
    return SiteOpened(
        site_id=site_id, name=name, host_org="departement-nord", commune="Faches", postcode="59155"
    )


def handle(service: RegistrationService, event: RecordedEvent) -> None:
    with service.store.transaction() as tx:
        on_site_event(tx, event, fed_tables)


def test_an_opened_site_becomes_a_choice_until_it_closes(service: RegistrationService) -> None:
    site = f"site-{new_id()}"
    handle(service, recorded(opened(site), site, 1))
    assert [(s.site_id, s.open) for s in queries.sites(service.store)] == [(site, True)]
    RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], candidate(site))
    handle(service, recorded(SiteClosed(site_id=site, reason="travaux"), site, 2))
    # A late redelivery of the opening does not reopen it.
    handle(service, recorded(opened(site), site, 1))
    assert [(s.site_id, s.open) for s in queries.sites(service.store)] == [(site, False)]
    assert lookups.open_site_ids(service.store) == frozenset()


def test_a_reopened_site_is_a_choice_again_and_a_late_closing_does_not_close_it(
    service: RegistrationService,
) -> None:
    site = f"site-{new_id()}"
    handle(service, recorded(opened(site), site, 1))
    handle(service, recorded(SiteClosed(site_id=site, reason="travaux"), site, 2))
    handle(service, recorded(SiteReopened(site_id=site), site, 3))
    # A late redelivery of the closing does not close it again.
    handle(service, recorded(SiteClosed(site_id=site, reason="travaux"), site, 2))
    assert [(s.site_id, s.open) for s in queries.sites(service.store)] == [(site, True)]
    assert lookups.open_site_ids(service.store) == frozenset({site})
    RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], candidate(site))


def test_a_reopening_that_arrives_before_its_opening_waits_for_it(service: RegistrationService) -> None:
    site = f"site-{new_id()}"
    with pytest.raises(NotYet):
        handle(service, recorded(SiteReopened(site_id=site), site, 3))
    assert queries.sites(service.store) == []


def test_a_closing_that_arrives_before_its_opening_waits_for_it(service: RegistrationService) -> None:
    site = f"site-{new_id()}"
    with pytest.raises(NotYet):
        handle(service, recorded(SiteClosed(site_id=site, reason="travaux"), site, 2))
    assert queries.sites(service.store) == []
    handle(service, recorded(opened(site), site, 1))
    handle(service, recorded(SiteClosed(site_id=site, reason="travaux"), site, 2))
    assert [s.open for s in queries.sites(service.store)] == [False]


def test_other_site_events_change_nothing_here(service: RegistrationService) -> None:
    site = f"site-{new_id()}"
    handle(service, recorded(opened(site), site, 1))
    handle(service, recorded(RoomAdded(site_id=site, room_id="r1", name="Salle 1", capacity=12), site, 2))
    assert [(s.site_id, s.open) for s in queries.sites(service.store)] == [(site, True)]


@pytest.mark.nats
async def test_sites_published_by_the_sites_service_reach_registration_through_jetstream(
    tmp_path: Path, js: JetStreamContext, service: RegistrationService
) -> None:
    sites_store = SqliteEventStore(tmp_path / "sites.db")
    sites_store.migrate()
    ids = [f"site-{new_id()}" for _ in range(3)]
    sites_store.append([NewEvent(envelope=envelope(opened(s, f"Site {i}"), s, 1)) for i, s in enumerate(ids)])
    sites_store.append([NewEvent(envelope=envelope(SiteClosed(site_id=ids[2], reason="travaux"), ids[2], 2))])
    relay = Relay(sites_store, js)
    assert await relay.publish_pending() == 4
    runner = ConsumerRunner(service.store, js, SITES_CONSUMER, lambda tx, e: on_site_event(tx, e, fed_tables))
    await run_until(runner, lambda: runner.handled == 4)
    assert lookups.open_site_ids(service.store) == frozenset(ids[:2])
    RegistrationHandlers(service).register_candidate(CALLERS["mel-counsellor"], candidate(ids[0]))
    assert service.store.parked(SITES_CONSUMER) == []
    sites_store.close()
