"""The console's own rules, without the other services: headers, CSRF, the sign-in page, links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from jobdating.console.bootstrap import ConsoleService
from jobdating.runtime.candidate_links import BadLink, CandidateLink, sign, verify

NOW = datetime(2027, 1, 8, 8, 0, tzinfo=UTC)


@pytest.fixture
def console(build_console: Callable[..., ConsoleService]) -> ConsoleService:
    return build_console(secure_cookie=True, identity_url="http://127.0.0.1:9")


@pytest.fixture
def client(console: ConsoleService) -> TestClient:
    # Secure cookies travel over HTTPS only.
    return TestClient(console.app, base_url="https://testserver")


def test_every_page_has_a_strict_policy_and_a_french_sign_in_form(client: TestClient) -> None:
    page = client.get("/connexion")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert '<html lang="fr">' in page.text
    assert "Se connecter" in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=strict" in cookie
    assert 'name="csrf"' in page.text


def test_a_form_without_its_csrf_token_is_refused_in_french(client: TestClient) -> None:
    client.get("/connexion")
    refused = client.post("/connexion", data={"email": "a@b.fr", "password": "x"})
    assert refused.status_code == 403
    assert "Ce formulaire a expiré" in refused.text


def test_an_unanswering_identity_is_said_in_french(client: TestClient) -> None:
    page = client.get("/connexion")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/connexion", data={"email": "a@b.fr", "password": "x", "csrf": csrf})
    assert answer.status_code == 503
    assert "ne répond pas" in answer.text


def test_pages_need_a_signed_in_person(client: TestClient) -> None:
    answer = client.get("/accueil", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion"


def test_an_expired_access_token_asks_the_person_to_sign_in_again(
    console: ConsoleService, client: TestClient
) -> None:
    session = console.sessions.open(NOW)
    session.token, session.token_expires_at = "a.b.c", NOW - timedelta(seconds=1)
    console.sessions.save(session)
    client.cookies.set("console_session", session.session_id)
    answer = client.get("/accueil", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?raison=expiree"
    page = client.get(answer.headers["location"])
    assert "Votre session a expiré. Reconnectez-vous pour continuer." in page.text


def test_a_candidate_link_is_signed_and_expires() -> None:
    key = b"k" * 40
    token = sign(key, CandidateLink("cand-1", int((NOW + timedelta(days=1)).timestamp())))
    assert verify(key, token, NOW).candidate_id == "cand-1"
    with pytest.raises(BadLink, match="expiré"):
        verify(key, token, NOW + timedelta(days=2))
    with pytest.raises(BadLink, match="pas valide"):
        verify(b"x" * 40, token, NOW)
    body, mac = token.split(".")
    with pytest.raises(BadLink):
        verify(key, body[:-2] + "AA." + mac, NOW)


def test_a_candidate_answer_without_its_form_token_is_refused(client: TestClient) -> None:
    token = sign(b"k" * 40, CandidateLink("cand-1", int((NOW + timedelta(days=1)).timestamp())))
    refused = client.post(f"/c/{token}/reponse", data={"answer": "coming"})
    assert refused.status_code == 403
    assert "Ce formulaire a expiré" in refused.text
