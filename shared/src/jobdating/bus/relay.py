"""The outbox relay: publishes committed events to JetStream in log order, exactly once downstream.

`Nats-Msg-Id` is the event id, so a publish retried (after a timeout, or after a crash between
publishing and moving the relay position) is recognised by the stream as a duplicate.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import msgspec
from nats.js import JetStreamContext

from jobdating.contracts.subjects import STREAM_NAME, event_subject
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.runtime.failpoints import failpoint


class _Routing(msgspec.Struct):
    # Only what the subject needs; msgspec skips the rest of the envelope without building it.
    org: str
    source: str
    streamtype: str
    type: str
    streamid: str


_routing = msgspec.json.Decoder(_Routing)


def subject_of(event: StoredEvent) -> str:
    """The subject an event is published on."""
    r = _routing.decode(event.body)
    return event_subject(r.org, r.source.rsplit("/", 1)[-1], r.streamtype, r.type, r.streamid)


@dataclass(eq=False)
class Relay:
    """Follows the store's log from its saved position and publishes each event, in order."""

    store: EventStore
    js: JetStreamContext
    name: str = "jetstream"
    batch: int = 500
    ack_timeout: float = 5.0
    log: Any = None

    def __post_init__(self) -> None:
        self.wakeup = asyncio.Event()
        self.published = 0
        # One thread of its own for saving the position: the loop's default executor is shared with other
        # work (mail, contact requests), and a store with per-thread connections (PostgreSQL) would open
        # one on every thread of it the relay happens to land on.
        self._saver: ThreadPoolExecutor | None = None

    async def publish_pending(self) -> int:
        """Publish every event after the relay position; returns how many were published."""
        total = 0
        position = self.store.relay_position(self.name)
        while True:
            events = self.store.read_all(position, self.batch)
            if not events:
                return total
            acked = await self._publish(events)
            failpoint("relay.after_publish")
            if acked:
                position = acked[-1].position
                await self._in_saver(self._save_position, position)
                total += len(acked)
                self.published += len(acked)
            if len(acked) < len(events):
                raise RelayError(f"stream did not acknowledge event at position {position + 1}")

    async def _in_saver(self, save: Callable[[int], None], position: int) -> None:
        if self._saver is None:
            self._saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"relay-{self.name}")
        in_context = contextvars.copy_context().run  # the caller's log context, as `to_thread` keeps it
        await asyncio.get_running_loop().run_in_executor(self._saver, in_context, save, position)

    def _save_position(self, position: int) -> None:
        # Through the store's write path, in a worker thread: on SQLite the position then joins the
        # commands' group commit (one fsync) instead of contending with it for the write lock, whose busy
        # handler sleeps in steps of milliseconds; and the event loop never waits on an fsync.
        self.store.write(lambda tx: tx.set_relay_position(self.name, position))

    async def _publish(self, events: list[StoredEvent]) -> list[StoredEvent]:
        """Pipeline a batch and return the longest acknowledged prefix (order is kept on the wire)."""
        futures = []
        for event in events:
            fut = await self.js.publish_async(
                subject_of(event),
                event.body,
                stream=STREAM_NAME,
                headers={"Nats-Msg-Id": event.event_id},
            )
            futures.append(fut)
        acked: list[StoredEvent] = []
        for event, fut in zip(events, futures, strict=True):
            try:
                if fut.done():
                    fut.result()  # most acks are in by now: no timer to arm and cancel for them
                else:
                    await asyncio.wait_for(fut, timeout=self.ack_timeout)
            except Exception as exc:
                if self.log is not None:
                    self.log.warning("relay_publish_failed", event_id=event.event_id, error=str(exc))
                for rest in futures[len(acked) :]:
                    rest.cancel()
                break
            acked.append(event)
        return acked

    def close(self) -> None:
        """Let the saving thread end (its store connection goes with it); a later save starts a new one."""
        saver, self._saver = self._saver, None
        if saver is not None:
            saver.shutdown(wait=True)

    async def run(self, stop: asyncio.Event, idle: float = 0.2) -> None:
        """Publish until `stop` is set; woken early by `wakeup` after a commit, retries with backoff."""
        try:
            await self._follow(stop, idle)
        finally:
            self.close()

    async def _follow(self, stop: asyncio.Event, idle: float) -> None:
        delay = 0.1
        while not stop.is_set():
            try:
                await self.publish_pending()
                delay = 0.1
            except Exception as exc:
                if self.log is not None:
                    self.log.warning("relay_retry", error=str(exc), in_seconds=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self.wakeup.clear()
            waiters = [
                asyncio.ensure_future(self.wakeup.wait()),
                asyncio.ensure_future(stop.wait()),
            ]
            await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()


class RelayError(RuntimeError):
    """The stream did not acknowledge a publish; the relay retries from the same position."""
