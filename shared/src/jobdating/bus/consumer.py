"""Durable pull consumer runner: handle in the consumer's own transaction, ack after commit.

- The inbox (consumer, event_id) is written in the same transaction as the handler's effect, so a
  redelivered or duplicated message has no second effect.
- A handler error is retried with backoff (NAK with delay) a bounded number of times, then the
  message is parked in the store with its error and acknowledged; an operator re-drives it later.
- A handler may raise `NotYet` when an event arrives before one it depends on (out-of-order
  redelivery): the message comes back after a short delay.
- Before the handler, the trust rules (`jobdating.contracts.trust`, checked by `jobdating.bus.trust`): an
  event whose organisation may not say it is parked at once with a `forged: ...` reason, counted, never
  applied and never re-driven.

Each consumer is a FastStream subscriber (`subscribe`): a batch pull bound to the durable the ops command
provisioned, with manual ack, so FastStream never acks, naks or terminates a message by itself. The
exactly-once step and `redrive` are in `bus.inbox`, the FastStream broker and fetch loop in `bus.pull`; their
public names are importable from here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import msgspec
from faststream import AckPolicy
from faststream.nats import JStream, NatsRouter, PullSub
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.bus.connection import pull_inbox_prefix
from jobdating.bus.inbox import Handler, NotYet, apply_once, redrive
from jobdating.bus.pull import FirstThenWaiting, consumer_broker, raw_batch, server_url
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME
from jobdating.contracts.trust import Forged
from jobdating.eventstore.base import EventStore, ParkedEvent, Transaction
from jobdating.runtime.clock import Clock, SystemClock

DEFAULT_BACKOFF = (0.2, 1.0, 3.0, 10.0)

__all__ = [
    "DEFAULT_BACKOFF",
    "ConsumerRunner",
    "Handler",
    "NotYet",
    "apply_once",
    "consumer_broker",
    "redrive",
]


@dataclass(eq=False)
class ConsumerRunner:
    """Pulls from one durable consumer and applies `handler` to each event exactly once in effect.

    `coordinator` is the organisation that alone opens coordinating services' streams (the one this
    instance runs for); `on_forged` is called for each forged event parked (the service's metric).
    `grouped`: its transactions go through the store's group committer (`write_async`), with the
    service's other writes, instead of a transaction of its own on the loop's thread; a service whose
    committer leads in a thread (`GroupCommitter.lead_in_thread`) needs it, or its consumers would wait,
    loop and all, for the write lock that thread holds.
    """

    store: EventStore
    js: JetStreamContext
    durable: str
    handler: Handler
    _: KW_ONLY
    registry: EventRegistry = REGISTRY
    max_attempts: int = 5
    backoff: Sequence[float] = DEFAULT_BACKOFF
    batch: int = 200
    clock: Clock = field(default_factory=SystemClock)
    log: Any = None
    coordinator: str | None = None
    on_forged: Callable[[], None] | None = None
    grouped: bool = False

    def __post_init__(self) -> None:
        self.backoff = tuple(self.backoff)
        self.handled = 0
        self.parked = 0
        self.forged = 0

    def subscribe(
        self,
        router: NatsRouter,
        subject: str = ALL_EVENTS,
        fetch_timeout: float = 1.0,
        *,
        nats_url: str = "",
    ) -> None:
        """Declare this consumer on `router`: a batch pull subscriber bound to the provisioned durable.

        `subject` only documents what the durable reads (AsyncAPI); binding keeps the durable's own filter.
        An idle consumer renews its pull request every `fetch_timeout` seconds. Its deliveries come to the
        inbox of `nats_url`'s user (the only one that user may read).
        """

        async def on_batch(msgs: list[Msg]) -> None:
            await self.handle_batch(msgs)

        subscriber = router.subscriber(
            subject,
            stream=JStream(STREAM_NAME, declare=False),
            durable=self.durable,
            pull_sub=PullSub(batch_size=self.batch, timeout=fetch_timeout, batch=True),
            # Acked by hand after the transaction commits; FastStream's default would term on an error.
            ack_policy=AckPolicy.MANUAL,
            decoder=raw_batch,
            title=f"{self.durable}:batch",
            inbox_prefix=pull_inbox_prefix(nats_url),
        )
        subscriber(on_batch)
        # Same subscriber, our fetch loop (see `FirstThenWaiting`); the layouts are identical.
        subscriber.__class__ = FirstThenWaiting

    async def run(
        self, stop: asyncio.Event, fetch_timeout: float = 1.0, *, nats_url: str | None = None
    ) -> None:
        """Run this consumer alone (tests, the tally) until `stop` is set, on a broker of its own.

        Without `nats_url` the broker connects to the server of the JetStream context it was given.
        """
        router = NatsRouter()
        url = nats_url or server_url(self.js)
        self.subscribe(router, fetch_timeout=fetch_timeout, nats_url=url)
        broker = consumer_broker(url, self.log)
        broker.include_router(router)
        await broker.start()
        try:
            await stop.wait()
        finally:
            await broker.stop()

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

        def apply_all(tx: Transaction) -> None:
            for msg, event in decoded:
                self._apply(tx, msg.subject, event)

        try:
            await self._write(apply_all)
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
            await self._write(lambda tx: self._apply(tx, msg.subject, event))
        except NotYet:
            await msg.nak(delay=self.backoff[0])
            return
        except Forged as exc:
            # Retrying would not make it true: parked now, reported by the audit.
            await self._park(msg, str(exc), forged=True)
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

    async def _write(self, work: Callable[[Transaction], None]) -> None:
        if self.grouped:
            await self.store.write_async(work)
            return
        with self.store.transaction() as tx:
            work(tx)

    def _decode(self, msg: Msg) -> RecordedEvent:
        env = decode_envelope(msg.data)
        return self.registry.decode(env, position=msg.metadata.sequence.stream)

    def _apply(self, tx: Transaction, subject: str, event: RecordedEvent) -> None:
        apply_once(
            tx, self.durable, self.handler, event, self.clock, subject=subject, coordinator=self.coordinator
        )

    async def _park(self, msg: Msg, error: str, *, forged: bool = False) -> None:
        event_id = (msg.headers or {}).get("Nats-Msg-Id") or _event_id_or_seq(msg)
        parked = ParkedEvent(
            consumer=self.durable,
            event_id=event_id,
            subject=msg.subject,
            body=msg.data,
            error=error[:2000],
            deliveries=msg.metadata.num_delivered,
            parked_at=self.clock.now(),
        )
        await self._write(lambda tx: tx.park(parked))
        if forged:
            self.forged += 1
            if self.on_forged is not None:
                self.on_forged()
        if self.log is not None:
            # Ids and organisations only: a reason names streams by id, never a person.
            self.log.error(
                "consumer_forged" if forged else "consumer_parked",
                consumer=self.durable,
                event_id=event_id,
                error=error[:200],
            )
        self.parked += 1
        # Parked in our store first, so terminating the message loses nothing.
        await msg.term()


def _event_id_or_seq(msg: Msg) -> str:
    try:
        return decode_envelope(msg.data).event_id
    except (msgspec.DecodeError, msgspec.ValidationError):
        return f"seq-{msg.metadata.sequence.stream}"
