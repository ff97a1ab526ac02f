"""The demo's sped-up clock: it starts where it is told and runs `speed` times faster than the wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from jobdating.notifications.adapters.clock import ScaledClock


def test_a_scaled_clock_runs_faster_from_its_start() -> None:
    start = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    clock = ScaledClock(start, speed=600)
    first = clock.now()
    time.sleep(0.05)
    elapsed = clock.now() - first
    assert start <= first < start + timedelta(seconds=5)
    assert timedelta(seconds=25) <= elapsed < timedelta(seconds=120)
