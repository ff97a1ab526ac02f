"""The notifications API on a bare instance (no NATS: its routes only read and write the store): the same
organisation rule for reading a candidate's reminder wish as for changing it, and bounded pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from jobdating.contracts import registration as r
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.bootstrap import NotificationsService, bootstrap
from jobdating.notifications.config import NotificationsSettings
from jobdating.notifications.domain.messages import PlannedMessage, Recipient
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.runtime.ids import new_id
from jobdating.testing.events import envelope

ORG = "departement-nord"
TOKENS = {
    "coordinator": Principal(org=ORG, role="coordinator", actor_id="coord-1"),
    "ml-counsellor": Principal(org="mission-locale", role="counsellor", actor_id="ml-1"),
    "ft-counsellor": Principal(org="france-travail", role="counsellor", actor_id="ft-1"),
}


@pytest.fixture
def service(tmp_path: Path) -> NotificationsService:
    store = SqliteEventStore(tmp_path / "notifications.db")
    store.migrate()
    staff = tmp_path / "staff.toml"
    staff.write_text("")
    settings = NotificationsSettings(
        org=ORG, store_url="sqlite:///unused", staff_file=staff, maildir=None, sms_sink=tmp_path / "sms"
    )
    return bootstrap(settings, store=store, tokens=TokenTable(TOKENS))


@pytest.fixture
async def client(service: NotificationsService) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as c:
        yield c


def registered(service: NotificationsService, candidate_id: str, referring_org: str) -> None:
    """A CandidateRegistered from registration, handled as the consumer does."""
    profile = r.CandidateProfile(
        referring_org=referring_org,
        site_id="site-1",
        consent_data=True,
    )
    sealed = Sealed(key_id="k", nonce="bm9uY2U=", ciphertext="c2VhbGVk")
    registration = r.CandidateRegistered(candidate_id=candidate_id, profile=profile, personal=sealed)
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    stamped = envelope(registration, candidate_id, 1, ORG, "registration", at)
    with service.store.transaction() as tx:
        service.planner.on_registration(tx, REGISTRY.decode(stamped))


def as_(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


async def test_a_counsellor_of_another_organisation_cannot_read_a_candidates_reminder_wish(
    service: NotificationsService, client: httpx.AsyncClient
) -> None:
    registered(service, "cand-ml", referring_org="mission-locale")
    url = "/candidates/cand-ml/reminders"

    refused = await client.get(url, headers=as_("ft-counsellor"))

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": [{"field": "candidate_id", "reason": "ce candidat n'est pas suivi par votre organisation"}]
    }
    for allowed in ("ml-counsellor", "coordinator"):
        answer = await client.get(url, headers=as_(allowed))
        assert answer.json() == {"candidate_id": "cand-ml", "reminders": True}
    unknown = await client.get("/candidates/nobody/reminders", headers=as_("coordinator"))
    assert unknown.status_code == 404


@pytest.mark.parametrize("offset", [2**63, 10**30])
async def test_an_offset_past_the_stores_integers_is_refused_by_name(
    client: httpx.AsyncClient, offset: int
) -> None:
    answer = await client.get("/notifications", params={"offset": offset}, headers=as_("coordinator"))

    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["detail"]] == ["offset"]


def failed_convocation(service: NotificationsService, candidate_id: str) -> str:
    """A convocation SMS to the candidate that failed for good (as the dispatcher records it)."""
    at = datetime(2026, 11, 21, 9, tzinfo=UTC)
    message = PlannedMessage(
        kind="convocation",
        recipient=Recipient(type="candidate", id=candidate_id),
        channel="sms",
        cause_event_id=new_id(),
        subject_id="slot-1",
        job_dating_id="jd-1",
        due_at=at,
    )
    with service.store.transaction() as tx:
        deliveries.insert(tx, message, new_id(), at)
        deliveries.mark_final(tx, message.notification_id, "failed", at, error="numéro injoignable")
    return message.notification_id


async def test_a_candidates_own_counsellors_read_which_messages_did_not_reach_them(
    service: NotificationsService, client: httpx.AsyncClient
) -> None:
    registered(service, "cand-ml", referring_org="mission-locale")
    registered(service, "cand-other", referring_org="mission-locale")
    failed = failed_convocation(service, "cand-ml")
    failed_convocation(service, "cand-other")
    url = "/candidates/cand-ml/notifications"

    for allowed in ("ml-counsellor", "coordinator"):
        answer = await client.get(url, headers=as_(allowed))
        assert answer.status_code == 200, answer.text
        assert [(m["notification_id"], m["status"], m["kind"]) for m in answer.json()] == [
            (failed, "failed", "convocation")
        ]
    refused = await client.get(url, headers=as_("ft-counsellor"))
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["reason"] == "ce candidat n'est pas suivi par votre organisation"
    unknown = await client.get("/candidates/nobody/notifications", headers=as_("ml-counsellor"))
    assert unknown.status_code == 404
