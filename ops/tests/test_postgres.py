"""Audit and replay of a service whose store is PostgreSQL (the production shape), given by URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.ops.audit.run import audit
from jobdating.ops.readmodels import projection_hash, read_model
from jobdating.ops.replay import replay
from jobdating.registration.application import handlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import EraseCandidate
from jobdating.registration.testing import CALLERS, candidate, company, open_site

from .conftest import ORG

pytestmark = [pytest.mark.nats, pytest.mark.postgres]


@pytest.fixture
def on_postgres(pg_dsn: str) -> Iterator[RegistrationService]:
    store = PostgresEventStore(pg_dsn)
    store.migrate()
    service = build_service(org=ORG, store=store)
    site = open_site(service)
    who = CALLERS["mel-counsellor"]
    ids = [handlers.register_candidate(service, who, candidate(site)) for _ in range(3)]
    handlers.erase_candidate(service, who, EraseCandidate(candidate_id=ids[0]))
    handlers.register_company(service, CALLERS["mel-coordinator"], company())
    yield service
    store.close()


async def test_a_postgresql_store_is_audited_and_replayed_by_url(
    on_postgres: RegistrationService, pg_dsn: str, js: JetStreamContext, tmp_path: Path
) -> None:
    store = on_postgres.store
    await Relay(store, js).publish_pending()
    urls = {"registration": pg_dsn}
    report = await audit(tmp_path, js, urls=urls)
    assert report.clean, report.differences
    assert [(s.service, s.events, s.in_stream) for s in report.services] == [("registration", 5, 5)]

    model = read_model("registration")
    before = projection_hash(model.rows(store))
    with store.transaction() as tx:
        tx.execute("UPDATE companies SET sector = 'commerce'")
    report = await audit(tmp_path, js, urls=urls)
    assert any("companies" in d.detail and "sector" in d.detail for d in report.differences)

    result = await replay(tmp_path, "registration", js=js, store_url=pg_dsn)
    assert result.projection_hash == before == projection_hash(model.rows(store))
    assert (await audit(tmp_path, js, urls=urls)).clean
