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
guarantees above live here, once, for the subscriber and for `redrive`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from faststream import AckPolicy
from faststream.message import StreamMessage
from faststream.nats import JStream, NatsBroker, NatsRouter, PullSub
from faststream.nats.subscriber.usecases import BatchPullStreamSubscriber
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.bus.connection import connect_options, pull_inbox_prefix
from jobdating.bus.trust import accept, vet
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME
from jobdating.contracts.trust import FORGED, Forged
from jobdating.eventstore.base import EventStore, ParkedEvent, Transaction
from jobdating.runtime.clock import Clock, SystemClock

Handler = Callable[[Transaction, RecordedEvent], None]
DEFAULT_BACKOFF = (0.2, 1.0, 3.0, 10.0)
# How long the fetch after the first event may wait when nothing else is already there.
_WAITING_ONLY = 0.005
# Handlers take the raw messages (`_raw_batch`): nothing for FastStream's dependency injection to resolve.
_BROKER_OPTIONS: dict[str, Any] = {"apply_types": False, "graceful_timeout": 10.0}


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
        coordinator: str | None = None,
        on_forged: Callable[[], None] | None = None,
    ) -> None:
        """`coordinator` is the organisation that alone opens coordinating services' streams (the one this
        instance runs for); `on_forged` is called for each forged event parked (the service's metric)."""
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
        self.coordinator = coordinator
        self.on_forged = on_forged
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
            decoder=_raw_batch,
            title=f"{self.durable}:batch",
            inbox_prefix=pull_inbox_prefix(nats_url),
        )
        subscriber(on_batch)
        # Same subscriber, our fetch loop (see `_FirstThenWaiting`); the layouts are identical.
        subscriber.__class__ = _FirstThenWaiting

    async def run(
        self, stop: asyncio.Event, fetch_timeout: float = 1.0, *, nats_url: str | None = None
    ) -> None:
        """Run this consumer alone (tests, the tally) until `stop` is set, on a broker of its own.

        Without `nats_url` the broker connects to the server of the JetStream context it was given.
        """
        router = NatsRouter()
        url = nats_url or _server_url(self.js)
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
        try:
            with self.store.transaction() as tx:
                for msg, event in decoded:
                    self._apply(tx, msg.subject, event)
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
                self._apply(tx, msg.subject, event)
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

    def _decode(self, msg: Msg) -> RecordedEvent:
        env = decode_envelope(msg.data)
        return self.registry.decode(env, position=msg.metadata.sequence.stream)

    def _apply(self, tx: Transaction, subject: str, event: RecordedEvent) -> None:
        apply_once(
            tx, self.durable, self.handler, event, self.clock, subject=subject, coordinator=self.coordinator
        )

    async def _park(self, msg: Msg, error: str, *, forged: bool = False) -> None:
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


class _FirstThenWaiting(BatchPullStreamSubscriber):
    """FastStream's batch pull subscriber with the fetch loop the consumers had on nats-py.

    FastStream 0.7.8's loop waits for a full batch or its timeout, so a lone event waits the whole
    window, and when nats-py 2.16 ends that wait with the builtin `TimeoutError` (not the nats one it
    catches), the loop dies with its partial batch fetched and unacknowledged: those events come back only
    after the ack wait (30 s), while the supervisor restarts the loop. Here one event is fetched alone (it
    returns as soon as it arrives), then whatever else is already waiting joins it in one batch.
    """

    __slots__ = ()

    async def _consume_pull(self) -> None:
        sub = self.subscription
        assert sub is not None, "the subscription is created before the loop starts"
        batch_size = self.pull_sub.batch_size
        while self.running:
            try:
                msgs = await sub.fetch(1, timeout=self.pull_sub.timeout)
            except TimeoutError:
                # nats-py raises its own TimeoutError or, on some paths, the builtin one: both mean
                # "nothing to fetch yet".
                continue
            if batch_size > 1:
                with contextlib.suppress(TimeoutError):
                    msgs += await sub.fetch(batch_size - 1, timeout=_WAITING_ONLY)
            await self.consume(msgs)


def apply_once(
    tx: Transaction,
    consumer: str,
    handler: Handler,
    event: RecordedEvent,
    clock: Clock,
    *,
    subject: str | None = None,
    coordinator: str | None = None,
) -> None:
    """Apply `event` unless the consumer's inbox has it, and record it there in the same transaction.

    The trust rules come first (`Forged` when they refuse; the subject is checked when given); the stream's
    owner is recorded with the inbox row.
    """
    if tx.seen(consumer, event.envelope.event_id):
        return
    vet(tx, consumer, subject, event, coordinator)
    handler(tx, event)
    accept(tx, consumer, event)
    tx.mark_seen(consumer, event.envelope.event_id, clock.now())


def consumer_broker(nats_url: str, log: Any = None) -> NatsBroker:
    """A FastStream broker for consumers, connected like the service's own NATS client.

    Only FastStream's warnings and errors reach the service's log: its per-message access log
    ("Received"/"Processed", emitted at DEBUG here) and its task notices are dropped before anything is
    formatted. (`log_level=ERROR` would not silence the access log: it re-emits it at ERROR.)
    """
    return NatsBroker(
        nats_url,
        connect_timeout=5,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,  # type: ignore[arg-type]
        logger=_WarningsOnly(log) if log is not None else None,
        log_level=logging.DEBUG,
        **_BROKER_OPTIONS,
        **connect_options(nats_url),
    )


class _WarningsOnly:
    """Passes FastStream's messages at WARNING and above to the service's structlog logger."""

    def __init__(self, log: Any) -> None:
        self._log = log

    def log(self, level: int, msg: str, *args: Any, **kwargs: Any) -> None:
        if level >= logging.WARNING:
            self._log.log(level, msg, *args, **kwargs)


async def _raw_batch(msg: StreamMessage[list[Msg]]) -> list[Msg]:
    return msg.raw_message


def _server_url(js: JetStreamContext) -> str:
    url = js._nc.connected_url  # nats-py exposes the connection only privately on its JetStream context
    if url is None:
        raise RuntimeError("the JetStream context's connection is closed")
    return str(url.geturl())


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
    coordinator: str | None = None,
) -> tuple[int, list[str]]:
    """Re-run parked events through the handler (once fixed); returns (re-driven, still failing).

    A forged event stays parked: the trust rules are checked again, and one parked as forged is never
    re-driven (it is the audit's to report).
    """
    clock = clock or SystemClock()
    done = 0
    failing: list[str] = []
    for parked in store.parked(consumer):
        if event_id is not None and parked.event_id != event_id:
            continue
        if parked.error.startswith(f"{FORGED}:"):
            failing.append(f"{parked.event_id}: {parked.error} (never re-driven)")
            continue
        try:
            event = registry.decode(decode_envelope(parked.body))
            with store.transaction() as tx:
                apply_once(
                    tx, consumer, handler, event, clock, subject=parked.subject, coordinator=coordinator
                )
                tx.unpark(consumer, parked.event_id)
            done += 1
        except Exception as exc:
            failing.append(f"{parked.event_id}: {type(exc).__name__}: {exc}")
    return done, failing
