"""The coordinator's plan page links to the convocations to print, and the console hands on notifications'
PDF as it is, with the person's own token; nobody else gets it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobdating.console.application.ports import Refused
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService

from .fakes import FakeServices

PDF = b"%PDF-1.4 the letters"
LETTERS = ("GET", "notifications", "/job-datings/jd-1/letters.pdf")


def services() -> FakeServices:
    fake = FakeServices()
    fake.answers[("GET", "scheduling", "/job-datings")] = [
        {"job_dating_id": "jd-1", "published": True, "title": "Emploi Booster"}
    ]
    fake.answers[("GET", "scheduling", "/job-datings/jd-1/plan")] = {"title": "Emploi Booster", "groups": []}
    fake.answers[("GET", "registration", "/candidates")] = {"items": [], "total": 0}
    fake.answers[LETTERS] = PDF
    return fake


SignedInAs = Callable[..., tuple[FakeServices, TestClient, Session]]


@pytest.fixture
def signed_in_as(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> SignedInAs:
    """`signed_in_as(*roles)`: the fake services, and a client signed in with `roles` to a console on them."""

    def as_roles(*roles: str) -> tuple[FakeServices, TestClient, Session]:
        fake = services()
        client, session = sign_in(build_console(fake, secure_cookie=False), roles=roles)
        return fake, client, session

    return as_roles


def test_the_plan_links_to_the_letters_and_the_console_hands_on_the_pdf(signed_in_as: SignedInAs) -> None:
    fake, client, _ = signed_in_as("coordinator")
    page = client.get("/coordination/planning")
    assert page.status_code == 200
    assert (
        '<a class="button secondary" href="/coordination/courriers/jd-1">Convocations à imprimer (PDF)</a>'
        in (page.text)
    )
    assert "sans téléphone ni e-mail utilisables" in page.text

    pdf = client.get("/coordination/courriers/jd-1")
    assert pdf.status_code == 200
    assert pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert fake.calls[-1][:3] == LETTERS


def test_the_letters_are_for_the_coordination_and_a_refusal_is_shown_in_french(
    signed_in_as: SignedInAs,
) -> None:
    fake, client, _ = signed_in_as("site_manager")
    refused = client.get("/coordination/courriers/jd-1")
    assert refused.status_code == 403
    assert "réservée à la coordination" in refused.text
    assert not [c for c in fake.calls if c[1] == "notifications"]

    fake, client, _ = signed_in_as("coordinator")
    answers: dict[Any, Any] = fake.answers
    answers[LETTERS] = Refused(404, ["job dating inconnu"])
    unknown = client.get("/coordination/courriers/jd-1")
    assert unknown.status_code == 404
    assert "job dating inconnu" in unknown.text
