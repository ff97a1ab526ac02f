"""Runs one service instance: its relay, its consumers and its HTTP API in one event loop.

The stream and consumers must already exist (the ops command provisions them); a service start checks,
it does not re-declare them with settings of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
import nats
import uvicorn
from fastapi import FastAPI
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.bus.connection import connect_options
from jobdating.bus.consumer import ConsumerRunner, Handler, consumer_broker
from jobdating.bus.relay import Relay
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore


class NotProvisioned(RuntimeError):
    """The stream or a consumer is missing: run `jobdating-ops provision` first."""


class Subscription(msgspec.Struct, frozen=True):
    """A durable consumer this service reads, and the handler that applies its events."""

    durable: str
    handler: Handler


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal capture: the host owns SIGINT/SIGTERM and stops everything in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class CommitNotifier:
    """Wakes a host's relay after each commit, from any thread.

    Made before the service and the host and handed to both: the service's command bus calls `notify`
    after each commit, the host points it at its relay once connected (before that, a commit is found by
    the relay's first pass). So neither has to be changed after the other is built.
    """

    def __init__(self) -> None:
        self._wake: Callable[[], object] | None = None

    def notify(self, *_: object) -> None:
        """Called after a commit (the bus's `on_commit`); does nothing until a relay listens."""
        wake = self._wake
        if wake is not None:
            wake()

    def wake_on(self, loop: asyncio.AbstractEventLoop, wakeup: asyncio.Event) -> None:
        """From now on a commit sets `wakeup` in `loop`."""
        self._wake = lambda: loop.call_soon_threadsafe(wakeup.set)


@dataclass(eq=False, kw_only=True)
class ServiceHost:
    """Owns the NATS connection and the background tasks of a service instance."""

    store: EventStore
    nats_url: str
    app: FastAPI | None
    host: str = "127.0.0.1"
    port: int = 0
    subscriptions: Sequence[Subscription] = ()
    notifier: CommitNotifier = field(default_factory=CommitNotifier)
    log: Any = None

    def __post_init__(self) -> None:
        self.stop = asyncio.Event()
        self.relay: Relay | None = None
        self.nc: Client | None = None
        self.runners: list[ConsumerRunner] = []
        self.router = NatsRouter()
        self.broker: NatsBroker | None = None
        self.server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def notify_commit(self, *_: object) -> None:
        """Wake the relay after a commit; safe to call from any thread."""
        self.notifier.notify()

    async def connect(self) -> Client:
        self._loop = asyncio.get_running_loop()
        self.nc = await nats.connect(
            self.nats_url,
            connect_timeout=5,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            **connect_options(self.nats_url),
        )
        js = self.nc.jetstream()
        filters: list[str] = []
        try:
            await js.stream_info(STREAM_NAME)
            for sub in self.subscriptions:
                info = await js.consumer_info(STREAM_NAME, sub.durable)
                filters.append(_described_subject(info.config.filter_subject, info.config.filter_subjects))
        except NotFoundError as exc:
            raise NotProvisioned(
                "stream or consumer missing on the NATS server: run `jobdating-ops provision`"
            ) from exc
        self.relay = Relay(self.store, js, log=self.log)
        self.notifier.wake_on(self._loop, self.relay.wakeup)
        # One router holds this service's subscribers; the relay keeps nats-py (Nats-Msg-Id, stream acks).
        self.runners = [self._runner(js, sub) for sub in self.subscriptions]
        self.router = NatsRouter()
        for runner, subject in zip(self.runners, filters, strict=True):
            runner.subscribe(self.router, subject, nats_url=self.nats_url)
        if self.runners:
            self.broker = consumer_broker(self.nats_url, self.log)
            self.broker.include_router(self.router)
        return self.nc

    def _runner(self, js: JetStreamContext, sub: Subscription) -> ConsumerRunner:
        """A consumer of this instance: the app's org opens coordinating streams, forged events are counted
        on its `/metrics` (`consumer_forged_events_total{consumer=...}`)."""
        state = getattr(self.app, "state", None)
        coordinator: str | None = getattr(state, "org", None)
        forged = getattr(state, "forged_events", None)
        on_forged = None
        if forged is not None:
            on_forged = forged.labels(consumer=sub.durable).inc  # the series shows 0 from the start
        return ConsumerRunner(
            self.store,
            js,
            sub.durable,
            sub.handler,
            log=self.log,
            coordinator=coordinator,
            on_forged=on_forged,
            # A committer leading in its own thread holds the write lock while the loop runs: the
            # consumers' writes join its groups rather than wait for that lock on the loop.
            grouped=self.store.group_commit.leads_in_thread,
        )

    async def run(self) -> None:
        """Run until SIGINT/SIGTERM (or `stop` is set), then shut down in order."""
        if self.nc is None:
            await self.connect()
        assert self.relay is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop.set)
        tasks = [asyncio.create_task(self.relay.run(self.stop))]
        if self.broker is not None:
            await self.broker.start()
        if self.app is not None:
            config = uvicorn.Config(
                self.app,
                host=self.host,
                port=self.port,
                log_level="warning",
                access_log=False,
                lifespan="off",
            )
            self.server = _QuietServer(config)
            tasks.append(asyncio.create_task(self.server.serve()))
        if self.log is not None:
            self.log.info("service_started", port=self.port)
        await self.stop.wait()
        if self.server is not None:
            self.server.should_exit = True
        if self.broker is not None:
            await self.broker.stop()  # waits for a batch being handled, then unsubscribes
        await asyncio.gather(*tasks, return_exceptions=True)
        # Flush what was committed before the stop so a clean shutdown leaves nothing unpublished.
        try:
            await asyncio.wait_for(self.relay.publish_pending(), timeout=5)
        except Exception as exc:  # the next start republishes from the saved position
            if self.log is not None:
                self.log.warning("relay_flush_failed", error=str(exc))
        if self.nc is not None:
            await self.nc.drain()
        self.store.close()


def _described_subject(one: str | None, several: list[str] | None) -> str:
    """The subject an AsyncAPI document shows for a durable (binding keeps the durable's own filters)."""
    subjects = [one] if one else list(several or [])
    return subjects[0] if len(subjects) == 1 else "jobdating.>"
