"""What each role may and may not do in the sites and scheduling services, across two organisations: the
Mission Locale (whose people act here, and which hosts Seclin) and France Travail (which hosts Ronchin);
a recruiter's organisation is their company (Logiplus), the other company Nord Contact.

Registration's reads (names and contacts, by role, across two organisations) have their own table in
services/registration/tests/integration/test_who_reads_what.py; identity's who-invites-whom in its tests.

One sites instance and one scheduling instance (the demo plan published) serve every case: each caller
tries every act once, then each case checks its row. A cell is "yes" when the service did not refuse the
caller (its answer may still be a conflict: someone allowed did it first) and "no" for a 403.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.scheduling.bootstrap import bootstrap as scheduling_bootstrap
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.testing import (
    MovableClock,
    candidate_id,
    company_id,
    computer_id,
    demo_facts,
    job_dating_body,
    site_id,
)
from jobdating.sites.bootstrap import bootstrap as sites_bootstrap
from jobdating.sites.config import SitesSettings
from jobdating.testing.demo_data import candidates, demo_site

ML, FT, EVENT = "mission-locale", "france-travail", "departement-nord"
PREFIX = "roles"
LOGIPLUS, CALLNORD = company_id(PREFIX, "logiplus"), company_id(PREFIX, "callnord")
CALLERS = {
    "coordinator": Principal(org=EVENT, role="coordinator", actor_id="acc-coordinator"),
    "partner_admin": Principal(org=ML, role="partner_admin", actor_id="acc-admin"),
    "counsellor": Principal(org=ML, role="counsellor", actor_id="acc-counsellor"),
    "coach": Principal(org=ML, role="coach", actor_id="acc-coach"),
    "site_manager": Principal(org=ML, role="site_manager", actor_id="acc-host"),
    "recruiter": Principal(org=LOGIPLUS, role="recruiter", actor_id="acc-recruiter"),
    "viewer": Principal(org=ML, role="viewer", actor_id="acc-viewer"),
}
ACTS = (
    "read sites",
    "open a site of one's own",
    "put own computer out of order",
    "put other's computer out of order",
    "read whole plan",
    "check in at own site",
    "check in at other's site",
    "record own company's outcome",
    "record other company's outcome",
    "plan a job dating",
)
Y, N = "yes", "no"
TABLE: dict[str, tuple[str, ...]] = {
    "coordinator": (Y, Y, Y, Y, Y, Y, Y, Y, Y, Y),
    "partner_admin": (Y, N, N, N, Y, N, N, N, N, N),
    "counsellor": (Y, N, N, N, Y, N, N, N, N, N),
    "coach": (Y, N, N, N, Y, N, N, N, N, N),
    "site_manager": (Y, Y, Y, N, Y, Y, N, N, N, N),
    "recruiter": (Y, N, N, N, N, N, N, Y, N, N),
    "viewer": (Y, N, N, N, Y, N, N, N, N, N),
}


class Clients:
    def __init__(self, sites: httpx.AsyncClient, scheduling: httpx.AsyncClient) -> None:
        self.sites, self.scheduling = sites, scheduling

    async def ok(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
        response = await client.request(method, url, headers=bearer("coordinator"), **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()


def site_body(key: str, new_id: str, **changes: Any) -> dict[str, Any]:
    """A site to open in the sites service, where the demo's site `key` is."""
    site = demo_site(key)
    body: dict[str, Any] = {
        **{k: v for k, v in site.place().items() if k != "host_org"},
        "site_id": new_id,
        "location": {"lat": site.lat, "lon": site.lon},
        "hours": [{"day": "2026-12-03", "start": "08:00", "end": "13:00"}],
    }
    return {**body, **changes}


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {role}"}


def seclin_and_ronchin_candidates() -> tuple[str, str]:
    """A candidate expected at Seclin (the Mission Locale's site) and one at Ronchin (France Travail's)."""
    people = list(enumerate(candidates()))
    seclin = next(n for n, p in people if p.site_key == "seclin")
    ronchin = next(n for n, p in people if p.site_key == "ronchin")
    return candidate_id(PREFIX, seclin), candidate_id(PREFIX, ronchin)


async def everyone_tries_everything(folder: Path) -> dict[str, dict[str, int]]:
    stores = [open_store(f"sqlite:///{folder / name}") for name in ("sites.db", "scheduling.db")]
    try:
        return await tries(*stores)
    finally:
        for store in stores:
            store.close()


async def tries(sites_store: EventStore, scheduling_store: EventStore) -> dict[str, dict[str, int]]:
    tokens = TokenTable(CALLERS)
    sites = sites_bootstrap(
        SitesSettings(org=EVENT, tokens_file=None, store_url="sqlite:///unused"),
        store=sites_store,
        tokens=tokens,
        clock=MovableClock(),
    )
    clock = MovableClock()
    scheduling = scheduling_bootstrap(
        SchedulingSettings(org=EVENT, store_url="sqlite:///unused", video_base_url="https://visio.test"),
        store=scheduling_store,
        tokens=tokens,
        clock=clock,
    )
    # The demo's facts as registration and sites publish them, then the demo plan published.
    for fact in demo_facts(PREFIX):
        on = scheduling.policies.on_sites if fact.service == "sites" else scheduling.policies.on_registration
        with scheduling.store.transaction() as tx:
            on(tx, fact.recorded())
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=sites.app), base_url="http://sites") as s,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=scheduling.app), base_url="http://sched") as c,
    ):
        api = Clients(s, c)
        jd = f"{PREFIX}-jd"
        await api.ok(c, "POST", "/job-datings", json=job_dating_body(PREFIX))
        computed = await api.ok(
            c, "POST", f"/job-datings/{jd}/provisional-plans", json={"engine": "greedy", "time_limit": 5}
        )
        await api.ok(
            c, "POST", f"/job-datings/{jd}/publish", json={"plan_id": computed["summary"]["plan_id"]}
        )
        plan = await api.ok(c, "GET", f"/job-datings/{jd}/plan", params={"by": "site"})
        slots = [i for g in plan["groups"] for i in g["interviews"]]
        first = {
            company: min((s for s in slots if s["company_id"] == company), key=lambda s: s["starts_at"])
            for company in (LOGIPLUS, CALLNORD)
        }
        # Each organisation lends a computer at its own site.
        for org, key in ((ML, "seclin"), (FT, "ronchin")):
            body = {
                "site_id": f"{PREFIX}-{key}",
                "label": "Poste",
                "webcam": True,
                "headset": True,
                "visio_ready": True,
                "lending_org": org,
                "computer_id": computer_id(PREFIX, key, 1),
            }
            await api.ok(s, "POST", "/sites", json=site_body(key, f"{PREFIX}-{key}", host_org=org))
            await api.ok(s, "POST", "/computers", json=body)
        # Both interviews have begun: an outcome may be recorded.
        clock.set(max(datetime.fromisoformat(first[c]["starts_at"]) for c in (LOGIPLUS, CALLNORD)))
        at_seclin, at_ronchin = seclin_and_ronchin_candidates()

        async def attempt(role: str, act: str) -> int:
            h = bearer(role)
            match act:
                case "read sites":
                    r = await s.get("/sites", headers=h)
                case "open a site of one's own":
                    r = await s.post("/sites", json=site_body("faches", f"{PREFIX}-{role}"), headers=h)
                case "put own computer out of order" | "put other's computer out of order":
                    key = "seclin" if act.startswith("put own") else "ronchin"
                    r = await s.post(
                        f"/computers/{computer_id(PREFIX, key, 1)}/out-of-order",
                        json={"reason": "écran noir"},
                        headers=h,
                    )
                case "read whole plan":
                    r = await c.get(f"/job-datings/{jd}/plan", params={"by": "site"}, headers=h)
                case "check in at own site" | "check in at other's site":
                    who, where = (at_seclin, "seclin") if "own" in act else (at_ronchin, "ronchin")
                    body = {"candidate_id": who, "site_id": site_id(PREFIX, where)}
                    r = await c.post(f"/job-datings/{jd}/check-ins", json=body, headers=h)
                case "record own company's outcome" | "record other company's outcome":
                    slot = first[LOGIPLUS if "own" in act else CALLNORD]
                    r = await c.post(
                        f"/slots/{slot['slot_id']}/outcome", json={"outcome": "hired"}, headers=h
                    )
                case _:
                    r = await c.post(
                        "/job-datings", json=job_dating_body(PREFIX, job_dating_id=f"{jd}-{role}"), headers=h
                    )
            return r.status_code

        return {role: {act: await attempt(role, act) for act in ACTS} for role in CALLERS}


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, int]]:
    return asyncio.run(everyone_tries_everything(tmp_path_factory.mktemp("roles")))


@pytest.mark.parametrize("role", sorted(TABLE))
def test_each_role_does_what_its_purpose_needs_and_nothing_more(
    role: str, answers: dict[str, dict[str, int]]
) -> None:
    statuses = answers[role]
    seen = {act: (N if statuses[act] == 403 else Y) for act in ACTS}
    assert seen == dict(zip(ACTS, TABLE[role], strict=True)), statuses
    # Allowed means done, or refused for the state of things (someone allowed did it first): never an
    # error of the test's own making.
    assert all(code in (200, 201, 409, 403) for code in statuses.values()), str(statuses)
