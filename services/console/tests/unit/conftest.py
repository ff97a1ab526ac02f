"""What the console's unit tests share: a console over the services a test gives (its clock stopped at
`NOW`), and a person signed in to it with a live token and the roles the test gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobdating.console.application.ports import Services
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService, bootstrap
from jobdating.console.config import ConsoleSettings
from jobdating.runtime.clock import ScaledClock

NOW = datetime(2027, 1, 8, 8, 0, tzinfo=UTC)


@pytest.fixture
def build_console(tmp_path: Path) -> Callable[..., ConsoleService]:
    """`build(services, **settings)`: a console over `services` (else the clients its settings name)."""

    def build(services: Services | None = None, **settings: Any) -> ConsoleService:
        secret = tmp_path / "secret"
        secret.write_text("k" * 40)
        settings.setdefault("store_url", f"sqlite:///{tmp_path / 'console.db'}")
        configured = ConsoleSettings(secret_file=secret, **settings)
        return bootstrap(configured, clock=ScaledClock(NOW, 0.0), services=services)

    return build


@pytest.fixture
def sign_in() -> Callable[..., tuple[TestClient, Session]]:
    """`sign_in(console, minutes=5, https=False, **person)`: a client whose session holds a token valid for
    `minutes` and the `person`'s fields (roles, org, …); https where the console sends secure cookies."""

    def signed_in(
        console: ConsoleService, *, minutes: int = 5, https: bool = False, **person: Any
    ) -> tuple[TestClient, Session]:
        session = console.sessions.open(NOW)
        session.token, session.token_expires_at = "a.b.c", NOW + timedelta(minutes=minutes)
        for field, value in person.items():
            setattr(session, field, value)
        console.sessions.save(session)
        client = TestClient(console.app, base_url="https://testserver" if https else "http://testserver")
        client.cookies.set("console_session", session.session_id)
        return client, session

    return signed_in
