"""Waiting, in tests that drive whole processes, for something only a poll can see (a log line, a file)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(what: str, check: Callable[[], object], limit: float = 150) -> None:
    """Polls `check` until it is truthy; fails naming `what` after `limit` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not after {limit:.0f} s")
