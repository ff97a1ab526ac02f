"""`audit` and `replay --from-stream` find the NATS of the data folder they are given, as `report` does: the
stack's server on whatever port it listens, or, the stack stopped, a server of their own on its JetStream
files. Here the test's nats-server runs in the folder's `nats/` (as `jobdating up` lays it out), on a random
port, not the default 14222."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobdating.bus.server import NatsServer

from .conftest import History
from .test_audit import run_cli

pytestmark = pytest.mark.nats


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    # The stores beside `nats/`, where the `nats_server` fixture runs: one data folder.
    return tmp_path


async def test_the_audit_reads_the_stream_of_the_folders_running_nats_on_its_own_port(
    history: History, nats_server: NatsServer
) -> None:
    assert (history.data / "nats" / "nats.conf").exists()
    assert nats_server.port != 14222
    code, out = await run_cli("audit", "--data-dir", str(history.data))
    assert code == 0, out
    assert "Aucune différence" in out
    assert "NATS injoignable" not in out
    assert "16 événements dans 2 journaux, flux : 16 messages." in out


async def test_replay_from_the_stream_reads_the_folders_nats_running_or_stopped(
    history: History, nats_server: NatsServer
) -> None:
    code, out = await run_cli("replay", "sites", "--from-stream", "--data-dir", str(history.data))
    assert code == 0, out
    assert "sites rejoué depuis le flux : 8 événements" in out
    nats_server.stop()  # the stack stopped: its JetStream files remain
    code, out = await run_cli("replay", "sites", "--from-stream", "--data-dir", str(history.data))
    assert code == 0, out
    assert "sites rejoué depuis le flux : 8 événements" in out
    assert not (history.data / "up.pid").exists()  # the temporary server's lock, released


async def test_replay_from_the_stream_of_a_folder_without_jetstream_says_so(tmp_path: Path) -> None:
    (tmp_path / "sites.db").touch()
    code, out = await run_cli("replay", "sites", "--from-stream", "--data-dir", str(tmp_path))
    assert code == 2, out
    assert "pas de données JetStream" in out
