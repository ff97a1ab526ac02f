"""A tiny run of the console's benchmarks (`python -m bench.console`) so they keep working: a real stack
with a fair of two sites, a few page loads, a few SSE clients and events. No timing is asserted, only that
everything the benchmark counts happened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE = ["--candidates", "20", "--sites", "2", "--companies", "3"]
RUN = ["--loads", "2", "--clients", "4", "--events", "2", "--name", "console_smoke"]


@pytest.mark.nats
@pytest.mark.slow
def test_console_benchmarks_run_on_a_tiny_fair() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.console", *SIZE, *RUN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["interviews_planned"] > 0
    assert result["live_page"]["site_sections_on_page"] == 2
    assert result["live_page"]["live_page"]["n"] == result["live_page"]["bare_page"]["n"] == 2
    fan = result["sse_fanout"]
    assert fan["events_not_received_by_every_client"] == 0
    assert fan["commit_to_last_client"]["n"] == 2
