"""A coordinator opens another organisation's candidate's contact for a stated purpose: recorded in the
candidate's stream, listed for their organisation; across instances the answer crosses the bus sealed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registration import CandidateContactOpened
from jobdating.contracts.trust import publisher_of, subject_refusal
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.factory import open_store
from jobdating.registration.adapters.messaging import asked_by, serve_contact_openings
from jobdating.registration.adapters.remote_openings import RemoteOpenings
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_app, build_service
from jobdating.registration.domain.commands import WithdrawCandidate
from jobdating.registration.readmodel import rebuild
from jobdating.registration.testing import CALLERS, bearer, candidate, open_site, tokens
from jobdating.testing.events import envelope

ML_COUNSELLOR = CALLERS["ml-counsellor"]


def register_ml_candidate(service: RegistrationService, phone: str = "06 39 98 00 21") -> str:
    site = open_site(service)
    cmd = candidate(site, counsellor_id=ML_COUNSELLOR.actor_id, last_name="Bernard", phone=phone)
    return RegistrationHandlers(service).register_candidate(ML_COUNSELLOR, cmd)


def openings_in_log(store: EventStore) -> list[tuple[CandidateContactOpened, str, bytes]]:
    found = []
    for stored in store.iter_all():
        env = decode_envelope(stored.body)
        if env.event_type == "CandidateContactOpened":
            event = REGISTRY.decode(env, stored.position)
            assert isinstance(event.data, CandidateContactOpened)
            found.append((event.data, env.actor_id, stored.body))
    return found


async def test_a_coordinator_opens_another_organisations_candidate_for_a_listed_purpose_only(
    client: httpx.AsyncClient, service: RegistrationService
) -> None:
    cid = register_ml_candidate(service)
    path = f"/candidates/{cid}/contact-openings"
    coordinator = bearer("mel-coordinator")
    assert (await client.get(f"/candidates/{cid}", headers=coordinator)).json()["personal"] is None
    for body in ({}, {"purpose": None}, {"purpose": "curiosite"}, {"purpose": ""}):
        refused = await client.post(path, json=body, headers=coordinator)
        assert refused.status_code == 422, body
        assert [d["field"] for d in refused.json()["detail"]] == ["purpose"]
        assert "la convocation n'a pas pu être envoyée" in refused.json()["detail"][0]["reason"]
    assert openings_in_log(service.store) == []

    opened = await client.post(path, json={"purpose": "convocation_failed"}, headers=coordinator)
    assert opened.status_code == 201, opened.text
    assert opened.json() == {
        "candidate_id": cid,
        "purpose": "convocation_failed",
        "contact": {
            "first_name": "Samia",
            "last_name": "Bernard",
            "phone": "+33639980021",
            "email": opened.json()["contact"]["email"],
        },
    }
    [(event, actor, wire)] = openings_in_log(service.store)
    assert (event.candidate_id, event.purpose, event.opened_by, event.opened_by_org, actor) == (
        cid,
        "convocation_failed",
        "actor-mel-coordinator",
        "mel",
        "actor-mel-coordinator",
    )
    assert not any(clear in wire for clear in (b"Bernard", b"39980021", b"Samia"))

    # The candidate's organisation sees who opened, why and when; nobody else does.
    listed = await client.get(path, headers=bearer("ml-counsellor"))
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert (item["purpose"], item["opened_by"], item["opened_by_org"]) == (
        "convocation_failed",
        "actor-mel-coordinator",
        "mel",
    )
    assert item["opened_at"].startswith("20")
    refused = await client.get(path, headers=coordinator)
    assert refused.status_code == 403
    assert (
        refused.json()["detail"][0]["reason"]
        == "seule la structure qui suit ce candidat voit qui a ouvert ses coordonnées"
    )
    assert (
        await client.post(path, json={"purpose": "day_of_change"}, headers=bearer("mel-counsellor"))
    ).status_code == 403


async def test_nothing_is_opened_for_an_unknown_or_withdrawn_candidate(
    client: httpx.AsyncClient, service: RegistrationService
) -> None:
    coordinator = bearer("mel-coordinator")
    unknown = await client.post(
        "/candidates/nobody/contact-openings", json={"purpose": "duplicate_check"}, headers=coordinator
    )
    assert (unknown.status_code, unknown.json()["detail"][0]["reason"]) == (404, "candidat inconnu")
    cid = register_ml_candidate(service)
    RegistrationHandlers(service).withdraw_candidate(
        ML_COUNSELLOR, WithdrawCandidate(candidate_id=cid, reason="autre")
    )
    gone = await client.post(
        f"/candidates/{cid}/contact-openings", json={"purpose": "day_of_change"}, headers=coordinator
    )
    assert gone.status_code == 409
    assert "Bernard" not in gone.text
    assert openings_in_log(service.store) == []


async def test_the_openings_come_back_after_a_rebuild(
    client: httpx.AsyncClient, service: RegistrationService
) -> None:
    cid = register_ml_candidate(service)
    path = f"/candidates/{cid}/contact-openings"
    await client.post(path, json={"purpose": "duplicate_check"}, headers=bearer("mel-coordinator"))
    before = (await client.get(path, headers=bearer("ml-coordinator"))).json()
    rebuild(service.store)
    assert (
        (await client.get(path, headers=bearer("ml-coordinator"))).json()
        == before
        != {"candidate_id": cid, "items": []}
    )


def test_only_registration_may_say_a_contact_was_opened() -> None:
    assert publisher_of("CandidateContactOpened") == ("registration", "candidate")
    event = CandidateContactOpened(
        candidate_id="cand-1", purpose="day_of_change", opened_by="acct-1", opened_by_org="mel"
    )
    env = envelope(event, "cand-1", 2, org="mel", service="sites")
    refusal = subject_refusal("jobdating.mel.sites.candidate.CandidateContactOpened.cand-1", env)
    assert refusal == "CandidateContactOpened is published by registration on candidate streams, not by sites"


def test_a_question_is_believed_only_from_its_organisations_registration_inbox() -> None:
    assert asked_by("_INBOX.abc.1", "mel")  # a server without users (development)
    assert asked_by("_INBOX_registration-mel.abc.1", "mel")
    assert not asked_by("_INBOX_registration-mission-locale.abc.1", "mel")
    assert not asked_by("_INBOX_notifications.abc.1", "mel")


# ---- across instances ---------------------------------------------------------------------------------


@pytest.fixture
def owner(tmp_path: Path) -> RegistrationService:
    """mission-locale's own registration instance, holding its candidates."""
    return build_service(org="mission-locale", store=open_store(f"sqlite:///{tmp_path / 'ml.db'}"))


@pytest.fixture
async def asking(
    service: RegistrationService, nc: Client
) -> AsyncIterator[tuple[httpx.AsyncClient, RemoteOpenings]]:
    """mel's instance (the `service` fixture), connected to the bus."""
    remote = RemoteOpenings(service.log, wait=2.0)
    remote.connect(nc)
    transport = httpx.ASGITransport(app=build_app(service, tokens(), remote))
    async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
        yield c, remote


@pytest.mark.nats
async def test_another_instances_candidate_is_opened_there_and_comes_back_sealed(
    nc: Client,
    owner: RegistrationService,
    service: RegistrationService,
    asking: tuple[httpx.AsyncClient, RemoteOpenings],
) -> None:
    client, _ = asking
    cid = register_ml_candidate(owner, phone="06 39 98 00 22")
    await serve_contact_openings(nc, owner)
    wire: list[bytes] = []

    async def record(msg: Msg) -> None:
        wire.append(msg.data)

    spy = await nc.subscribe(">", cb=record)
    path = f"/candidates/{cid}/contact-openings"
    body = {"purpose": "day_of_change", "referring_org": "mission-locale"}
    opened = await client.post(path, json=body, headers=bearer("mel-coordinator"))
    assert opened.status_code == 201, opened.text
    assert opened.json()["contact"]["phone"] == "+33639980022"
    await nc.flush()
    await spy.unsubscribe()
    assert any(b"day_of_change" in data for data in wire)  # the question went over the bus...
    assert all(b"39980022" not in data and b"Bernard" not in data for data in wire)  # ...the answer sealed
    # Recorded by the instance holding the candidate, not by the one asking.
    [(event, actor, _)] = openings_in_log(owner.store)
    assert (event.purpose, event.opened_by, event.opened_by_org, actor) == (
        "day_of_change",
        "actor-mel-coordinator",
        "mel",
        "actor-mel-coordinator",
    )
    assert openings_in_log(service.store) == []

    # The owner's refusals come back as this instance's, in the same words.
    refused = await client.post(
        path, json={**body, "purpose": "curiosite"}, headers=bearer("mel-coordinator")
    )
    assert (refused.status_code, [d["field"] for d in refused.json()["detail"]]) == (422, ["purpose"])
    unknown = await client.post(
        "/candidates/nobody/contact-openings", json=body, headers=bearer("mel-coordinator")
    )
    assert (unknown.status_code, unknown.json()["detail"][0]["reason"]) == (404, "candidat inconnu")
    # An organisation with no instance answering: said plainly, nothing recorded.
    silent = await client.post(
        path, json={**body, "referring_org": "plie"}, headers=bearer("mel-coordinator")
    )
    assert (silent.status_code, silent.json()["detail"][0]["field"]) == (503, "referring_org")
    assert len(openings_in_log(owner.store)) == 1
