"""Inputs that used to make a 500 are refused by name, with a French reason."""

from __future__ import annotations

import json

from .conftest import Api

# json.dumps escapes a lone surrogate as \ud800 (valid JSON), where httpx's own encoder fails on it.
JSON_AS_COORDINATOR = {"Authorization": "Bearer coordinator", "content-type": "application/json"}


async def test_a_lone_surrogate_in_a_name_is_refused_by_name(api: Api) -> None:
    body = api.site_body(name="Maison \ud800")

    response = await api.client.post("/sites", content=json.dumps(body), headers=JSON_AS_COORDINATOR)

    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "name", "reason": "texte mal encodé (caractère invalide)"}]


async def test_a_nul_in_a_name_is_refused_by_name(api: Api) -> None:
    response = await api.call("POST", "/sites", json=api.site_body(name="Maison\x00"))

    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "name", "reason": "caractère de contrôle interdit"}]


async def test_opening_hours_with_a_time_zone_are_refused_by_name(api: Api) -> None:
    hours = [{"day": "2026-12-03", "start": "08:30+01:00", "end": "12:30"}]

    response = await api.call("POST", "/sites", json=api.site_body(hours=hours))

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["hours.0.start"]
