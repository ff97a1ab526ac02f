"""Inputs that used to make a 500 are refused by name, with a French reason."""

from __future__ import annotations

import json

import pytest

from jobdating.runtime.http_inputs import french_validation_error
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import job_dating_body

from .conftest import Api, planned_demo

# json.dumps escapes a lone surrogate as \ud800 (valid JSON), where httpx's own encoder fails on it.
JSON_AS_COORDINATOR = {"Authorization": "Bearer coordinator", "content-type": "application/json"}


@pytest.mark.parametrize("after", [2**63, 10**30])
async def test_a_change_position_past_the_stores_integers_is_refused_by_name(
    api: Api, service: SchedulingService, after: int
) -> None:
    await planned_demo(api, service)

    response = await api.call("GET", f"/job-datings/{api.jd}/changes", params={"after": after})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["after"]


async def test_a_lone_surrogate_in_a_title_is_refused_by_name(api: Api) -> None:
    body = job_dating_body(api.prefix, title="Emploi \ud800")

    response = await api.client.post("/job-datings", content=json.dumps(body), headers=JSON_AS_COORDINATOR)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "title", "reason": "texte mal encodé (caractère invalide)"}
    ]


async def test_a_site_window_with_a_time_zone_is_refused_by_name(api: Api) -> None:
    body = job_dating_body(api.prefix)
    body["site_windows"][0]["start"] = "09:00Z"

    response = await api.call("POST", "/job-datings", json=body)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "site_windows.0.start", "reason": "heure sans fuseau attendue, au format HH:MM"}
    ]


@pytest.mark.parametrize(
    ("url", "as_"),
    [
        ("/job-datings", "viewer"),
        ("/job-datings/jd-1/check-ins", "viewer"),
        ("/job-datings/jd-1/no-shows", "ml-counsellor"),
        ("/slots/slot-1/outcome", "viewer"),
        ("/slots/slot-1/move", "ft-manager"),
        ("/job-datings/jd-1/pins", "recruiter-logiplus"),
        ("/workshops", "ft-manager"),
    ],
)
async def test_a_caller_whose_role_may_not_act_is_refused_before_their_body_is_read(
    api: Api, service: SchedulingService, url: str, as_: str
) -> None:
    response = await api.call("POST", url, as_=as_, json={})

    assert response.status_code == 403
    (refusal,) = response.json()["detail"]
    assert refusal["field"] == "Authorization"
    assert refusal["reason"].startswith("seul")
    assert service.store.count() == 0


async def test_an_unknown_outcome_lists_the_allowed_ones_joined_in_french(api: Api) -> None:
    response = await api.call("POST", "/slots/slot-1/outcome", json={"outcome": "absent"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "outcome",
            "reason": (
                "valeur non reconnue (possibles : 'second_interview', 'hired', 'not_retained' ou 'no_show')"
            ),
        }
    ]


def test_a_body_that_is_not_json_names_the_body_not_a_character_offset() -> None:
    error = {"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error", "ctx": {"error": "x"}}
    assert french_validation_error(error) == {"field": "body", "reason": "JSON invalide"}
