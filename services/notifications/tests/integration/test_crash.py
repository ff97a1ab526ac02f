"""Killed with -9 mid-batch, three times at three places, then restarted: the real SMTP server still holds
exactly one convocation per published slot, and the SMS sink one text per slot."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from nats.js import JetStreamContext

from jobdating.bus.provision import consumer_config
from jobdating.bus.server import NatsServer
from jobdating.bus.topology import CONSUMERS
from jobdating.contracts import scheduling as sc
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.notifications.application.planner import (
    REGISTRATION_CONSUMER,
    SCHEDULING_CONSUMER,
    SITES_CONSUMER,
)
from jobdating.notifications.testing import process_env

from .conftest import (
    STAFF_TOML,
    TOKENS,
    Mailbox,
    Registration,
    Upstream,
    calendar_of,
    person,
    sms_lines,
    until,
)

pytestmark = [pytest.mark.nats, pytest.mark.slow]
SLOTS = 20
SRC = Path(__file__).resolve().parents[2] / "src"
CRASHES = (
    "notifications.after_plan:7",  # inside the consumer's transaction: the batch rolls back, comes back
    "notifications.after_send_before_mark:4",  # the SMTP server took it, the service did not record it
    "notifications.before_send:3",  # recorded as in progress, never handed to the server
)


# The service's clock, the same across its restarts: a weekday morning in Paris. On the wall clock a run
# after 20:00 put the SMS of a workshop told on its own (a kill reorders what the consumers get) in quiet
# hours, due the next morning, and the test waited for it in vain.
CLOCK_START = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def notifications_env(tmp_path: Path, nats_url: str, mailbox: Mailbox) -> dict[str, str]:
    """The tests' process: this folder's staff, a quick tick, quick retries, its clock from
    `CLOCK_START` on (at the wall-clock instant the test set it up)."""
    staff = tmp_path / "staff.toml"
    staff.write_text(STAFF_TOML)
    assert mailbox.path == tmp_path / "maildir"  # where the process keeps its copies
    return process_env(
        tmp_path,
        nats_url,
        (mailbox.host, mailbox.port),
        TOKENS,
        STAFF_FILE=str(staff),
        TICK_SECONDS="0.05",
        RETRY_DELAYS="[0.1, 0.1, 0.1]",
        # A short interval between a company's agenda updates: the kills also fall between spaced ones.
        RECRUITER_UPDATE_INTERVAL_SECONDS="1",
        CLOCK_START=CLOCK_START.isoformat(),
        CLOCK_ORIGIN=repr(time.time()),
    )


def start(env: dict[str, str], log: Path, failpoints: str = "") -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - lives with the process
    return subprocess.Popen(
        [sys.executable, "-m", "jobdating.notifications.main", "serve"],
        env=env | {"JOBDATING_FAILPOINTS": failpoints},
        stdout=out,
        stderr=out,
    )


def settled(db: Path) -> int:
    """Convocations the service recorded as sent, and slots told to their recruiter once no update to
    them is left to go (0 until its tables exist)."""
    if not db.exists():
        return 0
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        sent = conn.execute(
            "SELECT COUNT(*) FROM notif_delivery WHERE status = 'sent' AND kind = 'convocation'"
        ).fetchone()[0]
        to_go = conn.execute(
            "SELECT COUNT(*) FROM notif_delivery WHERE kind = 'agenda_update' "
            "AND status IN ('pending', 'in_progress')"
        ).fetchone()[0]
        told = conn.execute("SELECT COUNT(*) FROM notif_told WHERE recipient_type = 'company'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()
    return int(sent) + (0 if to_go else int(told))


def _ended_workshops(db: Path) -> int:
    """Workshop convocations sent or skipped, on both channels."""
    return sum(n for (_, status, _), n in merged(db).items() if status in ("sent", "skipped"))


def merged(db: Path) -> dict[tuple[str, str, str | None], int]:
    """How the workshop convocations ended, by channel, status and reason."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        found = conn.execute(
            "SELECT channel, status, reason, COUNT(*) FROM notif_delivery "
            "WHERE kind = 'workshop_convocation' GROUP BY channel, status, reason"
        ).fetchall()
    finally:
        conn.close()
    return {(channel, status, reason): int(n) for channel, status, reason, n in found}


@pytest.mark.usefixtures("recruiting")
async def test_exactly_one_convocation_per_slot_though_killed_three_times_mid_batch(
    tmp_path: Path,
    nats_server: NatsServer,
    js: JetStreamContext,
    mailbox: Mailbox,
    registration: Registration,
    upstream: Upstream,
) -> None:
    # What a killed process had fetched comes back after the ack wait: make it short for the test.
    for spec in CONSUMERS:
        if spec.durable in (SCHEDULING_CONSUMER, REGISTRATION_CONSUMER, SITES_CONSUMER):
            config = consumer_config(spec)
            config.ack_wait = 1.0
            await js.add_consumer(STREAM_NAME, config)
    env = notifications_env(tmp_path, nats_server.url, mailbox)
    soon = CLOCK_START + timedelta(hours=6)  # the service's time: SMS never wait for the morning
    # Half of them get a workshop seat at the same moment: their convocation carries it (one message).
    upstream.workshop("ws-1", soon - timedelta(hours=2))
    for i in range(SLOTS):
        candidate_id = person(registration, upstream, i)
        upstream.assign(f"slot-{i}", candidate_id, soon + timedelta(minutes=10 * i))
        if i % 2 == 0:
            seat = sc.CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id=candidate_id)
            upstream.append(seat, "ws-1", "scheduling")
    await upstream.publish()

    log = tmp_path / "service.log"
    for failpoints in CRASHES:
        process = start(env, log, failpoints)
        code = await asyncio.to_thread(process.wait, 60)
        assert code == -signal.SIGKILL, log.read_text()[-3000:]
    process = start(env, log)
    try:
        await until(lambda: settled(tmp_path / "notifications.db") == 3 * SLOTS, within=60)
        # A workshop's SMS that a kill left handed over goes again on its own: wait for it too.
        await until(lambda: _ended_workshops(tmp_path / "notifications.db") == SLOTS, within=60)
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.wait, 30)
    assert code == 0, log.read_text()[-3000:]

    convocations = mailbox.messages("convocation")
    uids = sorted(str(calendar_of(m)).split("UID:")[1].split()[0] for m in convocations)
    assert uids == sorted(f"slot-slot-{i}@jobdating" for i in range(SLOTS))
    assert sorted(m["To"] for m in convocations) == sorted(f"personne{i}@example.org" for i in range(SLOTS))
    # The recruiter is told of each slot exactly once: the slots given together go in one update.
    to_recruiter = [
        uid
        for m in mailbox.messages("agenda_update")
        for uid in re.findall(r"^UID:(\S+)", str(calendar_of(m)), re.MULTILINE)
    ]
    assert sorted(to_recruiter) == sorted(f"slot-slot-{i}@jobdating" for i in range(SLOTS))
    texts = sms_lines(tmp_path / "sms.jsonl")
    # Each seated candidate is told of the workshop once on each channel: inside their convocation, or on
    # its own when a kill reordered what the consumers got (the batch a killed process held comes back
    # after the ack wait, behind newer events, so a seat can be planned before its candidate's slot).
    ended = merged(tmp_path / "notifications.db")
    for channel in ("sms", "email"):
        told = {(status, reason): n for (c, status, reason), n in ended.items() if c == channel}
        assert set(told) <= {("skipped", "merged"), ("sent", None)}, ended
        assert sum(told.values()) == SLOTS // 2, ended
    alone = {channel: ended.get((channel, "sent", None), 0) for channel in ("sms", "email")}
    assert len(texts) == SLOTS + alone["sms"]
    assert len({t["idempotency_key"] for t in texts}) == len(texts)
    assert len(mailbox.messages("workshop_convocation")) == alone["email"]
    carrying = [m for m in convocations if "UID:workshop-ws-1@jobdating" in str(calendar_of(m))]
    assert len(carrying) == SLOTS // 2 - alone["email"]
    assert sum("Atelier" in t["text"] for t in texts) == SLOTS // 2 - alone["sms"]
    # Every kill left its trace: the log shows the reconciliations that kept it exactly once.
    text = log.read_text()
    assert "notification_reconciled_sent" in text or "notification_resend_with_same_key" in text
    assert "notification_reconciled_not_received" in text or "notification_resend_with_same_key" in text
