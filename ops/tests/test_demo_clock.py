"""The demo day's clock brought closer once the demo is loaded (`brought_closer`)."""

from __future__ import annotations

import time
from datetime import date

from jobdating.ops.day.clock import brought_closer, demo_clock, local

DAY = date(2027, 1, 8)


def test_a_day_far_ahead_is_brought_to_the_lead_and_keeps_its_start_and_speed() -> None:
    clock = demo_clock(DAY, 600.0, 150.0)
    before = time.time()
    closer = brought_closer(clock, 45.0)
    assert before + 45.0 <= closer.origin <= time.time() + 45.0
    assert (closer.start, closer.speed) == (local(DAY, "07:30"), 600.0)
    assert clock.origin > closer.origin + 100  # the original is left as it was
    # Every second of the lead skipped is `speed` seconds of the clock: it reads later now.
    assert (closer.now() - clock.now()).total_seconds() > 100 * 600


def test_a_day_nearer_than_the_lead_is_never_pushed_back() -> None:
    clock = demo_clock(DAY, 600.0, 20.0)
    assert brought_closer(clock, 45.0).origin == clock.origin
