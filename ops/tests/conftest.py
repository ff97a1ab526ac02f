"""A small real history in a data folder laid out as `jobdating up` does (`<service>.db`), relayed to a real
JetStream: registration commands through its handlers, sites commands through its HTTP API."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay
from jobdating.eventstore import open_store
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import EraseCandidate, UpdateCandidate, WithdrawCandidate
from jobdating.registration.testing import CALLERS, candidate, company, open_site, unique_phone
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.sites.bootstrap import SitesService, bootstrap
from jobdating.sites.config import SitesSettings
from jobdating.testing.demo_data import demo_site

ORG = "departement-nord"


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class History:
    data: Path
    js: JetStreamContext
    registration: RegistrationService
    sites: SitesService
    site_id: str

    def sql(self, service: str, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Tamper with (or read) a store behind the service's back, as someone with the file would."""
        with closing(sqlite3.connect(self.data / f"{service}.db", isolation_level=None)) as conn:
            return conn.execute(statement, params).fetchall()

    async def relay(self) -> None:
        await Relay(self.registration.store, self.js).publish_pending()
        await Relay(self.sites.store, self.js).publish_pending()


async def _sites_history(api: httpx.AsyncClient) -> str:
    async def call(method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await api.request(method, url, json=body, headers={"Authorization": "Bearer coordinator"})
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    site = await call(
        "POST",
        "/sites",
        {
            **demo_site("ronchin").place(),
            "location": {"lat": 50.605, "lon": 3.0895},
            "hours": [{"day": "2026-12-03", "start": "08:30", "end": "17:00"}],
            "accessibility": ["wheelchair"],
            "contact": {"phone": "03 20 00 00 00", "email": "accueil@example.org"},
        },
    )
    site_id = str(site["site_id"])
    await call("POST", f"/sites/{site_id}/rooms", {"name": "Salle 1", "capacity": 12})
    pcs = []
    for n in range(1, 4):
        body = {"site_id": site_id, "label": f"PC {n}", "webcam": True, "headset": True, "visio_ready": True}
        pcs.append(await call("POST", "/computers", body))
    await call("POST", f"/computers/{pcs[0]['computer_id']}/out-of-order", {"reason": "écran"})
    await call("POST", f"/computers/{pcs[0]['computer_id']}/back-in-service")
    await call("POST", f"/computers/{pcs[1]['computer_id']}/remove", {"reason": "repris"})
    return site_id


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    return data


@pytest.fixture
def registration(data_dir: Path) -> Iterator[RegistrationService]:
    store = open_store(f"sqlite:///{data_dir / 'registration.db'}")
    yield build_service(org=ORG, store=store)
    store.close()


@pytest.fixture
def sites(data_dir: Path) -> Iterator[SitesService]:
    store = open_store(f"sqlite:///{data_dir / 'sites.db'}")
    settings = SitesSettings(org=ORG, store_url="sqlite:///unused", tokens_file=None)
    tokens = TokenTable({"coordinator": Principal(org=ORG, role="coordinator", actor_id="coord-1")})
    yield bootstrap(settings, store=store, tokens=tokens, clock=FixedClock())
    store.close()


@pytest.fixture
async def history(
    data_dir: Path, js: JetStreamContext, registration: RegistrationService, sites: SitesService
) -> History:
    """Registration: 4 candidates (one updated, one withdrawn, one erased) and a company; sites: a site,
    a room, 3 computers (one out of order then back, one removed); everything relayed to the stream."""
    known_site = open_site(registration)
    who = CALLERS["mel-counsellor"]
    handlers = RegistrationHandlers(registration)
    ids = [handlers.register_candidate(who, candidate(known_site)) for _ in range(4)]
    handlers.update_candidate(who, UpdateCandidate(candidate_id=ids[0], phone=unique_phone()))
    handlers.withdraw_candidate(who, WithdrawCandidate(candidate_id=ids[1], reason="a trouvé un emploi"))
    handlers.erase_candidate(who, EraseCandidate(candidate_id=ids[2]))
    handlers.register_company(CALLERS["mel-coordinator"], company())
    transport = httpx.ASGITransport(app=sites.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sites.test") as api:
        site_id = await _sites_history(api)
    found = History(data_dir, js, registration, sites, site_id)
    await found.relay()
    return found
