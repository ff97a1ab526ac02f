"""The same day on PostgreSQL: publication, a repair and a rebuild use nothing SQLite-only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from jobdating.contracts.sites import ComputerOutOfOrder
from jobdating.eventstore.base import EventStore
from jobdating.runtime.auth import TokenTable
from jobdating.scheduling.adapters import projections
from jobdating.scheduling.bootstrap import SchedulingService, bootstrap
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.testing import Fact, MovableClock, computer_id, principals

from .conftest import (
    VIDEO_BASE,
    Api,
    assert_only_moved_aside,
    assert_plan_still_valid,
    feed,
    paris,
    published_demo,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_service(pg_store: EventStore, clock: MovableClock, prefix: str) -> SchedulingService:
    settings = SchedulingSettings(
        org="departement-nord", store_url="postgresql://unused", video_base_url=VIDEO_BASE
    )
    return bootstrap(settings, store=pg_store, tokens=TokenTable(principals(prefix)), clock=clock)


@pytest.fixture
async def pg_api(pg_service: SchedulingService, prefix: str) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=pg_service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduling.test") as client:
        yield Api(client, prefix)


async def test_a_published_day_is_repaired_and_rebuilt_on_postgresql(
    pg_api: Api, pg_service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(pg_api, pg_service)
    before = {s["slot_id"]: s for s in await pg_api.published_slots()}
    pc = computer_id(pg_api.prefix, "faches", 1)
    clock.set(paris(9, 2))
    feed(pg_service, [Fact(ComputerOutOfOrder(computer_id=pc, reason="écran"), pc, 2, "sites", paris(9))])
    after = {s["slot_id"]: s for s in await pg_api.published_slots()}
    affected = {
        k for k, s in before.items() if s["computer_id"] == pc and s["starts_at"] >= "2026-12-03T08:02"
    }
    assert affected
    assert {k for k in affected if before[k] != after[k]} == affected
    assert_only_moved_aside(before, after, affected)
    assert_plan_still_valid(pg_service, pg_api.jd)
    live = projections.snapshot(pg_service.store)
    projections.rebuild(pg_service.store)
    assert projections.snapshot(pg_service.store) == live
