"""When sending goes wrong: retries then a failed state the coordinator sees and can act on; a send whose
outcome is unknown is looked for in the mailbox, never blindly sent again."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from jobdating.contracts.queries import Contact

from .conftest import Instance, Mailbox, Registration, Upstream, paris, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)


@pytest.fixture
def setting_changes() -> dict[str, Any]:
    return {"smtp_timeout": 0.3, "retry_delays": (0.0, 0.0)}


def world(upstream: Upstream, registration: Registration, *candidates: str) -> None:
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    for i, candidate_id in enumerate(candidates):
        upstream.candidate(candidate_id)
        registration.people[candidate_id] = Contact(
            first_name="Inès",
            phone=f"+3363998000{i}",
            email=f"{candidate_id}@example.org",
            consent_sms=True,
            consent_email=True,
        )


async def test_a_message_refused_for_now_is_retried_then_failed_shown_to_the_coordinator_and_sent_again(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration, "cand-1")
    mailbox.handler.refuse_rcpt = "451 4.3.0 Try again later"
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    assert mailbox.messages() == []
    assert len(sms_lines(instance.service.settings.sms_sink)) == 1
    failed_events = [e for e in instance.service.store.read_all() if e.event_type == "NotificationFailed"]
    assert len(failed_events) == 2  # the candidate's convocation and the recruiter's update

    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as client:
        assert (await client.get("/notifications", params={"status": "failed"})).status_code == 401
        viewer = {"Authorization": "Bearer viewer-token"}
        assert (await client.get("/notifications", headers=viewer)).status_code == 403
        coordinator = {"Authorization": "Bearer coordinator-token"}
        listed = await client.get("/notifications", params={"status": "failed"}, headers=coordinator)
        assert listed.status_code == 200
        failed = {n["kind"]: n for n in listed.json()}
        assert set(failed) == {"convocation", "agenda_update"}
        convocation = failed["convocation"]
        assert (convocation["channel"], convocation["attempts"], convocation["last_error"]) == (
            "email",
            3,
            "smtp_451",
        )
        assert "example.org" not in listed.text  # ids and codes only, never an address
        one = await client.get(f"/notifications/{convocation['notification_id']}", headers=coordinator)
        assert one.json()["status"] == "failed"
        assert (await client.get("/notifications/nope", headers=coordinator)).status_code == 404
        counts = (await client.get("/notifications/counts", headers=coordinator)).json()
        assert counts["failed"] == 2

        # The coordinator fixed the mail relay and sends the convocation again.
        mailbox.handler.refuse_rcpt = None
        again = await client.post(
            f"/notifications/{convocation['notification_id']}/retry", headers=coordinator
        )
        assert again.json()["status"] == "pending"
        await instance.send()
        assert len(mailbox.messages("convocation")) == 1
        sent = await client.get(f"/notifications/{convocation['notification_id']}", headers=coordinator)
        assert sent.json()["status"] == "sent"
        refused = await client.post(
            f"/notifications/{convocation['notification_id']}/retry", headers=coordinator
        )
        assert refused.status_code == 409
        health = (await client.get("/health")).json()
        assert health["notifications"]["sent"] == 2
        metrics = (await client.get("/metrics")).text
        assert 'notifications_by_status{status="failed"} 1.0' in metrics
        assert 'notifications_total{channel="email",kind="convocation",outcome="failed"} 1.0' in metrics
    kinds = [
        e.event_type
        for e in instance.service.store.read_all()
        if e.stream_id == convocation["notification_id"]
    ]
    assert kinds == ["NotificationFailed", "NotificationSent"]


async def test_a_send_that_timed_out_is_found_in_the_mailbox_and_not_sent_again(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration, "cand-1")
    # The server writes the message, then answers too late: the client cannot know it went.
    mailbox.handler.stall_after_write = 1.0
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    assert instance.statuses("convocation") == {"in_progress": 1, "sent": 1}
    mailbox.handler.stall_after_write = 0.0
    assert await instance.sender.reconcile() == 2
    assert instance.statuses("convocation") == {"sent": 2}
    assert instance.statuses("agenda_update") == {"sent": 1}
    assert await instance.send() == 0
    assert len(mailbox.messages()) == 2


async def test_a_send_that_broke_before_the_server_kept_it_is_sent_again_once(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration, "cand-1")
    mailbox.handler.drop_before_write = True
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    assert instance.statuses()["in_progress"] == 1
    assert await instance.sender.reconcile() == 1
    await instance.send()
    assert instance.statuses() == {"sent": 3, "pending": 4}  # the reminders wait for their day
    assert len(mailbox.messages("convocation")) == 1
    assert len(mailbox.messages("agenda_update")) == 1
