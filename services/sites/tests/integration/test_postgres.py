"""The same service on PostgreSQL: the read model's SQL, the rebuild, and the label rule under concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.sites.adapters import projections
from jobdating.sites.bootstrap import SitesService

from .conftest import Api, api_of, service_on
from .test_rebuild import a_busy_morning

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_service(pg_store: EventStore) -> SitesService:
    return service_on(pg_store)


@pytest.fixture
async def pg_api(pg_service: SitesService) -> AsyncIterator[Api]:
    async with api_of(pg_service) as api:
        yield api


async def test_on_postgres_a_rebuild_equals_the_live_read_model(
    pg_api: Api, pg_service: SitesService
) -> None:
    await a_busy_morning(pg_api)
    live = projections.snapshot(pg_service.store)
    assert projections.rebuild(pg_service.store) == pg_service.store.count() == 14
    assert projections.snapshot(pg_service.store) == live
    usable = await pg_api.call(
        "GET", "/availability", params={"start": "2026-12-03T09:00", "end": "2026-12-03T10:00"}
    )
    assert [len(s["computers"]) for s in usable.json()["sites"]] == [2]


async def test_on_postgres_racing_computers_leave_one_per_label(
    pg_api: Api, pg_service: SitesService
) -> None:
    site = await pg_api.open_site()
    body = {"site_id": site["site_id"], "label": "PC 1", "webcam": True, "headset": True, "visio_ready": True}
    responses = await asyncio.gather(*(pg_api.call("POST", "/computers", json=body) for _ in range(6)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]
    assert len(pg_service.queries.computers(site["site_id"])) == 1
    assert pg_service.store.count() == 2


async def test_on_postgres_a_closing_site_and_a_new_computer_never_both_win(
    pg_api: Api, pg_service: SitesService
) -> None:
    for _ in range(5):
        site = await pg_api.open_site()
        body = {
            "site_id": site["site_id"],
            "label": "PC 1",
            "webcam": True,
            "headset": True,
            "visio_ready": True,
        }
        closed, added = await asyncio.gather(
            pg_api.call("POST", f"/sites/{site['site_id']}/close", json={"reason": "travaux"}),
            pg_api.call("POST", "/computers", json=body),
        )
        assert closed.status_code == 200
        assert added.status_code in (201, 409)
        if added.status_code == 201:
            # The computer was recorded while the site was still open: before its closing in the log.
            (site_closed,) = [
                e for e in pg_service.store.read_stream(site["site_id"]) if e.event_type == "SiteClosed"
            ]
            (computer_added,) = pg_service.store.read_stream(added.json()["computer_id"])
            assert computer_added.position < site_closed.position
        else:
            assert pg_service.queries.computers(site["site_id"]) == []
