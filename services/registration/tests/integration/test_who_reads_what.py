"""Who reads what on the candidate endpoints, role by role, across two organisations (one table).

`mel` and `mission-locale` each refer candidates and host a site, all held by one instance (as in the demo,
where the coordinator's instance serves the partners without their own):

- A: referred by mel, followed by `mel-counsellor`, at mel's site;
- B: referred by mission-locale, followed by `ml-counsellor`, at mission-locale's site;
- C: referred by mission-locale, followed by `ml-counsellor`, at mel's site.

All three are expected on the day the clock says. Each cell is what the caller gets: `personal` (names and
contacts), `anonymous` (the profile, `personal` null), the set of candidates whose names or personal data a
list shows, or a status code when refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from typing import Any

import httpx
import pytest

from jobdating.contracts.registration import Availability
from jobdating.eventstore.base import EventStore
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.testing import CALLERS, bearer, candidate, open_site, tokens

DAY = date(2026, 12, 3)


class MorningOfTheDay:
    def now(self) -> datetime:
        return datetime(2026, 12, 3, 7, 45, tzinfo=UTC)


P, N = "personal", "anonymous"
# caller: GET A, GET B, GET /candidates (personal of), expected at mel's site, at mission-locale's site,
#         open A's contact for a purpose, A's openings
TABLE: dict[str, tuple[Any, ...]] = {
    "mel-coordinator": (P, N, {"A"}, 403, 403, 201, 200),
    "mel-partner-admin": (403, 403, 403, 403, 403, 403, 403),
    "mel-counsellor": (P, N, {"A"}, 403, 403, 403, 200),  # A's own counsellor
    "mel-counsellor-2": (N, N, set(), 403, 403, 403, 200),  # same organisation, not A's counsellor
    "mel-coach": (403, 403, 403, 403, 403, 403, 403),
    "mel-site-manager": (403, 403, 403, {"A", "C"}, 403, 403, 403),
    "mel-recruiter": (403, 403, 403, 403, 403, 403, 403),
    "mel-viewer": (N, N, set(), 403, 403, 403, 403),
    "ml-coordinator": (N, P, {"B", "C"}, 403, 403, 201, 403),
    "ml-counsellor": (N, P, {"B", "C"}, 403, 403, 403, 403),
    "ml-site-manager": (403, 403, 403, 403, {"B"}, 403, 403),
}


@pytest.fixture
def service(sqlite_store: EventStore) -> RegistrationService:
    return build_service(org="mel", store=sqlite_store, clock=MorningOfTheDay())


@pytest.fixture
async def client(service: RegistrationService) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(service, tokens()))
    async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
        yield c


@pytest.fixture
def people(service: RegistrationService) -> dict[str, dict[str, str]]:
    """A, B and C registered by their own counsellors; their ids, names and phones by letter."""
    mel_site = open_site(service, "site-mel", host_org="mel")
    ml_site = open_site(service, "site-ml", host_org="mission-locale")
    handlers = RegistrationHandlers(service)
    window = (Availability(day=DAY, start=time(8, 30), end=time(12, 30)),)
    out: dict[str, dict[str, str]] = {}
    for letter, who, site, last_name in (
        ("A", "mel-counsellor", mel_site, "Alaoui"),
        ("B", "ml-counsellor", ml_site, "Bernard"),
        ("C", "ml-counsellor", mel_site, "Carpentier"),
    ):
        caller = CALLERS[who]
        cmd = candidate(
            site,
            referring_org=caller.org,
            counsellor_id=caller.actor_id,
            last_name=last_name,
            availability=window,
        )
        cid = handlers.register_candidate(caller, cmd)
        out[letter] = {"id": cid, "last_name": last_name, "phone": cmd.phone[-5:].replace(" ", "")}
    return out


def seen(response: httpx.Response, person: dict[str, str]) -> Any:
    if response.status_code != 200:
        return response.status_code
    body = response.json()
    if body["personal"] is None:
        assert person["last_name"] not in response.text
        return N
    assert body["personal"]["last_name"] == person["last_name"]
    return P


def named(response: httpx.Response, people: dict[str, dict[str, str]], key: str) -> Any:
    if response.status_code != 200:
        return response.status_code
    items = response.json()[key]
    if key == "items":
        shown = {c["candidate_id"] for c in items if c["personal"] is not None}
    else:
        shown = {c["candidate_id"] for c in items}
        # Names to greet, never a contact.
        assert all(set(c) == {"candidate_id", "first_name", "last_name", "start", "end"} for c in items)
        assert not any(p["phone"] in response.text for p in people.values())
    letters = {letter for letter, p in people.items() if p["id"] in shown}
    hidden = {letter for letter, p in people.items() if p["id"] not in shown}
    assert not any(people[letter]["last_name"] in response.text for letter in hidden)
    return letters


@pytest.mark.parametrize("who", sorted(TABLE))
async def test_each_role_reads_what_its_purpose_needs_and_nothing_more(
    client: httpx.AsyncClient, people: dict[str, dict[str, str]], who: str
) -> None:
    a, b = people["A"], people["B"]
    h = bearer(who)
    got = (
        seen(await client.get(f"/candidates/{a['id']}", headers=h), a),
        seen(await client.get(f"/candidates/{b['id']}", headers=h), b),
        named(await client.get("/candidates", headers=h), people, "items"),
        named(await client.get("/sites/site-mel/expected-candidates", headers=h), people, "candidates"),
        named(await client.get("/sites/site-ml/expected-candidates", headers=h), people, "candidates"),
        (
            await client.post(
                f"/candidates/{a['id']}/contact-openings", json={"purpose": "duplicate_check"}, headers=h
            )
        ).status_code,
        (await client.get(f"/candidates/{a['id']}/contact-openings", headers=h)).status_code,
    )
    assert got == TABLE[who]


async def test_a_counsellor_lists_the_candidates_they_follow_and_no_one_else(
    client: httpx.AsyncClient, people: dict[str, dict[str, str]]
) -> None:
    def listed(response: httpx.Response) -> set[str]:
        assert response.status_code == 200, response.text
        ids = {c["candidate_id"] for c in response.json()["items"]}
        return {letter for letter, p in people.items() if p["id"] in ids}

    ml = CALLERS["ml-counsellor"].actor_id
    mine = await client.get("/candidates", params={"counsellor_id": ml}, headers=bearer("ml-counsellor"))
    assert listed(mine) == {"B", "C"}
    assert mine.json()["total"] == 2
    assert all(c["personal"] is not None for c in mine.json()["items"])
    # Another counsellor's list, asked by its id: the same candidates, without their names.
    theirs = await client.get("/candidates", params={"counsellor_id": ml}, headers=bearer("mel-counsellor"))
    assert listed(theirs) == {"B", "C"}
    assert all(c["personal"] is None for c in theirs.json()["items"])
    nobody = await client.get("/candidates", params={"counsellor_id": "x"}, headers=bearer("ml-counsellor"))
    assert listed(nobody) == set()
