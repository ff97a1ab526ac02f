"""The stream as the console's NATS user reads it (short-lived connections of its own, beside the live
page's consumer): the report's events replayed, then folded and computed by `jobdating.reporting` (the
figures of `jobdating report`, by the same code), and the count of events under a subject filter (the
pending count of a consumer that reads nothing; the user may create and delete consumers, nothing more)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import nats
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from jobdating.bus.connection import connect_options
from jobdating.bus.replay import replay_stream
from jobdating.console.application.statistics import NoStream
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.reporting.figures import Report, Scope
from jobdating.reporting.fold import ReportState, evolve
from jobdating.reporting.sections import compute


class StreamReader:
    """`ReportSource` and `StreamCounts` over NATS; without a NATS URL there is no stream to read."""

    def __init__(self, nats_url: str, timeout: float):
        self.nats_url = nats_url
        self.timeout = timeout

    async def report(self, scope: Scope) -> Report:
        state = ReportState(as_of=scope.as_of)

        def apply_batch(events: Sequence[RecordedEvent]) -> None:
            for event in events:
                evolve(state, event)

        async with self._client() as client:
            await replay_stream(client.jetstream(), apply_batch)
        return compute(state, scope)

    async def count(self, subjects: str) -> int | None:
        config = ConsumerConfig(
            filter_subject=subjects,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.NONE,
            mem_storage=True,
            inactive_threshold=30.0,
        )
        try:
            async with self._client() as client:
                js = client.jetstream()
                info = await js.add_consumer(STREAM_NAME, config)
                await js.delete_consumer(STREAM_NAME, info.name)
        except NoStream:
            return None
        return int(info.num_pending or 0)

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[Client]:
        if not self.nats_url:
            raise NoStream()
        try:
            client = await nats.connect(
                self.nats_url,
                connect_timeout=self.timeout,
                max_reconnect_attempts=0,
                allow_reconnect=False,
                **connect_options(self.nats_url),
            )
        except (OSError, NatsError) as exc:
            raise NoStream() from exc
        try:
            yield client
        except NatsError as exc:
            raise NoStream() from exc
        finally:
            await client.close()
