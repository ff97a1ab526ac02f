"""Receipts without I/O: a DSN read the way relays write them, the webhook's signature, and the rule that a
message's first receipt is the one kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobdating.contracts.notifications import (
    NotificationDelivered,
    NotificationSent,
    NotificationSkipped,
    NotificationUndelivered,
)
from jobdating.notifications.adapters.bounces import parse_dsn
from jobdating.notifications.adapters.webhook_signature import BadSignature, check, sign
from jobdating.notifications.domain import outcome

MESSAGE_ID = "<0192f0c4-0000-5000-8000-00000000000a@departement-nord.example>"
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
COMMON: dict[str, Any] = {
    "notification_id": "n-1",
    "kind": "convocation",
    "channel": "email",
    "recipient_type": "candidate",
    "recipient_id": "cand-1",
    "cause_event_id": "e-1",
    "subject_id": "slot-1",
}


def report(action: str, status: str, third: str = "text/rfc822-headers", returned: str = "") -> bytes:
    returned = returned or f"From: job-dating@departement-nord.example\r\nMessage-ID: {MESSAGE_ID}\r\n"
    return (
        "From: MAILER-DAEMON@relais.example\r\n"
        "Date: Thu, 26 Nov 2026 10:05:00 +0100\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; relais.example\r\n\r\n"
        "Final-Recipient: rfc822; personne@example.org\r\n"
        f"Action: {action}\r\nStatus: {status} (mailbox unavailable)\r\n\r\n"
        f"--b\r\nContent-Type: {third}\r\n\r\n{returned}\r\n--b--\r\n"
    ).encode()


def test_a_failed_dsn_names_the_returned_message_and_its_status() -> None:
    found = parse_dsn(report("failed", "5.1.1"))
    assert found is not None
    assert (found.message_id, found.delivered, found.status) == (MESSAGE_ID, False, "5.1.1")
    assert found.reported_at == datetime(2026, 11, 26, 9, 5, tzinfo=UTC)


def test_a_dsn_returning_the_whole_message_is_read_as_well() -> None:
    whole = f"Message-ID: {MESSAGE_ID}\r\nSubject: Convocation\r\n\r\nBonjour.\r\n"
    found = parse_dsn(report("delivered", "2.0.0", third="message/rfc822", returned=whole))
    assert found is not None
    assert (found.message_id, found.delivered) == (MESSAGE_ID, True)


@pytest.mark.parametrize("action", ["delayed", "relayed", "expanded"])
def test_a_dsn_that_is_not_final_reports_nothing(action: str) -> None:
    assert parse_dsn(report(action, "4.4.1")) is None


def test_what_is_not_a_dsn_or_names_no_message_reports_nothing() -> None:
    assert parse_dsn(b"From: a@example.org\r\nSubject: hello\r\n\r\nhi\r\n") is None
    assert parse_dsn(report("failed", "5.1.1", returned="Subject: sans identifiant\r\n")) is None
    assert (
        parse_dsn(report("failed", "5.1.1").replace(b'delivery-status"', b'disposition-notification"'))
        is None
    )
    assert parse_dsn(b"\xff\xfe garbage") is None


def test_a_signature_holds_for_its_timestamp_and_body_only() -> None:
    secret, stamp, body = b"s", int(NOW.timestamp()), b'{"id": "x"}'
    good = sign(secret, stamp, body)
    check(secret, body, good, str(stamp), NOW)
    for signature, timestamp, at in (
        (good, str(stamp + 1), NOW),  # another timestamp
        (sign(b"t", stamp, body), str(stamp), NOW),  # another secret
        (good, str(stamp), NOW + timedelta(minutes=6)),  # too old
        (None, str(stamp), NOW),
        (good, None, NOW),
        (good, "-1", NOW),
        (good, "１２", NOW),  # digits, but not ASCII ones
        ("sha256=é", str(stamp), NOW),
    ):
        with pytest.raises(BadSignature):
            check(secret, body, signature, timestamp, at)
    with pytest.raises(BadSignature):
        check(secret, body + b" ", good, str(stamp), NOW)


def test_only_a_sent_messages_first_receipt_is_kept() -> None:
    delivered = NotificationDelivered(**COMMON, receipt="dsn", reported_at=NOW)
    undelivered = NotificationUndelivered(**COMMON, receipt="dsn", reported_at=NOW, reason="bounce_5.1.1")
    sent = outcome.evolve(outcome.initial(), NotificationSent(**COMMON, attempts=1, provider_message_id="m"))
    assert outcome.receipt(undelivered)(sent) == [undelivered]
    after = outcome.evolve(sent, undelivered)
    assert (after.status, after.receipt) == ("sent", "undelivered")
    assert outcome.receipt(delivered)(after) == []
    assert outcome.receipt(undelivered)(after) == []
    with pytest.raises(outcome.NotYetSent):
        outcome.receipt(delivered)(outcome.initial())
    skipped = outcome.evolve(outcome.initial(), NotificationSkipped(**COMMON, reason="erased"))
    assert outcome.receipt(delivered)(skipped) == []
