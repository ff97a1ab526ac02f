"""The HTTP API on a real SQLite store: tokens, roles, organisation isolation, refusals that store nothing."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import httpx
import pytest

from jobdating.registration.application.service import RegistrationService
from jobdating.registration.testing import bearer, close_site, open_site, unique_phone, unique_siret
from jobdating.runtime.ids import new_id


def candidate_body(site_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": "Samia",
        "last_name": "Benali",
        "phone": unique_phone(),
        "email": f"samia.{new_id()[-10:]}@exemple.fr",
        "address": "12 rue des Tisserands",
        "postcode": "59113",
        "commune": "Seclin",
        "site_id": site_id,
        "sectors": ["logistique"],
        "consent_data": True,
    }
    return {**body, **changes}


def company_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"Logistique du Nord {new_id()[-6:]}",
        "siret": unique_siret(),
        "sector": "logistique",
        "positions": [{"title": "Préparateur de commandes", "contract": "CDI", "count": 3}],
        "parallel_recruiters": 2,
        "window_start": "09:00",
        "window_end": "12:00",
        "contact_name": "Paul Durand",
        "contact_phone": unique_phone(),
    }
    return {**body, **changes}


async def register(client: httpx.AsyncClient, site: str, **changes: Any) -> Any:
    response = await client.post(
        "/candidates", json=candidate_body(site, **changes), headers=bearer("mel-counsellor")
    )
    assert response.status_code == 201, response.text
    return response.json()


def fields(response: httpx.Response) -> list[str]:
    return [d["field"] for d in response.json()["detail"]]


async def refused(service: RegistrationService, request: Awaitable[httpx.Response], *named: str) -> None:
    """`request` (not sent yet) is refused as invalid, naming the fields `named`, and records nothing."""
    events = service.store.count()
    response = await request
    assert response.status_code == 422
    assert fields(response) == list(named)
    assert service.store.count() == events


ENDPOINTS = [
    ("POST", "/candidates"),
    ("GET", "/candidates"),
    ("GET", "/candidates/x"),
    ("PATCH", "/candidates/x"),
    ("POST", "/candidates/x/withdraw"),
    ("DELETE", "/candidates/x"),
    ("POST", "/companies"),
    ("GET", "/companies"),
    ("GET", "/companies/x"),
    ("PATCH", "/companies/x"),
    ("POST", "/companies/x/withdraw"),
    ("POST", "/imports/candidates"),
    ("POST", "/imports/companies"),
    ("GET", "/sites"),
    ("GET", "/statistics"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_every_endpoint_refuses_a_missing_or_unknown_token(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    assert (await client.request(method, path)).status_code == 401
    unknown = {"Authorization": "Bearer not-a-token"}
    assert (await client.request(method, path, headers=unknown)).status_code == 401


async def test_a_counsellor_registers_a_candidate_and_their_organisation_reads_them_back(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    created = await register(client, site, phone="06 12 34 56 78", email="Samia.B@Exemple.fr")
    assert created["profile"]["referring_org"] == "mel"
    assert created["profile"]["counsellor_id"] == "actor-mel-counsellor"
    assert created["personal"]["phone"] == "+33612345678"
    assert created["personal"]["email"] == "samia.b@exemple.fr"
    again = await client.get(f"/candidates/{created['candidate_id']}", headers=bearer("mel-coordinator"))
    assert again.json()["personal"]["last_name"] == "Benali"
    assert service.store.count() == 1


async def test_another_organisation_sees_only_the_anonymous_profile_and_cannot_change_the_candidate(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    created = await register(client, site)
    cid = created["candidate_id"]
    events = service.store.count()
    for who in ("ml-counsellor", "ml-coordinator", "mel-viewer"):
        one = await client.get(f"/candidates/{cid}", headers=bearer(who))
        assert one.status_code == 200
        assert one.json()["personal"] is None
        assert one.json()["profile"]["site_id"] == site
        page = await client.get("/candidates", headers=bearer(who))
        assert [c["personal"] for c in page.json()["items"]] == [None]
        assert "Benali" not in page.text
        assert created["personal"]["phone"] not in page.text
    patched = await client.patch(
        f"/candidates/{cid}", json={"last_name": "Martin"}, headers=bearer("ml-counsellor")
    )
    assert patched.status_code == 403
    assert fields(patched) == ["candidate_id"]
    withdrawn = await client.post(
        f"/candidates/{cid}/withdraw", json={"reason": "autre"}, headers=bearer("ml-coordinator")
    )
    assert withdrawn.status_code == 403
    erased = await client.delete(f"/candidates/{cid}", headers=bearer("ml-counsellor"))
    assert erased.status_code == 403
    assert service.store.count() == events


async def test_roles_are_enforced_and_a_forbidden_call_stores_nothing(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    assert (
        await client.post("/candidates", json=candidate_body(site), headers=bearer("mel-viewer"))
    ).status_code == 403
    assert (await client.get("/candidates", headers=bearer("mel-recruiter"))).status_code == 403
    assert (
        await client.post("/companies", json=company_body(), headers=bearer("mel-counsellor"))
    ).status_code == 403
    assert (await client.get("/sites", headers=bearer("mel-recruiter"))).status_code == 200
    assert service.store.count() == 0


async def test_invalid_fields_are_refused_in_french_one_by_one_and_nothing_is_stored(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    body = candidate_body(site, phone="08 99 12 34 56", email="pas-un-mail", postcode="96000", first_name=" ")
    response = await client.post("/candidates", json=body, headers=bearer("mel-counsellor"))
    assert response.status_code == 422
    assert fields(response) == ["first_name", "phone", "email", "postcode"]
    assert all(d["reason"] for d in response.json()["detail"])
    missing = await client.post("/candidates", json={"first_name": "Samia"}, headers=bearer("mel-counsellor"))
    assert missing.status_code == 422
    assert {"field": "last_name", "reason": "champ obligatoire"} in missing.json()["detail"]
    assert service.store.count() == 0


async def test_an_unknown_or_closed_site_is_refused(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    unknown = await client.post(
        "/candidates", json=candidate_body("site-nowhere"), headers=bearer("mel-counsellor")
    )
    assert unknown.status_code == 422
    assert fields(unknown) == ["site_id"]
    close_site(service, site)
    closed = await client.post("/candidates", json=candidate_body(site), headers=bearer("mel-counsellor"))
    assert fields(closed) == ["site_id"]
    assert service.store.count() == 0


async def test_a_second_candidate_with_the_same_phone_or_email_is_a_conflict(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    first = await register(client, site, phone="06 12 11 22 33", email="unique@exemple.fr")
    same_phone = candidate_body(site, phone="+33 6 12 11 22 33")
    response = await client.post("/candidates", json=same_phone, headers=bearer("ml-counsellor"))
    assert response.status_code == 409
    assert fields(response) == ["phone"]
    assert first["candidate_id"] not in response.text
    same_email = candidate_body(site, email="UNIQUE@exemple.fr")
    assert fields(await client.post("/candidates", json=same_email, headers=bearer("mel-counsellor"))) == [
        "email"
    ]
    assert service.store.count() == 1


async def test_unknown_ids_are_not_found(client: httpx.AsyncClient, service: RegistrationService) -> None:
    for method, path in [
        ("GET", "/candidates/nobody"),
        ("GET", "/companies/nothing"),
    ]:
        assert (await client.request(method, path, headers=bearer("mel-coordinator"))).status_code == 404
    patched = await client.patch(
        "/candidates/nobody", json={"commune": "Lille"}, headers=bearer("mel-counsellor")
    )
    assert patched.status_code == 404
    assert (await client.delete("/candidates/nobody", headers=bearer("mel-coordinator"))).status_code == 404
    withdrawn = await client.post(
        "/companies/nothing/withdraw", json={"reason": "x"}, headers=bearer("mel-coordinator")
    )
    assert withdrawn.status_code == 404
    assert service.store.count() == 0


async def test_a_patch_changes_what_it_sends_and_frees_the_old_phone(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    created = await register(client, site, phone="06 12 44 55 66")
    cid = created["candidate_id"]
    other_site = open_site(service)
    patched = await client.patch(
        f"/candidates/{cid}",
        json={"phone": "06 12 77 88 99", "email": None, "site_id": other_site},
        headers=bearer("mel-counsellor"),
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["personal"]["phone"], body["personal"]["email"]) == ("+33612778899", None)
    assert body["profile"]["site_id"] == other_site
    assert body["profile"]["sectors"] == ["logistique"]
    await register(client, site, phone="06 12 44 55 66")
    same = await client.patch(
        f"/candidates/{cid}", json={"phone": "06 12 77 88 99"}, headers=bearer("mel-counsellor")
    )
    assert same.status_code == 200
    cleared = client.patch(f"/candidates/{cid}", json={"phone": None}, headers=bearer("mel-counsellor"))
    await refused(service, cleared, "phone")


async def test_a_withdrawn_candidate_cannot_withdraw_again_and_frees_their_phone(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    created = await register(client, site, phone="06 12 55 44 33")
    path = f"/candidates/{created['candidate_id']}/withdraw"
    bad = await client.post(path, json={"reason": "il est malade"}, headers=bearer("mel-counsellor"))
    assert bad.status_code == 422
    done = await client.post(path, json={"reason": "a trouvé un emploi"}, headers=bearer("mel-counsellor"))
    assert done.json()["status"] == "withdrawn"
    events = service.store.count()
    again = await client.post(path, json={"reason": "autre"}, headers=bearer("mel-counsellor"))
    assert again.status_code == 409
    assert service.store.count() == events
    await register(client, site, phone="06 12 55 44 33")


async def test_a_coordinator_signs_a_company_up_and_only_their_organisation_sees_its_contact(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    body = company_body()
    created = await client.post("/companies", json=body, headers=bearer("mel-coordinator"))
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["contact"]["name"] == "Paul Durand"
    assert company["profile"]["positions"][0]["contract"] == "CDI"
    seen_elsewhere = await client.get(f"/companies/{company['company_id']}", headers=bearer("ml-coordinator"))
    assert seen_elsewhere.json()["contact"] is None
    duplicate = await client.post(
        "/companies", json=company_body(siret=body["siret"]), headers=bearer("mel-coordinator")
    )
    assert duplicate.status_code == 409
    assert fields(duplicate) == ["siret"]
    foreign = await client.patch(
        f"/companies/{company['company_id']}",
        json={"parallel_recruiters": 3},
        headers=bearer("ml-coordinator"),
    )
    assert foreign.status_code == 403
    patched = await client.patch(
        f"/companies/{company['company_id']}",
        json={"parallel_recruiters": 3, "contact_email": "rh@exemple.fr"},
        headers=bearer("mel-coordinator"),
    )
    assert patched.json()["profile"]["parallel_recruiters"] == 3
    assert patched.json()["contact"]["email"] == "rh@exemple.fr"
    wish = {"wishes": [{"rank": 1, "company_id": company["company_id"]}, {"rank": 2, "sector": "vente"}]}
    await register(client, site, **wish)
    withdrawn = await client.post(
        f"/companies/{company['company_id']}/withdraw",
        json={"reason": "recrutement pourvu"},
        headers=bearer("mel-coordinator"),
    )
    assert withdrawn.json()["status"] == "withdrawn"
    late = client.post("/candidates", json=candidate_body(site, **wish), headers=bearer("mel-counsellor"))
    await refused(service, late, "wishes[0].company_id")


async def test_sites_statistics_and_metrics_are_served(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    await register(client, site)
    await client.post("/candidates", json=candidate_body("site-nowhere"), headers=bearer("mel-counsellor"))
    sites = await client.get("/sites", headers=bearer("mel-viewer"))
    assert [s["site_id"] for s in sites.json()] == [site]
    stats = (await client.get("/statistics", headers=bearer("mel-viewer"))).json()
    assert stats["candidates"] == 1
    assert stats["candidates_by_site"] == {site: 1}
    metrics = (await client.get("/metrics")).text
    assert 'registration_commands_total{command="RegisterCandidate",outcome="accepted"} 1.0' in metrics
    assert 'registration_commands_total{command="RegisterCandidate",outcome="invalid"} 1.0' in metrics
    health = (await client.get("/health")).json()
    assert health["service"] == "registration"
    assert health["events"] == 1
