"""Sites over HTTP: what is stored, what is refused (4xx with a field and a French reason, nothing stored)."""

from __future__ import annotations

from typing import Any

import pytest

from jobdating.contracts.envelope import decode_envelope
from jobdating.sites.bootstrap import SitesService
from jobdating.sites.domain.permissions import WRITERS

from .conftest import Api


async def test_a_coordinator_opens_a_site_and_reads_it_back(api: Api, service: SitesService) -> None:
    site = await api.open_site(site_id="site-ronchin")
    assert site["site_id"] == "site-ronchin"
    assert site["status"] == "open"
    assert site["location"] == {"lat": 50.605, "lon": 3.0895}
    assert site["hours"][0] == {"day": "2026-12-03", "start": "08:30:00", "end": "12:30:00"}
    assert site["contact"] == {"phone": "03 20 00 00 00", "email": "accueil@example.org"}
    read = await api.call("GET", "/sites/site-ronchin", "viewer")
    assert read.status_code == 200
    assert read.json() == site
    (stored,) = service.store.read_stream("site-ronchin")
    envelope = decode_envelope(stored.body)
    assert (envelope.event_type, envelope.org, envelope.actor_id) == (
        "SiteOpened",
        "departement-nord",
        "coord-1",
    )


async def test_a_site_id_is_generated_when_none_is_given(api: Api) -> None:
    first = await api.open_site()
    second = await api.open_site(name="Autre site")
    assert first["site_id"] != second["site_id"]
    listed = await api.call("GET", "/sites", "viewer")
    assert {s["site_id"] for s in listed.json()} == {first["site_id"], second["site_id"]}


async def test_a_site_manager_opens_sites_for_their_own_org_by_default(api: Api) -> None:
    site = await api.open_site("france-travail", host_org=None)
    assert site["host_org"] == "france-travail"


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nope"}, 401)],
)
async def test_without_a_valid_token_nothing_is_read_or_written(
    api: Api, service: SitesService, headers: dict[str, str], status: int
) -> None:
    assert (await api.client.get("/sites", headers=headers)).status_code == status
    response = await api.client.post("/sites", json=api.site_body(), headers=headers)
    assert response.status_code == status
    assert service.store.count() == 0


async def test_a_site_manager_cannot_open_a_site_for_another_org(api: Api, service: SitesService) -> None:
    response = await api.call("POST", "/sites", "asso-reussir", json=api.site_body())
    assert response.status_code == 403
    assert response.json()["detail"][0]["field"] == "host_org"
    assert service.store.count() == 0


async def test_a_viewer_cannot_open_a_site(api: Api, service: SitesService) -> None:
    response = await api.call("POST", "/sites", "viewer", json=api.site_body())
    assert response.status_code == 403
    assert service.store.count() == 0


BAD_SITES: list[tuple[dict[str, Any], str, str]] = [
    ({"postcode": "597"}, "postcode", "le code postal doit compter 5 chiffres"),
    ({"name": ""}, "name", "le nom du site est obligatoire"),
    ({"location": {"lat": 91, "lon": 3}}, "location.lat", "la latitude doit être comprise entre -90 et 90"),
    ({"location": {"lat": "nord", "lon": 3}}, "location.lat", "nombre attendu"),
    ({"hours": []}, "hours", "indiquez au moins une plage d'ouverture"),
    (
        {"hours": [{"day": "2026-12-03", "start": "10:00", "end": "09:00"}]},
        "hours.0.end",
        "l'heure de fermeture doit être après l'heure d'ouverture",
    ),
    ({"hours": [{"day": "03/12/2026", "start": "10:00", "end": "11:00"}]}, "hours.0.day", "date attendue"),
    ({"accessibility": ["ascenseur"]}, "accessibility.0", "valeur non reconnue"),
    ({"contact": {"email": "accueil"}}, "contact.email", "adresse e-mail invalide"),
    ({"site_id": "site.1"}, "site_id", "identifiant invalide"),
    ({"surface": 120}, "surface", "champ inconnu"),
]


@pytest.mark.parametrize(
    ("changes", "field", "reason"), BAD_SITES, ids=[b[1] + "-" + b[2][:12] for b in BAD_SITES]
)
async def test_a_wrong_site_is_refused_with_a_french_reason_and_nothing_is_stored(
    api: Api, service: SitesService, changes: dict[str, Any], field: str, reason: str
) -> None:
    response = await api.call("POST", "/sites", json=api.site_body(**changes))
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == field
    assert problem["reason"].startswith(reason)
    assert service.store.count() == 0
    assert (await api.call("GET", "/sites")).json() == []


async def test_a_missing_field_is_named(api: Api) -> None:
    body = api.site_body()
    del body["commune"]
    response = await api.call("POST", "/sites", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "commune", "reason": "champ obligatoire"}]


async def test_an_unknown_site_is_not_found(api: Api) -> None:
    for method, url, body in [
        ("GET", "/sites/nope", None),
        ("PATCH", "/sites/nope", {"address": "ici"}),
        ("POST", "/sites/nope/close", {"reason": "travaux"}),
        ("POST", "/sites/nope/rooms", {"name": "Salle", "capacity": 10}),
    ]:
        response = await api.call(method, url, json=body)
        assert response.status_code == 404, (method, url)
        assert response.json()["detail"] == [{"field": "site_id", "reason": "site inconnu"}]


async def test_opening_the_same_site_twice_is_a_conflict(api: Api, service: SitesService) -> None:
    await api.open_site(site_id="site-ronchin")
    response = await api.call("POST", "/sites", json=api.site_body(site_id="site-ronchin", name="Autre"))
    assert response.status_code == 409
    assert service.store.count() == 1


async def test_patch_changes_the_given_details_only(api: Api, service: SitesService) -> None:
    site = await api.open_site("france-travail")
    url = f"/sites/{site['site_id']}"
    response = await api.call(
        "PATCH",
        url,
        "france-travail",
        json={"accessibility": ["hearing_loop", "wheelchair"], "address": None},
    )
    assert response.status_code == 200
    changed = response.json()
    assert changed["accessibility"] == ["hearing_loop", "wheelchair"]
    assert {k: v for k, v in changed.items() if k != "accessibility"} == {
        k: v for k, v in site.items() if k != "accessibility"
    }
    same = await api.call(
        "PATCH", url, "france-travail", json={"accessibility": ["wheelchair", "hearing_loop"]}
    )
    assert same.status_code == 200
    assert [e.event_type for e in service.store.read_stream(site["site_id"])] == [
        "SiteOpened",
        "SiteDetailsChanged",
    ]


async def test_patch_refuses_other_orgs_and_empty_changes(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    url = f"/sites/{site['site_id']}"
    assert (await api.call("PATCH", url, "asso-reussir", json={"address": "ailleurs"})).status_code == 403
    assert (await api.call("PATCH", url, json={})).status_code == 422
    assert (await api.call("PATCH", url, json={"hours": []})).status_code == 422
    assert service.store.count() == 1


async def test_a_room_is_added_with_its_capacity(api: Api) -> None:
    site = await api.open_site("france-travail")
    response = await api.call(
        "POST",
        f"/sites/{site['site_id']}/rooms",
        "france-travail",
        json={"name": "Salle Jaurès", "capacity": 12},
    )
    assert response.status_code == 201
    room = response.json()
    assert (room["name"], room["capacity"]) == ("Salle Jaurès", 12)
    read = (await api.call("GET", f"/sites/{site['site_id']}")).json()
    assert read["rooms"] == [room]
    duplicate = await api.call(
        "POST", f"/sites/{site['site_id']}/rooms", json={"name": "salle jaurès", "capacity": 8}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"][0]["field"] == "name"


async def test_a_closed_site_leaves_the_list_and_takes_no_room_nor_computer(
    api: Api, service: SitesService
) -> None:
    site = await api.open_site()
    site_id = site["site_id"]
    closed = await api.call("POST", f"/sites/{site_id}/close", json={"reason": "dégât des eaux"})
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_reason"]) == ("closed", "dégât des eaux")
    assert (await api.call("GET", "/sites")).json() == []
    assert [s["site_id"] for s in (await api.call("GET", "/sites?include_closed=true")).json()] == [site_id]
    count = service.store.count()
    room = await api.call("POST", f"/sites/{site_id}/rooms", json={"name": "Salle", "capacity": 5})
    assert room.status_code == 409
    computer = await api.call(
        "POST",
        "/computers",
        json={"site_id": site_id, "label": "PC 1", "webcam": True, "headset": True, "visio_ready": True},
    )
    assert computer.status_code == 409
    assert computer.json()["detail"][0]["field"] == "site_id"
    again = await api.call("POST", f"/sites/{site_id}/close", json={"reason": "encore"})
    assert again.status_code == 409
    assert service.store.count() == count


async def test_a_closed_site_reopened_by_its_host_is_listed_again_and_takes_a_computer(
    api: Api, service: SitesService
) -> None:
    site = await api.open_site("france-travail")
    site_id = site["site_id"]
    await api.add_computer(site_id, "PC 1")
    await api.call("POST", f"/sites/{site_id}/close", json={"reason": "dégât des eaux"})
    refused = await api.call("POST", f"/sites/{site_id}/reopen", "asso-reussir")
    assert refused.status_code == 403
    reopened = await api.call("POST", f"/sites/{site_id}/reopen", "france-travail")
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["closed_reason"]) == ("open", None)
    assert [s["site_id"] for s in (await api.call("GET", "/sites")).json()] == [site_id]
    assert [e.event_type for e in service.store.read_stream(site_id)][-1] == "SiteReopened"
    assert len((await api.call("GET", f"/computers?site_id={site_id}")).json()) == 1
    await api.add_computer(site_id, "PC 2")
    again = await api.call("POST", f"/sites/{site_id}/reopen")
    assert again.status_code == 409
    assert again.json()["detail"] == [{"field": "site_id", "reason": "ce site est déjà ouvert"}]
    missing = await api.call("POST", "/sites/nulle-part/reopen")
    assert missing.status_code == 404


async def test_the_openapi_says_in_french_how_to_reopen_a_site(api: Api) -> None:
    reopen = (await api.client.get("/openapi.json")).json()["paths"]["/sites/{site_id}/reopen"]["post"]
    assert reopen["summary"] == "Rouvrir un site fermé"
    assert "les candidats peuvent de nouveau le choisir" in reopen["description"]


async def test_closing_needs_a_reason(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    response = await api.call("POST", f"/sites/{site['site_id']}/close", json={"reason": "  "})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "reason", "reason": "indiquez la raison"}]
    assert service.store.count() == 1


async def test_health_reports_the_log_and_the_read_model(api: Api) -> None:
    await api.open_site()
    health = (await api.client.get("/health")).json()
    assert (health["service"], health["log_head"], health["read_model_position"]) == ("sites", 1, 1)


@pytest.mark.parametrize("body", [{}, {"name": "Salle des fêtes"}])
async def test_a_viewer_sending_an_incomplete_site_is_refused_for_their_role_not_for_the_body(
    api: Api, service: SitesService, body: dict[str, Any]
) -> None:
    response = await api.call("POST", "/sites", "viewer", json=body)
    assert response.status_code == 403
    assert response.json()["detail"] == [{"field": "Authorization", "reason": WRITERS.refusal}]
    assert service.store.count() == 0
