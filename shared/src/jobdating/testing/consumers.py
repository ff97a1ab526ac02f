"""Running real consumer runners in a test until the effect it waits for is there."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from jobdating.bus.consumer import ConsumerRunner


async def run_until(
    runners: ConsumerRunner | Sequence[ConsumerRunner], done: Callable[[], bool], limit: float = 20.0
) -> None:
    """Run the runners until `done()` holds (polled; it reads a database), then stop them cleanly."""
    group = [runners] if isinstance(runners, ConsumerRunner) else list(runners)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(stop, fetch_timeout=0.2)) for r in group]
    try:
        async with asyncio.timeout(limit):
            while not done():  # noqa: ASYNC110 - polling a database, not an event
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
