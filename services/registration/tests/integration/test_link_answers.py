"""A candidate answers from their personal link, without an account: « Je viens » is recorded as theirs,
« Je ne peux pas venir » withdraws them; an altered or expired link records nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.base import EventStore
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.testing import CALLERS, candidate, open_site, tokens
from jobdating.runtime.candidate_links import CandidateLink, sign

KEY = b"k" * 40
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
COUNSELLOR = CALLERS["mel-counsellor"]


class Clock:
    def now(self) -> datetime:
        return NOW


@pytest.fixture
def service(sqlite_store: EventStore) -> RegistrationService:
    return build_service(org="mel", store=sqlite_store, clock=Clock())


@pytest.fixture
async def client(service: RegistrationService) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(service, tokens(), link_key=KEY))
    async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
        yield c


@pytest.fixture
def candidate_id(service: RegistrationService) -> str:
    """A candidate registered by their counsellor, the one the links are for."""
    cmd = candidate(open_site(service), counsellor_id=COUNSELLOR.actor_id)
    return RegistrationHandlers(service).register_candidate(COUNSELLOR, cmd)


def link(candidate_id: str, valid_for: timedelta = timedelta(days=1), key: bytes = KEY) -> str:
    return sign(key, CandidateLink(candidate_id, int((NOW + valid_for).timestamp())))


async def test_a_candidate_confirms_then_says_they_cannot_come(
    service: RegistrationService, client: httpx.AsyncClient, candidate_id: str
) -> None:

    coming = await client.post("/candidate-answers", json={"link": link(candidate_id), "answer": "coming"})
    assert coming.status_code == 200, coming.text
    last = decode_envelope(service.store.read_stream(candidate_id)[-1].body)
    assert last.event_type == "CandidateConfirmedAttendance"
    assert last.actor_id == "candidate-link"

    cannot = await client.post(
        "/candidate-answers", json={"link": link(candidate_id), "answer": "not_coming"}
    )
    assert cannot.status_code == 200, cannot.text
    last = decode_envelope(service.store.read_stream(candidate_id)[-1].body)
    assert last.event_type == "CandidateWithdrew"

    again = await client.post("/candidate-answers", json={"link": link(candidate_id), "answer": "coming"})
    assert again.status_code == 409
    assert "déjà retiré" in again.text


async def test_an_altered_or_expired_link_records_nothing(
    service: RegistrationService, client: httpx.AsyncClient, candidate_id: str
) -> None:
    before = len(service.store.read_stream(candidate_id))
    forged = link(candidate_id, key=b"x" * 40)
    for bad in (forged, link(candidate_id, timedelta(seconds=-1)), "n'importe quoi"):
        answer = await client.post("/candidate-answers", json={"link": bad, "answer": "coming"})
        assert answer.status_code == 404, answer.text
    assert "lien" in answer.text
    assert len(service.store.read_stream(candidate_id)) == before
