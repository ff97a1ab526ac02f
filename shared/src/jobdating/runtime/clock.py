"""The wall clock, injected so that tests and the demo day can run on their own time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Real UTC time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ScaledClock:
    """The demo's sped-up day: `start` at wall-clock instant `origin` (Unix seconds), then `speed` times
    faster. Every service of a demo gets the same start and origin, so they agree on "now", and a service
    restarted mid-day (the crash proofs) comes back at the same time as the others.
    """

    def __init__(self, start: datetime, speed: float, origin: float | None = None) -> None:
        self.start = start
        self.speed = speed
        self.origin = time.time() if origin is None else origin

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.origin) * self.speed)


def clock_from_settings(start: datetime | None, speed: float, origin: float | None) -> Clock:
    """The wall clock, or the demo's sped-up one when a start, a speed or an origin is configured."""
    if start is None and speed == 1.0 and origin is None:
        return SystemClock()
    return ScaledClock(start or SystemClock().now(), speed, origin)
