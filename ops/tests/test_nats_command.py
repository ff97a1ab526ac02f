"""`jobdating nats` stops its nats-server whichever way it is stopped: Ctrl-C, `kill` or a closed terminal."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from jobdating.bus.server import free_port, port_is_free

pytestmark = pytest.mark.nats
JOBDATING = str(Path(sys.executable).parent / "jobdating")


def servers_on(folder: Path) -> list[psutil.Process]:
    """nats-server processes working in `folder` (their config lives there)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "nats-server" in cmdline and str(folder) in cmdline:
            found.append(process)
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["term", "hup", "int"])
def test_jobdating_nats_stops_its_server_on_a_signal(tmp_path: Path, sig: signal.Signals) -> None:
    folder, port = tmp_path / "nats", free_port()
    process = subprocess.Popen(
        [JOBDATING, "nats", "--data-dir", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while port_is_free(port):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "nats-server never listened"
            time.sleep(0.1)
        assert servers_on(folder)
        process.send_signal(sig)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 10
    while servers_on(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers_on(folder) == []
    assert port_is_free(port)
