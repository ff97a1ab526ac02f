"""The nearest demo sites to a postcode, by the distance from where its communes are (official positions
shipped with the service), over HTTP."""

from __future__ import annotations

import pytest

from jobdating.testing.demo_data import SITES

from .conftest import Api


async def open_demo_sites(api: Api) -> None:
    for site in SITES:
        await api.open_site(
            name=site.name,
            host_org=site.host_org,
            address=site.address,
            commune=site.commune,
            postcode=site.postcode,
            location={"lat": site.lat, "lon": site.lon},
        )


async def nearest(api: Api, postcode: str) -> list[tuple[str, float]]:
    response = await api.call("GET", "/sites/nearest", "viewer", params={"postcode": postcode})
    assert response.status_code == 200, response.text
    assert response.json()["located_by"] == "postcode"
    return [(s["site"]["name"], s["distance_km"]) for s in response.json()["sites"]]


FACHES, RONCHIN, SECLIN, WATTIGNIES = (s.name for s in SITES)


async def test_three_postcodes_of_the_nord_get_their_own_distances(api: Api) -> None:
    await open_demo_sites(api)
    # Lesquin, just east of Ronchin and Faches.
    assert await nearest(api, "59810") == [(RONCHIN, 2.4), (FACHES, 2.6), (WATTIGNIES, 4.7), (SECLIN, 7.2)]
    # Lille, north of the four sites.
    assert await nearest(api, "59000") == [(RONCHIN, 3.0), (FACHES, 4.6), (WATTIGNIES, 5.2), (SECLIN, 9.4)]
    # Dunkerque, 70 km north-west: the western sites come first.
    assert await nearest(api, "59140") == [
        (WATTIGNIES, 68.7),
        (RONCHIN, 69.4),
        (FACHES, 70.0),
        (SECLIN, 71.1),
    ]


@pytest.mark.parametrize("postcode", ["00000", "99999", "59999", "98000"])
async def test_a_postcode_of_no_commune_is_refused(api: Api, postcode: str) -> None:
    await open_demo_sites(api)
    response = await api.call("GET", "/sites/nearest", "viewer", params={"postcode": postcode})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "postcode"
    assert "code postal inconnu" in problem["reason"]
