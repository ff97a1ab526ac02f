"""A clock that runs faster than the wall clock, from a chosen start (the demo's sped-up day)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class ScaledClock:
    """`start` plus the elapsed monotonic time multiplied by `speed`."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)
