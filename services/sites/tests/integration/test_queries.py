"""What is usable when, and what is nearest: the availability and nearest-site queries over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from jobdating.sites.application.geography import Location, departement, haversine_km

from .conftest import Api

DAY = "2026-12-03"
FACHES = {"lat": 50.5872, "lon": 3.0731}
RONCHIN = {"lat": 50.6050, "lon": 3.0895}
SECLIN = {"lat": 50.5486, "lon": 3.0297}


def hours(*ranges: tuple[str, str], day: str = DAY) -> list[dict[str, str]]:
    return [{"day": day, "start": start, "end": end} for start, end in ranges]


async def usable(api: Api, start: str, end: str) -> dict[str, list[str]]:
    response = await api.call("GET", "/availability", "viewer", params={"start": start, "end": end})
    assert response.status_code == 200, response.text
    return {s["site"]["name"]: [c["label"] for c in s["computers"]] for s in response.json()["sites"]}


async def test_usable_sites_are_open_over_the_whole_window_with_working_visio_computers(api: Api) -> None:
    morning = await api.open_site(name="Matin", hours=hours(("08:30", "12:30")))
    all_day = await api.open_site(name="Journée", hours=hours(("08:30", "12:30"), ("12:30", "17:00")))
    closed = await api.open_site(name="Fermé", hours=hours(("08:00", "18:00")))
    await api.add_computer(morning["site_id"], "PC 1")
    broken = await api.add_computer(morning["site_id"], "PC 2")
    await api.add_computer(morning["site_id"], "PC 3", visio_ready=False)
    await api.add_computer(all_day["site_id"], "PC A")
    await api.add_computer(closed["site_id"], "PC X")
    await api.call("POST", f"/computers/{broken['computer_id']}/out-of-order", json={"reason": "webcam"})
    await api.call("POST", f"/sites/{closed['site_id']}/close", json={"reason": "travaux"})

    assert await usable(api, f"{DAY}T09:00", f"{DAY}T10:00") == {"Journée": ["PC A"], "Matin": ["PC 1"]}
    # Back-to-back ranges cover a window across them; a range ending early does not.
    assert await usable(api, f"{DAY}T12:00", f"{DAY}T13:00") == {"Journée": ["PC A"]}
    assert await usable(api, f"{DAY}T17:00", f"{DAY}T18:00") == {}
    assert await usable(api, "2026-12-04T09:00", "2026-12-04T10:00") == {}


async def test_a_window_with_an_offset_is_read_in_the_sites_local_time(api: Api) -> None:
    await api.open_site(name="Matin", hours=hours(("08:30", "12:30")))
    # 07:45 UTC is 08:45 in Lille in December.
    assert await usable(api, f"{DAY}T07:45:00Z", f"{DAY}T08:45:00Z") == {"Matin": []}
    assert await usable(api, f"{DAY}T07:00:00Z", f"{DAY}T08:00:00Z") == {}


async def test_a_computer_back_in_service_is_usable_again(api: Api) -> None:
    site = await api.open_site(name="Matin", hours=hours(("08:30", "12:30")))
    computer = await api.add_computer(site["site_id"], "PC 1")
    url = f"/computers/{computer['computer_id']}"
    await api.call("POST", f"{url}/out-of-order", json={"reason": "réseau"})
    assert await usable(api, f"{DAY}T09:00", f"{DAY}T10:00") == {"Matin": []}
    await api.call("POST", f"{url}/back-in-service")
    assert await usable(api, f"{DAY}T09:00", f"{DAY}T10:00") == {"Matin": ["PC 1"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": f"{DAY}T10:00", "end": f"{DAY}T09:00"}, "end"),
        ({"start": f"{DAY}T10:00"}, "end"),
        ({"start": "demain", "end": f"{DAY}T09:00"}, "start"),
    ],
)
async def test_a_wrong_window_is_refused(api: Api, params: dict[str, str], field: str) -> None:
    response = await api.call("GET", "/availability", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


async def open_three(api: Api) -> dict[str, Any]:
    faches = await api.open_site(name="Faches", commune="Faches-Thumesnil", postcode="59155", location=FACHES)
    ronchin = await api.open_site(name="Ronchin", commune="Ronchin", postcode="59790", location=RONCHIN)
    seclin = await api.open_site(name="Seclin", commune="Seclin", postcode="59113", location=SECLIN)
    return {"faches": faches, "ronchin": ronchin, "seclin": seclin}


async def nearest(api: Api, as_: str = "coordinator", **params: Any) -> dict[str, Any]:
    """The answer to a nearest-sites question the service understood."""
    response = await api.call("GET", "/sites/nearest", as_, params=params)
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def by_distance(answer: dict[str, Any]) -> list[tuple[str, float]]:
    """The sites an answer proposes, nearest first, with their distance in kilometres."""
    return [(s["site"]["name"], s["distance_km"]) for s in answer["sites"]]


async def test_the_nearest_sites_to_a_point_come_first_with_their_distance(api: Api) -> None:
    await open_three(api)
    # Lesquin, east of Faches and Ronchin.
    result = await nearest(api, "viewer", lat=50.589, lon=3.111, limit=2)
    assert result["located_by"] == "coordinates"
    assert by_distance(result) == [("Ronchin", 2.3), ("Faches", 2.7)]


async def test_a_postcode_is_placed_at_its_commune(api: Api) -> None:
    await open_three(api)
    result = await nearest(api, postcode="59113")
    assert result["located_by"] == "postcode"
    # Seclin's town hall, from the shipped commune positions; the site is half a kilometre away.
    assert result["origin"] == {"lat": 50.5452, "lon": 3.0255}
    assert [s["site"]["name"] for s in result["sites"]] == ["Seclin", "Faches", "Ronchin"]
    assert result["sites"][0]["distance_km"] == 0.5


async def test_a_postcode_without_a_site_is_placed_at_its_commune_and_closed_sites_are_not_proposed(
    api: Api,
) -> None:
    sites = await open_three(api)
    await api.call("POST", f"/sites/{sites['seclin']['site_id']}/close", json={"reason": "travaux"})
    result = await nearest(api, postcode="59000")
    assert result["located_by"] == "postcode"
    # Lille is north of the sites: Ronchin is the nearest.
    assert by_distance(result) == [("Ronchin", 3.0), ("Faches", 4.6)]


async def test_a_postcode_far_from_every_site_is_placed_all_the_same(api: Api) -> None:
    await open_three(api)
    result = await nearest(api, postcode="75011")
    assert by_distance(result) == [("Seclin", 193.7), ("Faches", 198.6), ("Ronchin", 200.8)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "lat"),
        ({"lat": 50.6}, "lon"),
        ({"postcode": "59000", "lat": 50.6, "lon": 3.0}, "postcode"),
        ({"postcode": "59 000"}, "postcode"),
        ({"lat": 150, "lon": 3.0}, "lat"),
        ({"lat": 50.6, "lon": 3.0, "limit": 0}, "limit"),
    ],
)
async def test_a_nearest_question_needs_one_clear_origin(
    api: Api, params: dict[str, Any], field: str
) -> None:
    response = await api.call("GET", "/sites/nearest", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_haversine_gives_the_known_lille_paris_distance() -> None:
    lille, paris = Location(lat=50.6292, lon=3.0573), Location(lat=48.8566, lon=2.3522)
    assert round(haversine_km(lille, paris)) == 204


@pytest.mark.parametrize(
    ("postcode", "expected"), [("59000", "59"), ("20000", "2A"), ("20200", "2B"), ("97400", "974")]
)
def test_a_postcode_tells_its_departement(postcode: str, expected: str) -> None:
    assert departement(postcode) == expected
