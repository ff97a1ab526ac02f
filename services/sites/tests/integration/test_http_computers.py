"""Computers over HTTP: lent to open sites, unique labels per site, out of order and back at any moment."""

from __future__ import annotations

import asyncio

from jobdating.sites.bootstrap import SitesService

from .conftest import Api


async def test_a_lent_computer_is_listed_with_its_site(api: Api) -> None:
    site = await api.open_site()
    other = await api.open_site(name="Autre site")
    computer = await api.add_computer(site["site_id"], "PC 1", "asso-reussir", webcam=True, visio_ready=False)
    await api.add_computer(other["site_id"], "PC 1")
    assert computer["lending_org"] == "asso-reussir"
    assert (computer["status"], computer["visio_ready"]) == ("in_service", False)
    listed = await api.call("GET", f"/computers?site_id={site['site_id']}", "viewer")
    assert listed.json() == [computer]
    assert len((await api.call("GET", "/computers")).json()) == 2


async def test_labels_are_unique_per_site_and_a_duplicate_stores_nothing(
    api: Api, service: SitesService
) -> None:
    site = await api.open_site()
    await api.add_computer(site["site_id"], "PC 1")
    count = service.store.count()
    response = await api.call(
        "POST",
        "/computers",
        json={
            "site_id": site["site_id"],
            "label": " pc 1 ",
            "webcam": True,
            "headset": True,
            "visio_ready": True,
        },
    )
    assert response.status_code == 409
    assert response.json()["detail"] == [
        {"field": "label", "reason": "un ordinateur de ce site porte déjà ce libellé"}
    ]
    assert service.store.count() == count


async def test_two_computers_racing_for_one_label_leave_exactly_one(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    body = {"site_id": site["site_id"], "label": "PC 1", "webcam": True, "headset": True, "visio_ready": True}
    responses = await asyncio.gather(*(api.call("POST", "/computers", json=body) for _ in range(6)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]
    assert len(service.queries.computers(site["site_id"])) == 1


async def test_a_computer_needs_a_known_site(api: Api, service: SitesService) -> None:
    response = await api.call(
        "POST",
        "/computers",
        json={"site_id": "nope", "label": "PC 1", "webcam": True, "headset": True, "visio_ready": True},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "site_id", "reason": "site inconnu"}]
    assert service.store.count() == 0


async def test_a_computer_must_say_what_it_can_do(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    response = await api.call("POST", "/computers", json={"site_id": site["site_id"], "label": "PC 1"})
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["detail"]} == {"webcam", "headset", "visio_ready"}
    assert service.store.count() == 1


async def test_a_site_manager_lends_only_their_own_org_s_computers(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    response = await api.call(
        "POST",
        "/computers",
        "france-travail",
        json={
            "site_id": site["site_id"],
            "label": "PC 1",
            "lending_org": "asso-reussir",
            "webcam": True,
            "headset": True,
            "visio_ready": True,
        },
    )
    assert response.status_code == 403
    assert service.store.count() == 1


async def test_a_computer_breaks_and_comes_back_at_any_moment(api: Api, service: SitesService) -> None:
    site = await api.open_site()
    computer = await api.add_computer(site["site_id"], "PC 1", "asso-reussir")
    url = f"/computers/{computer['computer_id']}"
    broken = await api.call("POST", f"{url}/out-of-order", "asso-reussir", json={"reason": "écran noir"})
    assert broken.status_code == 200
    assert (broken.json()["status"], broken.json()["status_reason"]) == ("out_of_order", "écran noir")
    again = await api.call("POST", f"{url}/out-of-order", "asso-reussir", json={"reason": "clavier"})
    assert again.status_code == 409
    assert again.json()["detail"][0]["reason"] == "cet ordinateur est déjà hors service"
    foreign = await api.call("POST", f"{url}/back-in-service", "france-travail")
    assert foreign.status_code == 403
    back = await api.call("POST", f"{url}/back-in-service", "asso-reussir")
    assert (back.status_code, back.json()["status"], back.json()["status_reason"]) == (
        200,
        "in_service",
        None,
    )
    assert (await api.call("POST", f"{url}/back-in-service")).status_code == 409
    events = [e.event_type for e in service.store.read_stream(computer["computer_id"])]
    assert events == ["ComputerAdded", "ComputerOutOfOrder", "ComputerBackInService"]


async def test_an_unknown_computer_is_not_found(api: Api) -> None:
    assert (await api.call("GET", "/computers/nope")).status_code == 404
    response = await api.call("POST", "/computers/nope/out-of-order", json={"reason": "panne"})
    assert response.status_code == 404
    assert response.json()["detail"] == [{"field": "computer_id", "reason": "ordinateur inconnu"}]


async def test_a_removed_computer_frees_its_label(api: Api) -> None:
    site = await api.open_site()
    computer = await api.add_computer(site["site_id"], "PC 1")
    removed = await api.call(
        "POST", f"/computers/{computer['computer_id']}/remove", json={"reason": "repris"}
    )
    assert removed.json()["status"] == "removed"
    assert (await api.call("GET", f"/computers?site_id={site['site_id']}")).json() == []
    replacement = await api.add_computer(site["site_id"], "PC 1")
    listed = (await api.call("GET", f"/computers?site_id={site['site_id']}&include_removed=true")).json()
    assert {c["computer_id"] for c in listed} == {computer["computer_id"], replacement["computer_id"]}
