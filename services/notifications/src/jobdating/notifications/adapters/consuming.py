"""The shared consumer runner, fetching so that a lone event is handled at once.

On an idle durable consumer, nats-py's `fetch(200, timeout=1.0)` holds the first message that arrives
until 199 more have come or the second is over: at a few events per second every message waits up to a
second. A message is fetched alone here (`fetch(1)` returns as soon as it arrives), then whatever else is
already waiting joins it in the same transaction, so a burst is still handled in batches. Everything else
(inbox, ack after commit, retries, parking) is `ConsumerRunner`'s.
"""

from __future__ import annotations

import asyncio
import contextlib

from jobdating.bus.consumer import ConsumerRunner
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.runtime.host import ServiceHost

# How long the second fetch may wait once it found nothing already waiting.
WAITING_ONLY = 0.005


class PromptConsumerRunner(ConsumerRunner):
    """A `ConsumerRunner` whose fetch returns as soon as one event is there."""

    async def run(self, stop: asyncio.Event, fetch_timeout: float = 1.0) -> None:
        sub = await self.js.pull_subscribe_bind(self.durable, stream=STREAM_NAME)
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(1, timeout=fetch_timeout)
                except TimeoutError:  # nothing yet (nats-py's and asyncio's are both this builtin)
                    continue
                if self.batch > 1:
                    with contextlib.suppress(TimeoutError):
                        msgs += await sub.fetch(self.batch - 1, timeout=WAITING_ONLY)
                await self.handle_batch(msgs)
        finally:
            await sub.unsubscribe()


def make_prompt(host: ServiceHost) -> None:
    """Swap a connected host's runners for prompt ones (same consumers, handlers and settings)."""
    host.runners = [
        PromptConsumerRunner(
            runner.store,
            runner.js,
            runner.durable,
            runner.handler,
            registry=runner.registry,
            max_attempts=runner.max_attempts,
            backoff=runner.backoff,
            batch=runner.batch,
            clock=runner.clock,
            log=runner.log,
        )
        for runner in host.runners
    ]
