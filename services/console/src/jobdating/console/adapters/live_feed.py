"""One ordered JetStream consumer per console process, fanned out to the live pages' event streams.

The consumer reads new events of the stream (no acks, no durable state: a restarted console starts from
the stream's head, and the pages reload their state anyway). Of the events of sites and scheduling (the
others change nothing the page shows) it keeps only the site each touches (`site_id` in its payload, or the
site of its `computer_id` or `slot_id`) and the stream sequence, which becomes the server-sent event's `id`:
a page reconnecting with `Last-Event-ID` gets the sites changed since, from a bounded memory of recent
changes (further back: every site, as if it had reloaded).

It also keeps the console's read models of the live day (`LiveModels`) told of what changed: the site an
event touches, or the whole job dating when a scheduling event names none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy

from jobdating.bus.connection import connect_options
from jobdating.console.adapters.live_trace import LiveTrace
from jobdating.console.application.live_day import ASPECTS, ATTENDANCE, COMPUTERS, PLAN, WAITING
from jobdating.console.application.live_model import LiveModels
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME, service_filter

log = logging.getLogger(__name__)
EVERY_SITE = "*"


# The services whose events change what the live day shows (its computers; its plan, arrivals and waiting
# lists): the others' name sites and slots too (the convocations of a plan: thousands), to no effect here.
DAY_SERVICES = frozenset({"sites", "scheduling"})


async def subscribe(client: Client, on_message: Callable[[Msg], Awaitable[None]]) -> Any:
    """The console's ordered consumer: new events of the day's services only, the stream named (its NATS
    user may not look streams up by subject). Filtered by the server: the thousands of other events (a
    plan's convocations) would otherwise queue ahead of a broken computer's, one by one in this process."""
    only = ConsumerConfig(filter_subjects=[service_filter(s) for s in sorted(DAY_SERVICES)])
    return await client.jetstream().subscribe(
        ALL_EVENTS,
        stream=STREAM_NAME,
        cb=on_message,
        ordered_consumer=True,
        deliver_policy=DeliverPolicy.NEW,
        config=only,
    )


@dataclass(frozen=True)
class Change:
    sequence: int
    site_id: str
    # What of the site changed (see `live_day.ASPECTS`): only those are read again.
    aspects: tuple[str, ...] = field(default=ASPECTS, compare=False)


@dataclass
class LiveFeed:
    """Changes of sites, by stream sequence; `nats_url` empty: no live updates (pages still load)."""

    nats_url: str
    memory: int = 2000
    models: LiveModels = field(default_factory=LiveModels)
    # True while the consumer runs: the read models may then trust what they read.
    live: bool = False
    trace: LiveTrace = field(default_factory=LiveTrace.from_environment)
    _recent: deque[Change] = field(default_factory=deque)
    # The last sequence this process knows nothing more about: before its first event, or dropped since.
    _floor: int | None = None
    _listeners: set[asyncio.Queue[Change]] = field(default_factory=set)
    _client: Client | None = None
    _task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.models.trusted = lambda: self.live

    async def start(self) -> None:
        if self.nats_url:
            self._task = asyncio.create_task(self._connect())

    async def stop(self) -> None:
        self.live = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None:
            await self._client.close()

    async def _connect(self) -> None:
        # Retried in the background: the console serves its pages while NATS is away.
        while True:
            try:
                self._client = await nats.connect(
                    self.nats_url, max_reconnect_attempts=-1, **connect_options(self.nats_url)
                )
                await subscribe(self._client, self._on_message)
                self.live = True
                return
            except Exception as exc:  # any failure: logged, tried again
                log.warning("live feed: NATS not reachable (%s), trying again", exc)
                await asyncio.sleep(2)

    async def _on_message(self, msg: Msg) -> None:
        received = time.time()
        sequence = msg.metadata.sequence.stream
        if self._floor is None:
            self._floor = sequence - 1
        service = _service(msg.subject)
        if service not in DAY_SERVICES:
            return  # a message sent, an account made: nothing the live day shows changed
        try:
            envelope = decode_envelope(msg.data)
            payload: Any = msgspec.json.decode(envelope.data)
        except (msgspec.DecodeError, ValueError):
            return
        if not isinstance(payload, dict):
            return
        site = payload.get("site_id")
        if site is None:
            site = self.models.site_of(_text(payload.get("computer_id")), _text(payload.get("slot_id")))
        if isinstance(site, str):
            if self.trace.on:
                stored = msg.metadata.timestamp.timestamp()
                self.trace.step([sequence], "stored", stored, site=site, subject=msg.subject)
                self.trace.step([sequence], "received", received)
            self.publish(Change(sequence, site, _aspects(msg.subject)))
        elif service == "scheduling" and payload.get("job_dating_id") is not None:
            # A plan published, a company gone: the job dating's every site may have changed.
            self.models.changed(None, str(payload["job_dating_id"]))

    def publish(self, change: Change) -> None:
        # The models first: a page reading them after this sees the site as changed.
        every = change.site_id == EVERY_SITE
        self.models.changed(None if every else change.site_id, aspects=change.aspects)
        self._recent.append(change)
        if self._floor is None:
            self._floor = change.sequence - 1
        while len(self._recent) > self.memory:
            self._floor = self._recent.popleft().sequence
        for queue in self._listeners:
            queue.put_nowait(change)

    def since(self, last_seen: int) -> list[Change]:
        """The sites changed after `last_seen` (a reconnecting page's Last-Event-ID), each with its latest
        sequence; every site when those changes are no longer all remembered."""
        if self._floor is None or last_seen < self._floor:
            # Changes this process cannot tell (before it started, or forgotten): every site afresh.
            head = self._recent[-1].sequence if self._recent else last_seen
            return [Change(head, EVERY_SITE)] if last_seen > 0 else []
        latest = {c.site_id: c for c in self._recent if c.sequence > last_seen}
        # One per site, its latest: a page needs each changed site's state now, once.
        return sorted(latest.values(), key=lambda c: c.sequence)

    def listen(self) -> asyncio.Queue[Change]:
        queue: asyncio.Queue[Change] = asyncio.Queue()
        self._listeners.add(queue)
        return queue

    def forget(self, queue: asyncio.Queue[Change]) -> None:
        self._listeners.discard(queue)


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _service(subject: str) -> str:
    """The service of `jobdating.<org>.<service>.<stream_type>.<EventType>.<id>`."""
    parts = subject.split(".")
    return parts[2] if len(parts) > 2 else ""


# A day's arrivals change the attendance and the waiting list, never the plan (a slot given is its own event).
ARRIVALS = {"CandidateCheckedIn", "CandidateMarkedNoShow", "CandidateArrivedLate", "CandidateWaitlisted"}


def _aspects(subject: str) -> tuple[str, ...]:
    """What of a site an event may change, by its service and type (anything, when it cannot tell)."""
    parts, service = subject.split("."), _service(subject)
    if service == "sites":
        return (COMPUTERS,)
    if service == "scheduling":
        # Scheduling never changes a computer; an arrival never changes the plan.
        return (
            (ATTENDANCE, WAITING) if len(parts) > 4 and parts[4] in ARRIVALS else (PLAN, ATTENDANCE, WAITING)
        )
    return ASPECTS
