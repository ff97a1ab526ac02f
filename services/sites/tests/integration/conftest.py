"""A sites instance on a real SQLite store, driven over HTTP through its ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.sites.bootstrap import SitesService, bootstrap
from jobdating.sites.config import SitesSettings
from jobdating.testing.demo_data import demo_site

ORG = "departement-nord"
TOKENS = {
    "coordinator": Principal(org=ORG, role="coordinator", actor_id="coord-1"),
    "france-travail": Principal(org="france-travail", role="site_manager", actor_id="ft-1"),
    "asso-reussir": Principal(org="asso-reussir", role="site_manager", actor_id="ar-1"),
    "viewer": Principal(org="mission-locale", role="viewer", actor_id="view-1"),
}


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Api:
    """An HTTP client acting as one of the TOKENS callers, with request bodies a test can adjust."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, url: str, as_: str = "coordinator", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {as_}"}
        return await self.client.request(method, url, headers=headers, **kwargs)

    @staticmethod
    def site_body(**changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            **demo_site("ronchin").place(),
            "location": {"lat": 50.605, "lon": 3.0895},
            "hours": [
                {"day": "2026-12-03", "start": "08:30", "end": "12:30"},
                {"day": "2026-12-03", "start": "12:30", "end": "17:00"},
            ],
            "accessibility": ["wheelchair"],
            "contact": {"phone": "03 20 00 00 00", "email": "accueil@example.org"},
        }
        body.update(changes)
        return body

    async def open_site(self, as_: str = "coordinator", **changes: Any) -> dict[str, Any]:
        response = await self.call("POST", "/sites", as_, json=self.site_body(**changes))
        assert response.status_code == 201, response.text
        site: dict[str, Any] = response.json()
        return site

    async def add_computer(
        self, site_id: str, label: str, as_: str = "coordinator", **changes: Any
    ) -> dict[str, Any]:
        body = {"site_id": site_id, "label": label, "webcam": True, "headset": True, "visio_ready": True}
        response = await self.call("POST", "/computers", as_, json={**body, **changes})
        assert response.status_code == 201, response.text
        computer: dict[str, Any] = response.json()
        return computer


def service_on(
    store: EventStore,
    org: str = ORG,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    **settings: Any,
) -> SitesService:
    """A sites instance of `org` on `store`, with the TOKENS callers and a fixed clock."""
    config = SitesSettings(org=org, tokens_file=None, **settings)
    return bootstrap(config, store=store, tokens=TokenTable(TOKENS), clock=FixedClock(), on_commit=on_commit)


@asynccontextmanager
async def api_of(service: SitesService) -> AsyncIterator[Api]:
    """An `Api` on the instance's ASGI app."""
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sites.test") as client:
        yield Api(client)


@pytest.fixture
def service(sqlite_store: EventStore) -> SitesService:
    return service_on(sqlite_store, store_url="sqlite:///unused")


@pytest.fixture
async def api(service: SitesService) -> AsyncIterator[Api]:
    async with api_of(service) as api:
        yield api
