"""Fixtures of the registration tests: a service over a real SQLite file, an open site, an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from jobdating.eventstore.base import EventStore
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.testing import open_site, tokens


@pytest.fixture
def service(sqlite_store: EventStore) -> RegistrationService:
    return build_service(org="mel", store=sqlite_store)


@pytest.fixture
def site(service: RegistrationService) -> str:
    return open_site(service, name="Maison de l'emploi de Seclin")


@pytest.fixture
def app(service: RegistrationService) -> FastAPI:
    return build_app(service, tokens())


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registration") as c:
        yield c
