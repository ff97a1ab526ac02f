"""The stream as the console's NATS user reads it (short-lived connections of its own, beside the live
page's consumer): the report's events folded by `jobdating.reporting` and computed by the same code (the
figures of `jobdating report`), the fold kept between pages so that each page reads only the events
recorded since the last one (a report as of a past instant is replayed afresh), and the count of events
under a subject filter (the pending count of a consumer that reads nothing; the user may create and delete
consumers, nothing more)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import nats
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from jobdating.bus.connection import connect_options
from jobdating.bus.replay import replay_stream, stream_head
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
        # Every event up to `_folded` (a stream sequence), folded: the figures of now.
        self._state = ReportState()
        self._folded = 0
        self._folding = asyncio.Lock()
        # The last report of each scope, with the position it was computed at: no new event, same report.
        self._reports: dict[Scope, tuple[int, Report]] = {}

    async def report(self, scope: Scope) -> Report:
        if scope.as_of is not None:
            state = ReportState(as_of=scope.as_of)
            async with self._client() as client:
                await replay_stream(client.jetstream(), _folder(state))
            return compute(state, scope)
        async with self._folding, self._client() as client:
            js = client.jetstream()
            head = await stream_head(js)
            if head < self._folded:  # a stream begun again: its events are not those folded
                self._state, self._folded, self._reports = ReportState(), 0, {}
            if head > self._folded:
                await replay_stream(js, _folder(self._state), after=self._folded, upto=head)
                self._folded = head
            known = self._reports.get(scope)
            if known is None or known[0] != head:
                known = self._reports[scope] = (head, compute(self._state, scope))
            return known[1]

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


def _folder(state: ReportState) -> Callable[[Sequence[RecordedEvent]], None]:
    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        for event in events:
            evolve(state, event)

    return apply_batch
