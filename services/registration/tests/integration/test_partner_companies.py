"""A partner organisation's own registration instance learns, from the stream, the companies registered at
the other instances, so that its candidates may wish for them (and no longer once they withdraw)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.topology import registration_sites
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registration import Wish
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import fed_tables
from jobdating.registration.application import lookups
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.policies import policy_for
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import RegisterCandidate, WithdrawCompany
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, candidate, company, open_site
from jobdating.testing.consumers import run_until

PARTNER = "mission-locale"


def instance(tmp_path: Path, org: str) -> RegistrationService:
    store = SqliteEventStore(tmp_path / f"registration-{org}.db")
    store.migrate()
    return build_service(org=org, store=store)


def logged(service: RegistrationService) -> list[RecordedEvent]:
    return [REGISTRY.decode(decode_envelope(row.body), row.position) for row in service.store.iter_all()]


def wishing(site: str, company_id: str) -> RegisterCandidate:
    return candidate(site, referring_org=PARTNER, wishes=(Wish(rank=1, company_id=company_id),))


def test_a_withdrawal_delivered_before_the_registration_stays_a_withdrawal(tmp_path: Path) -> None:
    coordinator, partner = instance(tmp_path, "mel"), instance(tmp_path, PARTNER)
    company_id = RegistrationHandlers(coordinator).register_company(CALLERS["mel-coordinator"], company())
    RegistrationHandlers(coordinator).withdraw_company(
        CALLERS["mel-coordinator"], WithdrawCompany(company_id=company_id, reason="complet")
    )
    registered, withdrew = logged(coordinator)
    handle = policy_for(PARTNER, fed_tables)
    for event in (withdrew, registered):
        with partner.store.transaction() as tx:
            handle(tx, event)
    assert lookups.live_company_ids(partner.store, [company_id]) == frozenset()
    # An instance ignores its own companies on the stream: its log and projections have them already.
    with coordinator.store.transaction() as tx:
        policy_for("mel", fed_tables)(tx, registered)
    assert coordinator.store.query("SELECT COUNT(*) FROM partner_companies") == [(0,)]


@pytest.mark.nats
async def test_a_partner_instance_takes_wishes_for_the_coordinators_companies(
    tmp_path: Path, js: JetStreamContext
) -> None:
    coordinator, partner = instance(tmp_path, "mel"), instance(tmp_path, PARTNER)
    await provision(js, consumers=[registration_sites(PARTNER)])
    site = open_site(partner)
    company_id = RegistrationHandlers(coordinator).register_company(CALLERS["mel-coordinator"], company())
    with pytest.raises(Rejected):  # not known there yet
        RegistrationHandlers(partner).register_candidate(CALLERS["ml-counsellor"], wishing(site, company_id))

    relay = Relay(coordinator.store, js)
    assert await relay.publish_pending() == 1
    runner = ConsumerRunner(
        partner.store, js, registration_sites(PARTNER).durable, policy_for(PARTNER, fed_tables)
    )
    await run_until(runner, lambda: runner.handled >= 1)
    RegistrationHandlers(partner).register_candidate(CALLERS["ml-counsellor"], wishing(site, company_id))

    RegistrationHandlers(coordinator).withdraw_company(
        CALLERS["mel-coordinator"], WithdrawCompany(company_id=company_id, reason="complet")
    )
    assert await relay.publish_pending() == 1
    await run_until(runner, lambda: runner.handled >= 2)
    with pytest.raises(Rejected):
        RegistrationHandlers(partner).register_candidate(CALLERS["ml-counsellor"], wishing(site, company_id))
    assert partner.store.parked(registration_sites(PARTNER).durable) == []
