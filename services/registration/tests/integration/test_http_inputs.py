"""Inputs that used to make a 500 (or slip through) are refused by name, with a French reason."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registration import CandidateNoteWritten
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.testing import bearer

from .test_http import candidate_body, company_body, fields


async def post_raw(client: httpx.AsyncClient, url: str, body: dict[str, Any], as_: str) -> httpx.Response:
    # json.dumps escapes a lone surrogate as \ud800, which is valid JSON; httpx's encoder would fail on it.
    headers = {**bearer(as_), "content-type": "application/json"}
    return await client.post(url, content=json.dumps(body), headers=headers)


@pytest.mark.parametrize("path", ["/candidates", "/companies"])
@pytest.mark.parametrize("offset", [2**63, 10**30])
async def test_an_offset_past_the_stores_integers_is_refused_by_name(
    client: httpx.AsyncClient, path: str, offset: int
) -> None:
    response = await client.get(path, params={"offset": offset}, headers=bearer("mel-coordinator"))

    assert response.status_code == 422
    assert fields(response) == ["offset"]


@pytest.mark.parametrize("at", ["09:00Z", "09:00+01:00"])
async def test_a_company_window_with_a_time_zone_is_refused_by_name(
    client: httpx.AsyncClient, at: str
) -> None:
    response = await client.post(
        "/companies", json=company_body(window_start=at), headers=bearer("mel-coordinator")
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "window_start", "reason": "heure sans fuseau attendue, au format HH:MM"}
    ]


async def test_an_availability_with_a_time_zone_is_refused_by_name(
    client: httpx.AsyncClient, site: str
) -> None:
    availability = [{"day": "2026-12-03", "start": "09:00Z", "end": "12:00"}]
    response = await client.post(
        "/candidates", json=candidate_body(site, availability=availability), headers=bearer("mel-counsellor")
    )

    assert response.status_code == 422
    assert fields(response) == ["availability.0.start"]


async def test_a_lone_surrogate_in_a_name_is_refused_by_name(client: httpx.AsyncClient, site: str) -> None:
    candidate = await post_raw(
        client, "/candidates", candidate_body(site, first_name="Sa\ud800mia"), "mel-counsellor"
    )
    company = await post_raw(client, "/companies", company_body(name="\ud800"), "mel-coordinator")

    assert (candidate.status_code, fields(candidate)) == (422, ["first_name"])
    assert (company.status_code, fields(company)) == (422, ["name"])
    assert candidate.json()["detail"][0]["reason"] == "texte mal encodé (caractère invalide)"


@pytest.mark.parametrize("name", ["Sa\x00mia", "Sa\x1bmia", "Sa\x7fmia", "\x85Samia"])
async def test_a_nul_or_control_character_in_a_name_is_refused(
    client: httpx.AsyncClient, site: str, name: str
) -> None:
    response = await client.post(
        "/candidates", json=candidate_body(site, last_name=name), headers=bearer("mel-counsellor")
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "last_name", "reason": "caractère de contrôle interdit"}]


async def test_the_openapi_declares_the_refusals_as_they_are_sent(client: httpx.AsyncClient) -> None:
    openapi = (await client.get("/openapi.json")).json()
    refusal = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    schemas = openapi["components"]["schemas"]

    register = openapi["paths"]["/candidates"]["post"]["responses"]
    assert {code: register[code]["content"] for code in ("401", "403", "404", "409", "422")} == dict.fromkeys(
        ("401", "403", "404", "409", "422"), refusal
    )
    assert "HTTPValidationError" not in schemas
    assert schemas["FieldRefusal"]["required"] == ["field", "reason"]
    listing = openapi["paths"]["/candidates"]["get"]["parameters"]
    offset = next(p for p in listing if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 2**63 - 1


async def test_a_counsellors_note_is_kept_short_and_free_of_contact_details_over_http(
    client: httpx.AsyncClient, site: str, service: RegistrationService
) -> None:
    with_phone = candidate_body(site, note="Motivée, joignable au 06 12 34 56 78")
    refused = await client.post("/candidates", json=with_phone, headers=bearer("mel-counsellor"))
    assert refused.status_code == 422
    assert fields(refused) == ["note"]
    assert "les entreprises la lisent" in refused.json()["detail"][0]["reason"]
    accepted = await client.post(
        "/candidates",
        json=candidate_body(site, note="Motivée, permis B, cherche un CDI."),
        headers=bearer("mel-counsellor"),
    )
    assert accepted.status_code == 201, accepted.text
    candidate_id = accepted.json()["candidate_id"]
    cleared = await client.patch(
        f"/candidates/{candidate_id}", json={"note": None}, headers=bearer("mel-counsellor")
    )
    assert cleared.status_code == 200, cleared.text
    written = [
        REGISTRY.decode(decode_envelope(row.body)).data
        for row in service.store.read_all()
        if row.event_type == "CandidateNoteWritten"
    ]
    assert written == [
        CandidateNoteWritten(candidate_id=candidate_id, note="Motivée, permis B, cherche un CDI."),
        CandidateNoteWritten(candidate_id=candidate_id, note=""),
    ]
