"""`jobdating audit` passes on clean stores and stream, and names the difference when a store or the stream
was tampered with: an event edited, removed or duplicated, a projection row changed, a message republished."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from jobdating.bus.server import NatsServer, free_port
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.audit.report import STREAM, AuditReport
from jobdating.ops.audit.run import audit
from jobdating.ops.federation_servers import ConfiguredServer
from jobdating.ops.readmodels import projection_hash, read_model
from jobdating.runtime.ids import new_id

from .conftest import History

pytestmark = pytest.mark.nats


def checks(report: AuditReport) -> set[tuple[str, str]]:
    return {(d.service, d.check) for d in report.differences}


async def test_a_clean_history_passes_and_every_count_agrees(history: History) -> None:
    report = await audit(history.data, history.js)
    assert report.clean, report.differences
    by_service = {s.service: s for s in report.services}
    registration, sites = by_service["registration"], by_service["sites"]
    assert registration.events == history.registration.store.count() == 8
    assert sites.events == history.sites.store.count() == 8
    assert registration.in_stream == registration.events
    assert sites.in_stream == sites.events
    assert report.stream_messages == 16
    live = read_model("sites").rows(history.sites.store)
    assert sites.live_hash == sites.rebuilt_hash == projection_hash(live)
    assert registration.live_hash == registration.rebuilt_hash
    assert any("scheduling" in n for n in report.notices)  # no store: said, not silently skipped


async def test_without_the_stream_the_stores_are_still_audited(history: History) -> None:
    report = await audit(history.data, None)
    assert report.clean
    assert report.stream_messages is None
    assert any("flux non vérifié" in n for n in report.notices)


async def test_an_edited_event_is_found_in_the_log_the_stream_and_the_projection(history: History) -> None:
    position, body = history.sql(
        "sites", "SELECT position, body FROM events WHERE event_type = 'SiteOpened'"
    )[0]
    edited = bytes(body).replace(b"Ronchin", b"Roubaix")
    assert edited != body
    history.sql("sites", "UPDATE events SET body = ? WHERE position = ?", (edited, position))
    report = await audit(history.data, history.js)
    assert not report.clean
    assert ("sites", "octets différents") in checks(report)
    assert ("sites", "projection ≠ reconstruction") in checks(report)
    assert {s for s, _ in checks(report)} == {"sites"}


async def test_a_removed_event_leaves_a_gap_and_a_message_the_log_lacks(history: History) -> None:
    (event_id, stream_id) = history.sql(
        "sites", "SELECT event_id, stream_id FROM events WHERE event_type = 'ComputerOutOfOrder'"
    )[0]
    history.sql("sites", "DELETE FROM events WHERE event_id = ?", (event_id,))
    report = await audit(history.data, history.js)
    assert ("sites", "version manquante") in checks(report)
    assert ("sites", "absent du journal") in checks(report)
    assert any(stream_id in d.detail for d in report.differences if d.check == "version manquante")
    # Without the stream, the gap alone fails the audit.
    assert ("sites", "version manquante") in checks(await audit(history.data, None))


async def test_a_duplicated_event_is_found_even_under_a_new_row_id_and_version(history: History) -> None:
    (stream_id, stream_type, event_type, body) = history.sql(
        "registration",
        "SELECT stream_id, stream_type, event_type, body FROM events WHERE event_type = 'CandidateWithdrew'",
    )[0]
    (top,) = history.sql(
        "registration", "SELECT MAX(stream_version) FROM events WHERE stream_id = ?", (stream_id,)
    )[0]
    history.sql(
        "registration",
        "INSERT INTO events (event_id, stream_type, stream_id, stream_version, event_type, body) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (new_id(), stream_type, stream_id, top + 1, event_type, body),
    )
    report = await audit(history.data, history.js)
    assert ("registration", "événement en double") in checks(report)
    assert ("registration", "ligne ≠ enveloppe") in checks(report)
    assert ("registration", "version répétée") in checks(report)


async def test_a_message_republished_under_another_msg_id_is_found_in_the_stream(history: History) -> None:
    message = await history.js.get_msg(STREAM_NAME, 3)
    assert message.subject is not None
    assert message.data is not None
    await history.js.publish(
        message.subject, message.data, stream=STREAM_NAME, headers={"Nats-Msg-Id": new_id()}
    )
    report = await audit(history.data, history.js)
    assert (STREAM, "publié plusieurs fois") in checks(report)
    assert (STREAM, "Nats-Msg-Id") in checks(report)
    duplicated = decode_envelope(message.data).event_id
    assert any(duplicated in d.detail for d in report.differences)


async def test_a_changed_projection_row_is_named_by_table_and_column(history: History) -> None:
    history.sql("sites", "UPDATE sites_computer SET status = 'out_of_order' WHERE label = 'PC 3'")
    report = await audit(history.data, history.js)
    assert checks(report) == {("sites", "projection ≠ reconstruction"), ("sites", "  ligne")}
    assert any("sites_computer" in d.detail and "status" in d.detail for d in report.differences)


async def test_a_changed_personal_column_fails_without_showing_its_value(history: History) -> None:
    history.sql("registration", "UPDATE candidates SET last_name = 'Martin' WHERE last_name IS NOT NULL")
    report = await audit(history.data, history.js)
    assert ("registration", "projection ≠ reconstruction") in checks(report)
    assert all("Martin" not in d.detail and "Benali" not in d.detail for d in report.differences)


async def test_the_audit_reads_the_stores_without_writing(history: History) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in history.data.iterdir()}
    await audit(history.data, history.js)
    after = {p.name: p.stat().st_mtime_ns for p in history.data.iterdir()}
    assert after == before


async def run_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jobdating.ops.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_the_command_exits_0_when_clean_and_1_with_the_first_differences(
    history: History, nats_server: NatsServer
) -> None:
    url = nats_server.url
    code, out = await run_cli("audit", "--data-dir", str(history.data), "--nats-url", url)
    assert code == 0, out
    assert "Aucune différence" in out
    history.sql("sites", "DELETE FROM sites_room")
    code, out = await run_cli("audit", "--data-dir", str(history.data), "--nats-url", url)
    assert code == 1, out
    assert "projection ≠ reconstruction" in out
    assert "sites_room" in out


async def test_a_stream_that_cannot_be_read_is_not_a_clean_audit(history: History) -> None:
    # No --nats-url, and the data folder holds no JetStream to start a server on.
    code, out = await run_cli("audit", "--data-dir", str(history.data))
    assert code == 2, out
    assert "flux non vérifié" in out
    assert "--no-stream" in out
    code, out = await run_cli("audit", "--data-dir", str(history.data), "--no-stream")
    assert code == 0, out
    assert "Aucune différence" in out
    assert "non vérifié (--no-stream)" in out


async def test_the_command_exits_2_without_stores_or_with_an_unreachable_nats(tmp_path: Path) -> None:
    code, out = await run_cli("audit", "--data-dir", str(tmp_path))
    assert code == 2
    assert "aucune base" in out
    (tmp_path / "sites.db").touch()
    code, out = await run_cli("audit", "--data-dir", str(tmp_path), "--nats-url", "nats://127.0.0.1:1")
    assert code == 2
    assert "NATS injoignable" in out


async def test_a_nats_without_jetstream_is_named_at_once_not_waited_for(
    history: History, tmp_path: Path
) -> None:
    port = free_port()
    server = ConfiguredServer(tmp_path / "plain-nats", port, f"listen: 127.0.0.1:{port}\n").start()
    try:
        started = asyncio.get_running_loop().time()
        code, out = await run_cli("audit", "--data-dir", str(history.data), "--nats-url", server.url)
        # Not the 30 s a cluster electing its leader is given, and no traceback.
        assert asyncio.get_running_loop().time() - started < 20
    finally:
        server.stop()
    assert code == 2, out
    assert "JetStream ne répond pas sur ce NATS" in out
    assert "Traceback" not in out
    assert "Error" not in out
