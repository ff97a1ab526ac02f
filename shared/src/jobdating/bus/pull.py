"""The FastStream side of the consumers: their broker, and the fetch loop their batch pull subscribers run."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsBroker
from faststream.nats.subscriber.usecases import BatchPullStreamSubscriber
from faststream.security import BaseSecurity
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.bus.connection import connect_options

# How long the fetch after the first event may wait when nothing else is already there.
_WAITING_ONLY = 0.005
# Handlers take the raw messages (`raw_batch`): nothing for FastStream's dependency injection to resolve.
_BROKER_OPTIONS: dict[str, Any] = {"apply_types": False, "graceful_timeout": 10.0}


class FirstThenWaiting(BatchPullStreamSubscriber):
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
        **broker_options(nats_url),
    )


def broker_options(nats_url: str) -> dict[str, Any]:
    """`connect_options` as FastStream takes them: its TLS context comes as `security`."""
    options = connect_options(nats_url)
    tls = options.pop("tls", None)
    if tls is not None:
        options["security"] = BaseSecurity(ssl_context=tls)
    return options


class _WarningsOnly:
    """Passes FastStream's messages at WARNING and above to the service's structlog logger."""

    def __init__(self, log: Any) -> None:
        self._log = log

    def log(self, level: int, msg: str, *args: Any, **kwargs: Any) -> None:
        if level >= logging.WARNING:
            self._log.log(level, msg, *args, **kwargs)


async def raw_batch(msg: StreamMessage[list[Msg]]) -> list[Msg]:
    """The fetched messages as NATS gave them (the consumers decode them themselves)."""
    return msg.raw_message


def server_url(js: JetStreamContext) -> str:
    """The URL of the server the JetStream context is connected to."""
    url = js._nc.connected_url  # nats-py exposes the connection only privately on its JetStream context
    if url is None:
        raise RuntimeError("the JetStream context's connection is closed")
    return str(url.geturl())
