"""How fast messages go to a provider that limits its rate.

An SMS provider answers 429 to what comes faster than its contract's rate. A refused SMS is retried only
after the first retry delay (30 s) and spends one of its few attempts, so a convocation wave sent as fast as
the sender can go (16 at once, a few milliseconds each) would see most of its SMS refused, retried late, and
some failed. The sender takes a token before it starts an SMS instead, and passes over the SMS that have
none for now (e-mails go on meanwhile); it looks again when the next token is due.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Refills add up float seconds: a token due "now" may read as 0.9999999.
_EPSILON = 1e-9


class Pacer:
    """At most `rate` messages a second on average, with bursts of at most `burst`: a tenth of a second's
    worth by default. Not less: the sender looks for due messages when a token is due, and on a busy machine
    it looks late; what came due meanwhile goes together, or the wave would go at the rate the sender wakes
    up rather than the provider's. Not more: a provider lets only a few through together."""

    def __init__(
        self, rate: float, burst: float | None = None, now: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate / 10)
        self._now = now
        self._tokens = self.burst
        self._at = now()

    def take(self) -> bool:
        """Whether one message may start now (and, if so, it is counted)."""
        self._refill()
        if self._tokens >= 1 - _EPSILON:
            self._tokens -= 1
            return True
        return False

    def wait(self) -> float:
        """Seconds until the next message may start."""
        self._refill()
        return max(0.0, (1 - _EPSILON - self._tokens) / self.rate)

    def _refill(self) -> None:
        now = self._now()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
