"""The SMS delivery webhook fuzzed (no NATS: the route only reads and writes the store): whatever the
body and however it is (not) signed, a request that is not a good report for a known message is a 4xx
with a French reason, and the event log and the receipts are as before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jobdating.contracts.notifications import NotificationSent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.adapters.http_receipts import MAX_BODY, PATH
from jobdating.notifications.adapters.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.outcomes import event_fields
from jobdating.notifications.bootstrap import NotificationsService, bootstrap
from jobdating.notifications.config import NotificationsSettings
from jobdating.notifications.domain.messages import PlannedMessage, Recipient
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.runtime.ids import new_id

SECRET = b"secret-du-prestataire"
KNOWN = "sms-connu-1"
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


@pytest.fixture
def service(tmp_path: Path) -> NotificationsService:
    store = SqliteEventStore(tmp_path / "notifications.db")
    store.migrate()
    (tmp_path / "staff.toml").write_text("")
    (tmp_path / "secret").write_bytes(SECRET)
    settings = NotificationsSettings(
        org="departement-nord",
        store_url="sqlite:///unused",
        staff_file=tmp_path / "staff.toml",
        maildir=None,
        sms_sink=tmp_path / "sms",
        sms_provider_secret_file=tmp_path / "secret",
    )
    service = bootstrap(settings, store=store, tokens=TokenTable({}), clock=Clock())
    sent_sms(service)
    return service


def sent_sms(service: NotificationsService) -> None:
    """A convocation SMS the provider took as `KNOWN`, recorded as the sender records it."""
    message = PlannedMessage(
        kind="convocation",
        recipient=Recipient(type="candidate", id="cand-1"),
        channel="sms",
        cause_event_id=new_id(),
        subject_id="slot-1",
        job_dating_id="jd-1",
        due_at=NOW,
    )
    nid = message.notification_id
    with service.store.transaction() as tx:
        deliveries.insert(tx, message, new_id(), NOW)
    row = queries_deliveries.get(service.store, nid)
    assert row is not None
    event = NotificationSent(**event_fields(row), attempts=1, provider_message_id=KNOWN)
    meta = Meta(org="departement-nord", actor_id="notifications", correlation_id=new_id())

    def work(w: UnitOfWork) -> None:
        w.append(nid, [event], meta)
        deliveries.mark_final(w.tx, nid, "sent", NOW, provider_message_id=KNOWN)

    service.bus.run(work)


@pytest.fixture
def client(service: NotificationsService) -> Iterator[TestClient]:
    with TestClient(service.app) as c:
        yield c


def state(service: NotificationsService) -> tuple[Any, ...]:
    receipts = service.store.query("SELECT COUNT(*) FROM notif_receipt", ())
    return service.store.head(), service.store.count(), int(receipts[0][0])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
reports = st.fixed_dictionaries(
    {
        "id": st.text(max_size=250) | st.integers() | st.just(KNOWN),
        "status": st.sampled_from(["delivered", "failed", "expired", "lu", ""]) | st.integers(),
    },
    optional={
        "error": st.none() | st.text(max_size=80),
        "at": st.text(max_size=30) | st.datetimes().map(lambda d: d.isoformat()),
        "extra": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=600),
    reports.map(lambda r: json.dumps(r).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.just(b"{" * (MAX_BODY + 10)),
)
modes = st.sampled_from(
    ["none", "garbage", "other_secret", "stale", "future", "other_body", "no_timestamp", "good"]
)


def headers_for(mode: str, raw: bytes) -> dict[str, str]:
    stamp = int(NOW.timestamp())
    match mode:
        case "none":
            return {}
        case "garbage":
            return {SIGNATURE_HEADER: "sha256=00ff", TIMESTAMP_HEADER: str(stamp)}
        case "other_secret":
            return {SIGNATURE_HEADER: sign(b"autre", stamp, raw), TIMESTAMP_HEADER: str(stamp)}
        case "stale" | "future":
            moved = stamp + (-1 if mode == "stale" else 1) * 301
            return {SIGNATURE_HEADER: sign(SECRET, moved, raw), TIMESTAMP_HEADER: str(moved)}
        case "other_body":
            return {SIGNATURE_HEADER: sign(SECRET, stamp, raw + b" "), TIMESTAMP_HEADER: str(stamp)}
        case "no_timestamp":
            return {SIGNATURE_HEADER: sign(SECRET, stamp, raw)}
    return {SIGNATURE_HEADER: sign(SECRET, stamp, raw), TIMESTAMP_HEADER: str(stamp)}


def a_good_report(raw: bytes) -> bool:
    """A body the webhook should take: a well-formed report on the known message."""
    try:
        body = json.loads(raw)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("id") == KNOWN


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=bodies, mode=modes)
def test_a_request_that_is_not_a_signed_report_on_a_known_message_is_refused_and_changes_nothing(
    service: NotificationsService, client: TestClient, raw: bytes, mode: str
) -> None:
    assume(not (mode == "good" and a_good_report(raw) and len(raw) <= MAX_BODY))
    before = state(service)

    answer = client.post(PATH, content=raw, headers=headers_for(mode, raw))

    if len(raw) > MAX_BODY:
        assert answer.status_code == 413
    elif mode != "good":
        assert answer.status_code == 401
    else:
        assert answer.status_code in (400, 404, 422), answer.text
    reasons = [d["reason"] for d in answer.json()["detail"]]
    assert reasons
    assert all(reasons)
    assert state(service) == before


def test_a_good_report_on_the_known_message_is_taken_once(
    service: NotificationsService, client: TestClient
) -> None:
    at = (NOW - timedelta(minutes=1)).isoformat()
    raw = json.dumps({"id": KNOWN, "status": "expired", "at": at}).encode()
    _, count, receipts = state(service)

    first = client.post(PATH, content=raw, headers=headers_for("good", raw))
    again = client.post(PATH, content=raw, headers=headers_for("good", raw))

    assert (first.status_code, first.json()) == (200, {"outcome": "recorded"})
    assert (again.status_code, again.json()) == (200, {"outcome": "repeated"})
    assert state(service)[1:] == (count + 1, receipts + 1)
    (row,) = service.store.query("SELECT state, reason, receipt FROM notif_receipt", ())
    assert tuple(row) == ("undelivered", "expired", "sms_report")


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (b"{}", "id", "champ obligatoire manquant"),
        (b'{"id": "sms-1"}', "status", "champ obligatoire manquant"),
        (b'{"id": "sms-1", "status": "lu"}', "status", "valeur inconnue (delivered, failed ou expired)"),
        (b'{"id": "", "status": "failed"}', "id", "ne peut pas être vide"),
        (b'{"id": "sms-1", "status": "failed", "error": "06 12 34 56 78"}', "error", None),
        (b'{"id": "sms-1", "status": "delivered", "at": "2026-11-26T10:00:00"}', "at", None),
        (b"[]", "", "un objet JSON est attendu"),
    ],
)
def test_a_signed_report_with_a_bad_field_is_refused_by_its_name_in_french(
    service: NotificationsService, client: TestClient, body: bytes, field: str, reason: str | None
) -> None:
    before = state(service)

    answer = client.post(PATH, content=body, headers=headers_for("good", body))

    assert answer.status_code == 422
    (detail,) = answer.json()["detail"]
    assert detail["field"] == field
    assert detail["reason"] == reason or (reason is None and detail["reason"])
    assert state(service) == before
