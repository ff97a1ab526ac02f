"""Tests of a service's relay: run its host in the background, then read what reached JetStream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.eventstore.base import EventStore
from jobdating.runtime.host import CommitNotifier, ServiceHost, Subscription


def headless_host(
    store: EventStore, url: str, subscriptions: Sequence[Subscription], notifier: CommitNotifier
) -> ServiceHost:
    """The host of a service wired in the test's own process, on the NATS server at `url`: its consumers and
    its relay (woken by `notifier`, the bus's `on_commit`), without an HTTP server."""
    return ServiceHost(store=store, nats_url=url, app=None, subscriptions=subscriptions, notifier=notifier)


@asynccontextmanager
async def relaying(host: ServiceHost) -> AsyncIterator[ServiceHost]:
    """The host connected and running (its relay publishing what is committed) until the block ends."""
    await host.connect()
    running = asyncio.create_task(host.run())
    try:
        yield host
    finally:
        host.stop.set()
        await running


async def published(js: JetStreamContext, subject: str, count: int) -> list[Msg]:
    """The first `count` messages on `subject` (a wildcard), from the stream's start, within 10 seconds."""
    subscription = await js.pull_subscribe(subject, durable=None)
    messages: list[Msg] = []
    async with asyncio.timeout(10):
        while len(messages) < count:
            messages += await subscription.fetch(count - len(messages), timeout=5)
    return messages
