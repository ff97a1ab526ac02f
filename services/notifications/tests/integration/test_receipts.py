"""Delivery receipts end as events and as each message's delivery state: the SMS provider's signed webhook
(delivered, failed, repeated) and the DSNs of the bounce mailbox (failed, delivered, delayed, foreign)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.contracts.queries import Contact
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.adapters.http_receipts import PATH
from jobdating.notifications.adapters.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.bootstrap import bounce_reader

from .conftest import Instance, Mailbox, Registration, Upstream, paris, person, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
SECRET = b"secret-partage-avec-le-prestataire"
COORDINATOR = {"Authorization": "Bearer coordinator-token"}


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    secret = tmp_path / "sms-webhook.secret"
    secret.write_bytes(SECRET + b"\n")
    return {"sms_provider_secret_file": secret, "bounce_maildir": tmp_path / "bounces"}


@pytest.fixture
async def api(instance: Instance) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as client:
        yield client


def signed(body: dict[str, Any], at: datetime, secret: bytes = SECRET) -> tuple[bytes, dict[str, str]]:
    """A report as the provider posts it: the raw body and its signature headers."""
    raw = json.dumps(body).encode()
    stamp = int(at.timestamp())
    return raw, {SIGNATURE_HEADER: sign(secret, stamp, raw), TIMESTAMP_HEADER: str(stamp)}


async def convoked(instance: Instance, upstream: Upstream, registration: Registration, n: int) -> list[str]:
    """`n` candidates convoked by SMS and e-mail, every message sent."""
    ids = [person(registration, upstream, i) for i in range(n)]
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    for i, candidate_id in enumerate(ids):
        upstream.assign(f"slot-{i}", candidate_id, paris(DAY, 9, 30 + 5 * i))
    await instance.caught_up(upstream)
    await instance.send()
    return ids


def events(instance: Instance, event_type: str) -> list[dict[str, Any]]:
    found = [e for e in instance.service.store.read_all(limit=100_000) if e.event_type == event_type]
    return [json.loads(e.body)["data"] for e in found]


def sms_id(tmp_path: Path, phone: str) -> str:
    """The provider's id of the SMS the sink took for this phone."""
    (line,) = [line for line in sms_lines(tmp_path / "sms.jsonl") if line["to"] == phone]
    return str(line["id"])


async def to_candidate(api: httpx.AsyncClient, candidate_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    answer = await api.get(f"/candidates/{candidate_id}/notifications", headers=COORDINATOR)
    assert answer.status_code == 200, answer.text
    return {(m["kind"], m["channel"]): m for m in answer.json()}


async def test_a_delivered_sms_and_a_failed_one_end_as_events_and_delivery_states(
    instance: Instance, upstream: Upstream, registration: Registration, api: httpx.AsyncClient, tmp_path: Path
) -> None:
    first, second = await convoked(instance, upstream, registration, 2)
    now = instance.clock.now()

    for phone, report in (
        ("+33639980000", {"status": "delivered"}),
        ("+33639980001", {"status": "failed", "error": "30003"}),
    ):
        raw, headers = signed({"id": sms_id(tmp_path, phone), "at": now.isoformat()} | report, now)
        answer = await api.post(PATH, content=raw, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"outcome": "recorded"}

    (delivered,) = events(instance, "NotificationDelivered")
    (undelivered,) = events(instance, "NotificationUndelivered")
    assert (delivered["recipient_id"], delivered["channel"]) == (first, "sms")
    assert delivered["receipt"] == "sms_report"
    assert (undelivered["recipient_id"], undelivered["reason"]) == (second, "sms_30003")
    reached = await to_candidate(api, first)
    assert reached["convocation", "sms"]["delivery"] == "delivered"
    assert reached["convocation", "email"]["delivery"] == "awaiting"  # no DSN yet, sent just now
    failed = (await to_candidate(api, second))["convocation", "sms"]
    assert (failed["status"], failed["delivery"]) == ("sent", "failed")
    assert failed["delivery_reason"] == "sms_30003"

    # Hours later, the e-mails no bounce came back for are `unknown`: the counsellor's call list says so.
    instance.clock.set(now + timedelta(hours=4, minutes=1))
    assert (await to_candidate(api, first))["convocation", "email"]["delivery"] == "unknown"
    listed = await api.get("/notifications", params={"delivery": "unknown"}, headers=COORDINATOR)
    assert {(m["recipient_id"], m["channel"]) for m in listed.json() if m["kind"] == "convocation"} == {
        (first, "email"),
        (second, "email"),
    }
    listed = await api.get("/notifications", params={"delivery": "failed"}, headers=COORDINATOR)
    assert [(m["recipient_id"], m["channel"]) for m in listed.json()] == [(second, "sms")]
    counted = await api.get("/notifications/delivery-counts", headers=COORDINATOR)
    # Two convocations by e-mail and the recruiter's update (one for both slots, given together): no
    # receipt, hours later.
    assert counted.json() == {"delivered": 1, "failed": 1, "unknown": 3, "awaiting": 0}


async def test_a_report_the_provider_repeats_or_contradicts_is_recorded_once(
    instance: Instance, upstream: Upstream, registration: Registration, api: httpx.AsyncClient, tmp_path: Path
) -> None:
    await convoked(instance, upstream, registration, 1)
    now = instance.clock.now()
    provider_id = sms_id(tmp_path, "+33639980000")
    outcomes = []
    for report in ({"status": "delivered"}, {"status": "delivered"}, {"status": "expired"}):
        raw, headers = signed({"id": provider_id} | report, now)
        answer = await api.post(PATH, content=raw, headers=headers)
        outcomes.append((answer.status_code, answer.json()))
    assert outcomes == [(200, {"outcome": "recorded"})] + [(200, {"outcome": "repeated"})] * 2
    assert len(events(instance, "NotificationDelivered")) == 1
    assert events(instance, "NotificationUndelivered") == []


async def test_a_report_signed_with_another_secret_or_too_old_is_refused_in_french(
    instance: Instance, upstream: Upstream, registration: Registration, api: httpx.AsyncClient, tmp_path: Path
) -> None:
    await convoked(instance, upstream, registration, 1)
    now = instance.clock.now()
    body = {"id": sms_id(tmp_path, "+33639980000"), "status": "delivered"}
    head = instance.service.store.head()

    raw, headers = signed(body, now, secret=b"un-autre-secret")
    forged = await api.post(PATH, content=raw, headers=headers)
    raw, headers = signed(body, now - timedelta(minutes=6))
    replayed = await api.post(PATH, content=raw, headers=headers)
    unsigned = await api.post(PATH, content=raw)
    raw, headers = signed({"id": "sms-inconnu", "status": "delivered"}, now)
    unknown = await api.post(PATH, content=raw, headers=headers)

    assert [r.status_code for r in (forged, replayed, unsigned, unknown)] == [401, 401, 401, 404]
    assert forged.json() == {"detail": [{"field": "signature", "reason": "signature invalide"}]}
    assert replayed.json()["detail"][0]["field"] == "timestamp"
    assert unknown.json() == {"detail": [{"field": "id", "reason": "message inconnu"}]}
    assert instance.service.store.head() == head


def dsn(original: EmailMessage, action: str, status: str, *, headers_only: bool = True) -> bytes:
    """A delivery status notification (RFC 3464) for `original`, as a mail relay (Postfix) writes one."""
    returned = (
        original.as_bytes()
        if not headers_only
        else b"".join(f"{name}: {value}\r\n".encode() for name, value in original.items())
    )
    third = "message/rfc822" if not headers_only else "text/rfc822-headers"
    head = (
        "From: MAILER-DAEMON@relais.example (Mail Delivery System)\r\n"
        f"To: {original['From']}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(paris(date(2026, 11, 26), 10, 5))}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n\r\n'
        "--B1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host relais.example.\r\n\r\n"
        "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; relais.example\r\n"
        "Arrival-Date: Thu, 26 Nov 2026 10:00:00 +0100\r\n\r\n"
        f"Final-Recipient: rfc822; {original['To']}\r\n"
        f"Original-Recipient: rfc822;{original['To']}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{original['To']}>: Recipient address rejected\r\n\r\n"
        f"--B1\r\nContent-Type: {third}\r\n\r\n"
    )
    return head.encode() + returned + b"\r\n--B1--\r\n"


def drop(folder: Path, name: str, data: bytes) -> Path:
    (folder / "new").mkdir(parents=True, exist_ok=True)
    path = folder / "new" / name
    path.write_bytes(data)
    return path


async def test_a_bounce_for_a_sent_email_ends_undelivered_and_the_file_is_marked_read(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    api: httpx.AsyncClient,
    mailbox: Mailbox,
    tmp_path: Path,
) -> None:
    first, second, third = await convoked(instance, upstream, registration, 3)
    by_to = {m["To"]: m for m in mailbox.messages("convocation")}
    bounces = tmp_path / "bounces"
    drop(bounces, "1.bounce", dsn(by_to["personne0@example.org"], "failed", "5.1.1"))
    drop(bounces, "2.success", dsn(by_to["personne1@example.org"], "delivered", "2.0.0", headers_only=False))
    drop(bounces, "3.delayed", dsn(by_to["personne2@example.org"], "delayed", "4.4.1"))
    drop(bounces, "4.spam", b"From: quelqu-un@example.org\nSubject: bonjour\n\nRien a voir.\n")
    reader = bounce_reader(instance.service)
    assert reader is not None

    assert await reader.read_once() == 4

    (undelivered,) = events(instance, "NotificationUndelivered")
    (delivered,) = events(instance, "NotificationDelivered")
    assert (undelivered["recipient_id"], undelivered["channel"], undelivered["reason"]) == (
        first,
        "email",
        "bounce_5.1.1",
    )
    assert (delivered["recipient_id"], delivered["receipt"]) == (second, "dsn")
    assert not any((bounces / "new").iterdir())
    assert sorted(p.name for p in (bounces / "cur").iterdir()) == [
        "1.bounce:2,S",
        "2.success:2,S",
        "3.delayed:2,S",
        "4.spam:2,S",
    ]
    assert (await to_candidate(api, first))["convocation", "email"]["delivery"] == "failed"
    assert (await to_candidate(api, second))["convocation", "email"]["delivery"] == "delivered"
    assert (await to_candidate(api, third))["convocation", "email"]["delivery"] == "awaiting"
    # No address went into the events.
    assert all("@" not in json.dumps(e) for e in events(instance, "NotificationUndelivered"))

    # The same bounce again (a relay retrying, a copy restored): nothing more is recorded.
    drop(bounces, "5.again", dsn(by_to["personne0@example.org"], "failed", "5.1.1"))
    assert await reader.read_once() == 1
    assert len(events(instance, "NotificationUndelivered")) == 1

    # Erased, the person's bounces go with their messages: they quote the address.
    upstream.erase(first)
    await instance.caught_up(upstream)
    left = b"".join(p.read_bytes() for p in (bounces / "cur").iterdir())
    assert b"personne0@example.org" not in left
    assert sorted(p.name for p in (bounces / "cur").iterdir()) == [
        "2.success:2,S",
        "3.delayed:2,S",
        "4.spam:2,S",
    ]


async def test_a_bounce_for_an_email_not_yet_recorded_as_sent_waits_for_the_send(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    person(registration, upstream, 0)
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    upstream.assign("slot-0", "cand-0", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    (pending,) = [
        d
        for d in queries_deliveries.due(instance.service.store, instance.clock.now(), 100)
        if d.channel == "email" and d.kind == "convocation"
    ]
    message_id = f"<{pending.notification_id}@departement-nord.example>"
    # What the sender commits before it calls the SMTP server: a bounce may come back before its `sent`.
    with instance.service.store.transaction() as tx:
        deliveries.mark_in_progress(tx, pending.notification_id, message_id, [], instance.clock.now())
    original = EmailMessage()
    original["From"] = "job-dating@departement-nord.example"
    original["To"] = "personne0@example.org"
    original["Message-ID"] = message_id
    bounces = tmp_path / "bounces"
    drop(bounces, "1.bounce", dsn(original, "failed", "5.1.1"))
    reader = bounce_reader(instance.service)
    assert reader is not None

    assert await reader.read_once() == 0
    assert [p.name for p in (bounces / "new").iterdir()] == ["1.bounce"]
    assert events(instance, "NotificationUndelivered") == []

    # Reconciliation finds it was not accepted, the sender sends it: the bounce is recorded at last.
    await instance.sender.reconcile()
    await instance.send()
    assert await reader.read_once() == 1
    (undelivered,) = events(instance, "NotificationUndelivered")
    assert undelivered["notification_id"] == pending.notification_id
