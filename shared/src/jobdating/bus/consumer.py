"""Durable pull consumer runner: handle in the consumer's own transaction, ack after commit.

- The inbox (consumer, event_id) is written in the same transaction as the handler's effect, so a
  redelivered or duplicated message has no second effect.
- A handler error is retried with backoff (NAK with delay) a bounded number of times, then the
  message is parked in the store with its error and acknowledged; an operator re-drives it later.
- A handler may raise `NotYet` when an event arrives before one it depends on (out-of-order
  redelivery): the message comes back after a short delay.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore, ParkedEvent, Transaction
from jobdating.runtime.clock import Clock, SystemClock

Handler = Callable[[Transaction, RecordedEvent], None]
DEFAULT_BACKOFF = (0.2, 1.0, 3.0, 10.0)
# How long the fetch after the first event may wait when nothing else is already there.
_WAITING_ONLY = 0.005


class NotYet(Exception):
    """The event depends on one not handled yet: retry later (it does not count as a failure)."""


class ConsumerRunner:
    """Pulls from one durable consumer and applies `handler` to each event exactly once in effect."""

    def __init__(
        self,
        store: EventStore,
        js: JetStreamContext,
        durable: str,
        handler: Handler,
        *,
        registry: EventRegistry = REGISTRY,
        max_attempts: int = 5,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        batch: int = 200,
        clock: Clock | None = None,
        log: Any = None,
    ) -> None:
        self.store = store
        self.js = js
        self.durable = durable
        self.handler = handler
        self.registry = registry
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff)
        self.batch = batch
        self.clock = clock or SystemClock()
        self.log = log
        self.handled = 0
        self.parked = 0

    async def run(self, stop: asyncio.Event, fetch_timeout: float = 1.0) -> None:
        """Fetch and handle until `stop` is set.

        One event is fetched alone (it returns as soon as it arrives), then whatever else is already
        waiting joins it: a lone event is handled at once, a burst still in one transaction. A plain
        `fetch(200)` on a quiet consumer holds the first event until 199 more came or the timeout passed.
        """
        sub = await self.js.pull_subscribe_bind(self.durable, stream=STREAM_NAME)
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(1, timeout=fetch_timeout)
                except TimeoutError:
                    # nats-py raises its own TimeoutError or, on some paths, asyncio's (the builtin one
                    # since 3.11): both mean "nothing to fetch yet".
                    continue
                if self.batch > 1:
                    with contextlib.suppress(TimeoutError):
                        msgs += await sub.fetch(self.batch - 1, timeout=_WAITING_ONLY)
                await self.handle_batch(msgs)
        finally:
            await sub.unsubscribe()

    async def handle_batch(self, msgs: list[Msg]) -> None:
        """Handle a fetched batch in one transaction; on any failure fall back to one at a time."""
        decoded: list[tuple[Msg, RecordedEvent]] = []
        for msg in msgs:
            try:
                decoded.append((msg, self._decode(msg)))
            except Exception as exc:
                # A message we cannot even read will not improve with retries: park it now.
                await self._park(msg, f"undecodable: {exc}")
        if not decoded:
            return
        try:
            with self.store.transaction() as tx:
                for _msg, event in decoded:
                    self._apply(tx, event)
        except Exception:
            for msg, event in decoded:
                await self.handle_one(msg, event)
            return
        for msg, _event in decoded:
            await msg.ack()
        self.handled += len(decoded)

    async def handle_one(self, msg: Msg, event: RecordedEvent) -> None:
        deliveries = msg.metadata.num_delivered
        try:
            with self.store.transaction() as tx:
                self._apply(tx, event)
        except NotYet:
            await msg.nak(delay=self.backoff[0])
            return
        except Exception as exc:
            if deliveries >= self.max_attempts:
                await self._park(msg, f"{type(exc).__name__}: {exc}")
                return
            delay = self.backoff[min(deliveries - 1, len(self.backoff) - 1)]
            if self.log is not None:
                self.log.warning(
                    "consumer_retry",
                    consumer=self.durable,
                    event_id=event.envelope.event_id,
                    attempt=deliveries,
                    error=type(exc).__name__,
                    in_seconds=delay,
                )
            await msg.nak(delay=delay)
            return
        await msg.ack()
        self.handled += 1

    def _decode(self, msg: Msg) -> RecordedEvent:
        env = decode_envelope(msg.data)
        return self.registry.decode(env, position=msg.metadata.sequence.stream)

    def _apply(self, tx: Transaction, event: RecordedEvent) -> None:
        if tx.seen(self.durable, event.envelope.event_id):
            return
        self.handler(tx, event)
        tx.mark_seen(self.durable, event.envelope.event_id, self.clock.now())

    async def _park(self, msg: Msg, error: str) -> None:
        event_id = (msg.headers or {}).get("Nats-Msg-Id") or _event_id_or_seq(msg)
        with self.store.transaction() as tx:
            tx.park(
                ParkedEvent(
                    consumer=self.durable,
                    event_id=event_id,
                    subject=msg.subject,
                    body=msg.data,
                    error=error[:2000],
                    deliveries=msg.metadata.num_delivered,
                    parked_at=self.clock.now(),
                )
            )
        if self.log is not None:
            self.log.error("consumer_parked", consumer=self.durable, event_id=event_id, error=error[:200])
        self.parked += 1
        # Parked in our store first, so terminating the message loses nothing.
        await msg.term()


def _event_id_or_seq(msg: Msg) -> str:
    try:
        return decode_envelope(msg.data).event_id
    except (msgspec.DecodeError, msgspec.ValidationError):
        return f"seq-{msg.metadata.sequence.stream}"


def redrive(
    store: EventStore,
    consumer: str,
    handler: Handler,
    *,
    registry: EventRegistry = REGISTRY,
    clock: Clock | None = None,
    event_id: str | None = None,
) -> tuple[int, list[str]]:
    """Re-run parked events through the handler (once fixed); returns (re-driven, still failing)."""
    clock = clock or SystemClock()
    done = 0
    failing: list[str] = []
    for parked in store.parked(consumer):
        if event_id is not None and parked.event_id != event_id:
            continue
        try:
            event = registry.decode(decode_envelope(parked.body))
            with store.transaction() as tx:
                if not tx.seen(consumer, event.envelope.event_id):
                    handler(tx, event)
                    tx.mark_seen(consumer, event.envelope.event_id, clock.now())
                tx.unpark(consumer, parked.event_id)
            done += 1
        except Exception as exc:
            failing.append(f"{parked.event_id}: {type(exc).__name__}: {exc}")
    return done, failing
