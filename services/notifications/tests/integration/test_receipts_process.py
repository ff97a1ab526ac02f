"""The service as it runs (`jobdating-notifications serve` in its own process): the embedded SMS sink reports
each SMS to the service's signed webhook (a French mobile delivered, a foreign mobile failed: the stand-in
reaches French mobiles only), and a bounce read from
the bounce mailbox is recorded once though the process is killed with -9 between its commit and the move
of the file to `cur/`."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from jobdating.bus.server import NatsServer

from .conftest import Mailbox, Registration, Upstream, consenting, until
from .test_crash import notifications_env, start
from .test_receipts import dsn

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def receipts(db: Path) -> list[tuple[str, dict[str, Any]]]:
    """The receipts the service's log holds (none until its tables exist)."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(
            "SELECT event_type, body FROM events WHERE event_type IN "
            "('NotificationDelivered', 'NotificationUndelivered') ORDER BY position"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    return [(str(kind), json.loads(body)["data"]) for kind, body in found]


@pytest.mark.usefixtures("recruiting")
async def test_sink_reports_come_back_signed_and_a_bounce_survives_a_kill_between_commit_and_move(
    tmp_path: Path, nats_server: NatsServer, mailbox: Mailbox, registration: Registration, upstream: Upstream
) -> None:
    mobile = consenting(registration, upstream, "cand-mobile", ("Ana", "06 39 98 00 01", "ana@example.org"))
    # A foreign mobile: texted (a landline would be called instead), and the stand-in cannot deliver it.
    abroad = consenting(registration, upstream, "cand-abroad", ("Luc", "+32 470 12 34 56", "luc@example.org"))
    soon = datetime.now(UTC) + timedelta(hours=6)  # the process runs on the real clock: SMS go at night too
    upstream.assign("slot-1", mobile, soon)
    upstream.assign("slot-2", abroad, soon + timedelta(minutes=20))
    await upstream.publish()
    secret = tmp_path / "sms-webhook.secret"
    secret.write_text("secret-du-puits-sms\n")
    bounces = tmp_path / "bounces"
    env = notifications_env(tmp_path, nats_server.url, mailbox) | {
        "JOBDATING_NOTIFICATIONS_SMS_PROVIDER_SECRET_FILE": str(secret),
        "JOBDATING_NOTIFICATIONS_SMS_SINK_REPORTS": "true",
        "JOBDATING_NOTIFICATIONS_BOUNCE_MAILDIR": str(bounces),
        "JOBDATING_NOTIFICATIONS_BOUNCE_POLL_SECONDS": "0.1",
    }
    db, log = tmp_path / "notifications.db", tmp_path / "service.log"
    process = start(env, log, "notifications.after_bounce_commit:1")
    try:
        await until(lambda: len(receipts(db)) == 2, within=60)
    except TimeoutError:
        process.kill()
        raise AssertionError(log.read_text()[-3000:]) from None
    by_candidate = {data["recipient_id"]: (kind, data) for kind, data in receipts(db)}
    assert by_candidate[mobile][0] == "NotificationDelivered"
    assert by_candidate[mobile][1]["channel"] == "sms"
    assert by_candidate[abroad][0] == "NotificationUndelivered"
    assert by_candidate[abroad][1]["reason"] == "sms_not_mobile"

    (sent,) = [m for m in mailbox.messages("convocation") if m["To"] == "ana@example.org"]
    assert isinstance(sent, EmailMessage)
    (bounces / "tmp").mkdir(parents=True, exist_ok=True)
    (bounces / "tmp" / "1.bounce").write_bytes(dsn(sent, "failed", "5.1.1"))
    (bounces / "tmp" / "1.bounce").rename(bounces / "new" / "1.bounce")  # how a Maildir delivers
    code = await asyncio.to_thread(process.wait, 60)
    assert code == -signal.SIGKILL, log.read_text()[-3000:]
    assert [p.name for p in (bounces / "new").iterdir()] == ["1.bounce"]  # committed, not moved
    assert len(receipts(db)) == 3

    process = start(env, log)
    try:
        await until(lambda: (bounces / "cur" / "1.bounce:2,S").exists(), within=60)
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.wait, 30)
    assert code == 0, log.read_text()[-3000:]
    undelivered = [data for kind, data in receipts(db) if kind == "NotificationUndelivered"]
    assert sorted((d["recipient_id"], d["channel"], d["reason"]) for d in undelivered) == [
        (abroad, "sms", "sms_not_mobile"),
        (mobile, "email", "bounce_5.1.1"),
    ]
