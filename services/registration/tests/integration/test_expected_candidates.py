"""A site's reception reads the names of the day's candidates at its site: which day, who, nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

import httpx
import pytest

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registration import Availability, CandidateRegistered, CandidateWalkedIn
from jobdating.eventstore.base import EventStore
from jobdating.registration.application.greeting import OTHER_HOST
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.domain.commands import EraseCandidate, WithdrawCandidate
from jobdating.registration.testing import CALLERS, bearer, candidate, open_site, tokens

from .test_http import candidate_body

COUNSELLOR = CALLERS["mel-counsellor"]


class Clock:
    def __init__(self) -> None:
        # 23:30 UTC is already the next day in Paris: the service's day is where its people live.
        self.at = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(sqlite_store: EventStore, clock: Clock) -> RegistrationService:
    return build_service(org="mel", store=sqlite_store, clock=clock)


@pytest.fixture
async def client(service: RegistrationService) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(service, tokens()))
    async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
        yield c


def on(day: date, start: time = time(8, 30)) -> Availability:
    return Availability(day=day, start=start, end=time(12, 30))


def register(service: RegistrationService, site: str, last_name: str, *days: Availability) -> str:
    cmd = candidate(site, counsellor_id=COUNSELLOR.actor_id, last_name=last_name, availability=days)
    return RegistrationHandlers(service).register_candidate(COUNSELLOR, cmd)


async def expected(client: httpx.AsyncClient, site: str, who: str = "mel-site-manager") -> httpx.Response:
    return await client.get(f"/sites/{site}/expected-candidates", headers=bearer(who))


async def test_the_day_is_today_when_a_job_dating_is_held_today_and_only_that_days_candidates_come(
    client: httpx.AsyncClient, service: RegistrationService
) -> None:
    site, elsewhere = open_site(service, name="Espace emploi de Faches"), open_site(service)
    today, next_week, yesterday = date(2026, 12, 3), date(2026, 12, 10), date(2026, 12, 2)
    late = register(service, site, "Lemaire", on(today, time(10, 0)))
    early = register(service, site, "Dubois", on(yesterday), on(today, time(8, 30)), on(next_week))
    register(service, site, "Petit", on(next_week))  # another job dating
    register(service, site, "Roux", on(yesterday))  # the last one
    register(service, site, "Sans")  # no day given: expected on none
    register(service, elsewhere, "Ailleurs", on(today))  # another site
    withdrawn = register(service, site, "Parti", on(today))
    erased = register(service, site, "Efface", on(today))
    handlers = RegistrationHandlers(service)
    handlers.withdraw_candidate(COUNSELLOR, WithdrawCandidate(candidate_id=withdrawn, reason="autre"))
    handlers.erase_candidate(COUNSELLOR, EraseCandidate(candidate_id=erased))

    response = await expected(client, site)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["site_name"], body["day"]) == ("Espace emploi de Faches", "2026-12-03")
    assert [(c["candidate_id"], c["last_name"], c["start"]) for c in body["candidates"]] == [
        (early, "Dubois", "08:30:00"),
        (late, "Lemaire", "10:00:00"),
    ]
    assert [set(c) for c in body["candidates"]] == [
        {"candidate_id", "first_name", "last_name", "start", "end"}
    ] * 2
    assert not any(contact in response.text for contact in ("06 12", "+336", "@"))


async def test_after_the_day_the_next_job_datings_candidates_are_expected_then_nobody(
    client: httpx.AsyncClient, service: RegistrationService, clock: Clock
) -> None:
    site = open_site(service)
    register(service, site, "Dubois", on(date(2026, 12, 3)))
    later = register(service, site, "Petit", on(date(2026, 12, 10)))
    clock.at = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    body = (await expected(client, site)).json()
    assert (body["day"], [c["candidate_id"] for c in body["candidates"]]) == ("2026-12-10", [later])
    clock.at = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
    assert (await expected(client, site)).json() | {"site_name": ""} == {
        "site_id": site,
        "site_name": "",
        "day": None,
        "candidates": [],
    }


async def test_only_the_sites_own_hosts_read_its_names_in_plain_french(
    client: httpx.AsyncClient, service: RegistrationService
) -> None:
    site = open_site(service, host_org="mel")
    other = open_site(service, host_org="mission-locale")
    register(service, other, "Bernard", on(date(2026, 12, 3)))
    refused = await expected(client, other)
    assert refused.status_code == 403
    assert refused.json()["detail"] == [{"field": "site_id", "reason": OTHER_HOST}]
    assert OTHER_HOST == (
        "ce site est accueilli par une autre structure : seul son accueil voit les candidats attendus"
    )
    assert "Bernard" not in refused.text
    assert (await expected(client, site, "mel-coordinator")).status_code == 403
    assert (await expected(client, site, "mel-counsellor")).status_code == 403
    unknown = await expected(client, "site-nowhere")
    assert (unknown.status_code, unknown.json()["detail"][0]["reason"]) == (404, "site inconnu")
    assert (await expected(client, other, "ml-site-manager")).json()["day"] == "2026-12-03"


async def test_a_site_host_registers_a_walk_in_at_its_own_site_who_is_said_to_be_there_now(
    client: httpx.AsyncClient, service: RegistrationService, clock: Clock
) -> None:
    site, hosted_elsewhere = open_site(service), open_site(service, host_org="mission-locale")
    head = service.store.head()
    body = candidate_body(site, availability=[{"day": "2026-12-03", "start": "08:30", "end": "12:30"}])
    response = await client.post("/candidates/walk-ins", json=body, headers=bearer("mel-site-manager"))
    assert response.status_code == 201, response.text
    walk_in = response.json()["candidate_id"]
    events = [REGISTRY.decode(decode_envelope(r.body)).data for r in service.store.read_all(head, 10)]
    assert [type(e) for e in events] == [CandidateRegistered, CandidateWalkedIn]
    assert events[1] == CandidateWalkedIn(candidate_id=walk_in, site_id=site, at=clock.at)

    head = service.store.head()
    refused = await client.post(
        "/candidates/walk-ins",
        json=candidate_body(hosted_elsewhere),
        headers=bearer("mel-site-manager"),
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"][0]["field"] == "site_id"
    viewer = await client.post("/candidates/walk-ins", json=body, headers=bearer("mel-viewer"))
    assert viewer.status_code == 403
    assert service.store.head() == head, "a refused walk-in records nothing"
