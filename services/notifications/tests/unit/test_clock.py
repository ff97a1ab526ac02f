"""The demo's sped-up clock: it starts where it is told and runs `speed` times faster than the wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from jobdating.runtime.clock import ScaledClock


def test_a_scaled_clock_runs_faster_from_its_start() -> None:
    start = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    clock = ScaledClock(start, speed=600)
    first = clock.now()
    time.sleep(0.05)
    elapsed = clock.now() - first
    assert start <= first < start + timedelta(seconds=5)
    assert timedelta(seconds=25) <= elapsed < timedelta(seconds=120)


def test_two_scaled_clocks_with_the_same_origin_agree() -> None:
    start = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    origin = time.time() - 10  # the demo began ten wall-clock seconds ago
    first, second = ScaledClock(start, 60, origin), ScaledClock(start, 60, origin)
    assert abs(first.now() - second.now()) < timedelta(seconds=2)
    assert start + timedelta(seconds=590) <= first.now() < start + timedelta(seconds=660)
