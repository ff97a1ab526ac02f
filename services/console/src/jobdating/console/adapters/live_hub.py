"""The live pages' event streams, grouped in rooms: one per permission scope and job dating.

Each room hears the stream's changes, reads the changed sites from the scope's read model once and renders
each site's section once, then hands the same text to every page of the room. A page that
falls behind keeps only each site's latest section: it needs the site as it is now, once; it gets what it
has pending in one write, a broken computer's sections first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from fastapi.concurrency import run_in_threadpool

from jobdating.console.adapters.live_feed import EVERY_SITE, Change, LiveFeed
from jobdating.console.adapters.live_trace import TimedServices
from jobdating.console.application.live_day import COMPUTERS, SiteDay
from jobdating.console.application.live_model import LiveDayModel, Scope
from jobdating.console.application.ports import Refused, Services, Unreachable
from jobdating.console.application.sessions import Session

Render = Callable[[SiteDay], str]
log = logging.getLogger(__name__)


def server_event(sequence: int, site: SiteDay, html: str) -> str:
    """A site's section as one server-sent event, its id the stream sequence (a reconnect resumes there)."""
    data = "".join(f"data: {line}\n" for line in html.splitlines())
    return f"id: {sequence}\nevent: site-{site.site_id}\n{data}\n"


@dataclass(frozen=True)
class Section:
    """A site's section as a server-sent event, and the stream sequence of the change it shows (its `id`
    may be lower: see `Room._event_id`)."""

    sequence: int
    event: str


class Listener:
    """One page's stream: the events still to send, the latest one per site; a broken computer's sections
    first (the coordinator acts on it at once, while a plan's publication queues a section of every site),
    then the others, each kind in the order they came."""

    def __init__(self, session: Session):
        self.session = session
        self._first: dict[str, Section] = {}
        self._others: dict[str, Section] = {}
        self._ready = asyncio.Event()

    def put(self, site_id: str, section: Section, first: bool = False) -> None:
        """A site's latest section, replacing the one still unsent (first if either is: it is rendered from
        the site as it stands, the broken computer included)."""
        first = first or site_id in self._first
        self._first.pop(site_id, None)
        self._others.pop(site_id, None)
        (self._first if first else self._others)[site_id] = section
        self._ready.set()

    @property
    def unsent(self) -> int:
        """How many sites' sections wait to be sent."""
        return len(self._first) + len(self._others)

    async def take(self, seconds: float) -> list[Section]:
        """Every event still to send, a broken computer's first; none after `seconds` without one. A page
        behind (a plan's publication queues a section of every site) gets them in one write, not one write
        each: 300 pages of 200 sites were 60,000 writes that held the console's event loop for seconds."""
        if not self._first and not self._others:
            self._ready.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), seconds)
        first, others = list(self._first.values()), list(self._others.values())
        self._first.clear()
        self._others.clear()
        if others:
            # Sent before older changes, a computer's section's id would tell a page reconnecting with it
            # that they were sent: without one, the page keeps the last id it had (SSE).
            first = [Section(section.sequence, section.event.partition("\n")[2]) for section in first]
        return first + others


def lane_of(change: Change) -> str:
    """A broken computer (the sites service) is read in its own lane, never behind the plan's reading."""
    return COMPUTERS if set(change.aspects) <= {COMPUTERS} else "day"


LANES = (COMPUTERS, "day")


@dataclass
class Room:
    """The pages of one scope watching one job dating, and the tasks rendering their changes: one lane for
    the computers (read from sites), one for the rest (read from scheduling, which may be busy computing a
    repair); each lane reads and renders its changes in order, the two side by side."""

    model: LiveDayModel
    services: Services
    now: Callable[[], datetime]
    render: Render
    feed: LiveFeed
    listeners: list[Listener] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    # The sequences taken from the feed and not yet handed to the pages (or given up): an event's id never
    # passes one of them, so a page reconnecting with it still gets that change.
    _unsent: set[int] = field(default_factory=set)

    async def run(self) -> None:
        queue = self.feed.listen()
        lanes: dict[str, asyncio.Queue[Change]] = {lane: asyncio.Queue() for lane in LANES}
        workers = [asyncio.create_task(self._lane(lane)) for lane in lanes.values()]
        try:
            while True:
                change = await queue.get()
                self._unsent.add(change.sequence)
                lanes[lane_of(change)].put_nowait(change)
        finally:
            self.feed.forget(queue)
            for worker in workers:
                worker.cancel()

    async def _lane(self, queue: asyncio.Queue[Change]) -> None:
        while True:
            changes = [await queue.get()]
            while not queue.empty():
                changes.append(queue.get_nowait())
            try:
                await self.send(changes)
            except Exception:  # a bug in one rendering must not end the pages' updates
                log.exception("live day: the changes could not be sent")
            finally:
                self._unsent.difference_update(c.sequence for c in changes)

    def _event_id(self, sequence: int) -> int:
        """The change's sequence, or below the first change still unsent in the other lane."""
        first_unsent = min(self._unsent, default=None)
        return sequence if first_unsent is None else min(sequence, first_unsent - 1)

    async def send(self, changes: list[Change]) -> None:
        trace = self.feed.trace
        trace.step([c.sequence for c in changes], "dequeued")
        latest: dict[str, int] = {}
        aspects: dict[str, None] = {}
        for change in changes:
            aspects.update(dict.fromkeys(change.aspects))
            every = change.site_id == EVERY_SITE
            for site_id in self.model.site_ids if every else [change.site_id]:
                latest.pop(site_id, None)
                latest[site_id] = change.sequence
        for listener in reversed(list(self.listeners)):  # the latest to arrive holds the freshest token
            token, now = listener.session.token, self.now()
            if token is None or not listener.session.signed_in(now):
                continue
            services = cast(Services, TimedServices(self.services)) if trace.on else self.services
            try:
                await run_in_threadpool(self.model.refresh, services, token, list(latest), tuple(aspects))
            except Refused as exc:
                if exc.status == 401:
                    continue
                return  # refused to this scope: the next change tells
            except Unreachable:
                return
            sequences = list(latest.values())
            if isinstance(services, TimedServices):
                calls = [f"{s} {p} {round(d * 1000)}" for s, p, d in services.calls]
                upstream = round(sum(d for _, _, d in services.calls) * 1000)
                trace.step(sequences, "read", upstream_ms=upstream, calls=calls)
            # The sites as they are now, whatever the other lane read meanwhile: the last section handed to
            # a page is always the freshest.
            days = self.model.known(list(latest), self.now())
            self._unsent.difference_update(c.sequence for c in changes)
            sections = {
                day.site_id: Section(
                    latest[day.site_id],
                    server_event(self._event_id(latest[day.site_id]), day, self.render(day)),
                )
                for day in days
            }
            trace.step(sequences, "rendered")
            computers = all(lane_of(c) == COMPUTERS for c in changes)
            for each in self.listeners:
                for site_id, section in sections.items():
                    each.put(site_id, section, first=computers)
            trace.queued(sequences, len(self.listeners))
            return


@dataclass
class LiveHub:
    feed: LiveFeed
    services: Services
    now: Callable[[], datetime]
    render: Render
    _rooms: dict[tuple[Scope, str], Room] = field(default_factory=dict)

    def join(self, scope: Scope, job_dating_id: str, session: Session) -> Listener:
        key = (scope, job_dating_id)
        room = self._rooms.get(key)
        if room is None:
            model = self.feed.models.model(scope, job_dating_id)
            room = self._rooms[key] = Room(model, self.services, self.now, self.render, self.feed)
            room.task = asyncio.create_task(room.run())
        listener = Listener(session)
        room.listeners.append(listener)
        return listener

    def leave(self, scope: Scope, job_dating_id: str, listener: Listener) -> None:
        key = (scope, job_dating_id)
        room = self._rooms.get(key)
        if room is None:
            return
        room.listeners.remove(listener)
        if not room.listeners:
            del self._rooms[key]
            if room.task is not None:
                room.task.cancel()
