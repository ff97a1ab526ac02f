"""Sessions kept in the console's own store: they outlive a restart of the console, end at sign-out and at
their expiry, and the store holds no session id nor access token in clear."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobdating.console.adapters.web import COOKIE
from jobdating.console.bootstrap import ConsoleService

from .conftest import NOW
from .fakes import FakeServices

EMAIL = "lea.martin@departement-nord.example"


def token_for(account: str) -> str:
    claims = {"sub": account, "org": "departement-nord", "roles": ["site_manager"]}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"header.{body}.signature-of-{account}"


class Identity(FakeServices):
    """Signs anyone in with a ten-minute token, and keeps the token each call was made with."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []

    def sign_in(self, email: str, password: str, code: str | None) -> dict[str, Any]:
        return {"access_token": token_for("acc-lea"), "expires_in": 600}

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        self.tokens.append(token)
        return super().get(service, path, token, params)


def signed_in(console: ConsoleService) -> TestClient:
    """A browser that signed in through the sign-in page (its cookie is the session the console opened)."""
    client = TestClient(console.app)
    page = client.get("/connexion")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/connexion",
        data={"csrf": csrf, "email": EMAIL, "password": "secret", "code": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client


def reopened(console: ConsoleService, client: TestClient) -> TestClient:
    """The same browser (its cookie) in front of another console process."""
    again = TestClient(console.app)
    again.cookies.set(COOKIE, client.cookies[COOKIE])
    return again


def restarts(build_console: Callable[..., ConsoleService], store_url: str) -> Callable[[], ConsoleService]:
    def start() -> ConsoleService:
        return build_console(Identity(), secure_cookie=False, store_url=store_url)

    return start


def test_a_session_survives_a_restart_of_the_console_and_ends_at_sign_out(
    build_console: Callable[..., ConsoleService], tmp_path: Path
) -> None:
    start = restarts(build_console, f"sqlite:///{tmp_path / 'sessions.db'}")
    first = start()
    client = signed_in(first)
    first.store.close()  # the first process is gone

    second = start()
    browser = reopened(second, client)
    assert browser.get("/accueil", follow_redirects=False).status_code == 200
    services = second.services
    assert isinstance(services, Identity)
    assert services.tokens == [token_for("acc-lea")]  # the pages ask on behalf of the person signed in
    session = second.sessions.get(client.cookies[COOKIE], NOW)
    assert session is not None
    signed_out = browser.post("/deconnexion", data={"csrf": session.csrf}, follow_redirects=False)
    assert signed_out.headers["location"] == "/connexion?raison=sortie"

    third = start()
    refused = reopened(third, client).get("/accueil", follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/connexion")


def test_a_session_past_its_end_is_refused_and_forgotten(
    build_console: Callable[..., ConsoleService], tmp_path: Path
) -> None:
    console = restarts(build_console, f"sqlite:///{tmp_path / 'sessions.db'}")()
    client = signed_in(console)
    session_id = client.cookies[COOKIE]
    lifetime = timedelta(minutes=console.settings.session_minutes)
    assert console.sessions.get(session_id, NOW + lifetime - timedelta(seconds=1)) is not None
    assert console.sessions.get(session_id, NOW + lifetime) is None
    assert console.store.query("SELECT COUNT(*) FROM console_sessions")[0][0] == 0
    refused = client.get("/accueil", follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/connexion")


def test_the_store_holds_neither_the_session_id_nor_the_token_nor_the_address(
    build_console: Callable[..., ConsoleService], tmp_path: Path
) -> None:
    path = tmp_path / "sessions.db"
    console = restarts(build_console, f"sqlite:///{path}")()
    client = signed_in(console)
    console.store.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    written = b"".join(p.read_bytes() for p in tmp_path.glob("sessions.db*"))
    for secret in (client.cookies[COOKIE], token_for("acc-lea"), EMAIL, "signature-of-acc-lea"):
        assert secret.encode() not in written
    rows = sqlite3.connect(path).execute("SELECT id_hash FROM console_sessions").fetchall()
    assert len(rows) == 1


@pytest.mark.postgres
def test_a_session_survives_a_restart_on_postgresql(
    build_console: Callable[..., ConsoleService], pg_dsn: str
) -> None:
    start = restarts(build_console, pg_dsn)
    first = start()
    client = signed_in(first)
    first.store.close()
    second = start()
    try:
        assert reopened(second, client).get("/accueil", follow_redirects=False).status_code == 200
        second.sessions.close(client.cookies[COOKIE])
        refused = reopened(second, client).get("/accueil", follow_redirects=False)
        assert refused.status_code == 303
    finally:
        second.store.close()
