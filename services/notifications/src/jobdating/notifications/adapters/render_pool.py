"""Messages rendered in worker processes, off the service's event loop.

Rendering (Jinja, and an SMS's fitting into two GSM-7 parts, which may render it several times) is most
of a message's CPU, and it is pure: a kind, a channel and the facts in, a text out. On the event loop it
takes the one core that the consumers, the contact questions and the commits share, so at a hundred slots
a second the loop was busy ~90 % of the time and every pause became latency. Here it runs in `processes`
child processes (`render_worker`, another core), each with the same templates: the packaged ones and the
operator's folder, already checked at start by the service.

The requests go down a pipe as pickled frames and the answers come back on the event loop: no thread, so
a render costs the loop a pickle and two writes. (`concurrent.futures`' process pool was tried first: its
feeder and manager threads took back half of what it moved off the loop.)

A worker that dies (killed, out of memory) or cannot start: the messages it held are rendered in the
service's own process, and so are the next ones for a few seconds, then a new worker starts. Nothing is
lost either way: rendering changes no state.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import pickle
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jobdating.notifications.adapters.render_worker import HEADER, frame
from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.application.ports import RenderedText

WORKER = "jobdating.notifications.adapters.render_worker"
# After a worker died, how long messages are rendered in process before a new one is started.
RESTART_AFTER = 5.0


class _WorkerGone(Exception):
    """The worker ended before answering."""


@dataclass(eq=False)
class _Worker:
    process: asyncio.subprocess.Process
    ready: asyncio.Future[None]
    pending: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    reading: asyncio.Task[None] | None = None
    alive: bool = True

    async def read(self) -> None:
        """Hand each answer to its request, until the worker's output ends."""
        out = self.process.stdout
        assert out is not None
        try:
            while True:
                (size,) = HEADER.unpack(await out.readexactly(HEADER.size))
                answer = pickle.loads(await out.readexactly(size))  # noqa: S301 - our own child's frames
                if answer == "ready":
                    self.ready.set_result(None)
                    continue
                number, result = answer
                waiting = self.pending.pop(number, None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(result)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.alive = False
            for waiting in self.pending.values():
                if not waiting.done():
                    waiting.set_exception(_WorkerGone())
            self.pending.clear()
            if not self.ready.done():
                self.ready.set_exception(_WorkerGone())


class RenderPool:
    """Renders like `local` (a `JinjaRenderer`), in `processes` worker processes."""

    def __init__(self, local: JinjaRenderer, processes: int) -> None:
        if processes < 1:
            raise ValueError("a render pool needs at least one process")
        self.local = local
        self.processes = processes
        overrides = str(local.overrides) if local.overrides is not None else None
        self._setup = frame((overrides, local.signature))
        self._workers: list[_Worker] = []
        self._numbers = itertools.count()
        self._not_before = 0.0  # loop time before which no worker is started (one just died)
        self._starting: asyncio.Lock | None = None

    async def warm(self) -> None:
        """Start the workers now (importing Jinja and the templates takes a moment), not at the first
        message of a wave."""
        while len(self._live()) < self.processes:
            worker = await self._start()
            if worker is None:
                return
            with contextlib.suppress(_WorkerGone):
                await worker.ready

    async def render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText:
        worker = await self._least_busy()
        if worker is None:
            return self.local.render(kind, channel, context)
        number = next(self._numbers)
        try:
            request = frame((number, kind, channel, context))
        except (pickle.PicklingError, TypeError, AttributeError):
            return self.local.render(kind, channel, context)  # facts a pickle cannot carry
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        worker.pending[number] = answer
        stdin = worker.process.stdin
        assert stdin is not None
        try:
            stdin.write(request)
            await stdin.drain()
            result = await answer
        except (_WorkerGone, ConnectionError):
            worker.pending.pop(number, None)
            worker.alive = False
            self._lost()
            return self.local.render(kind, channel, context)
        if isinstance(result, BaseException):
            raise result
        assert isinstance(result, RenderedText)
        return result

    async def close(self) -> None:
        """Stop the workers (the service is stopping): their input ends, they exit."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.process.stdin is not None:
                worker.process.stdin.close()
        for worker in workers:
            try:
                await asyncio.wait_for(worker.process.wait(), timeout=5)
            except TimeoutError:
                worker.process.kill()
                await worker.process.wait()
            if worker.reading is not None:
                await worker.reading

    def _live(self) -> list[_Worker]:
        if not all(w.alive for w in self._workers):
            self._lost()
            self._workers = [w for w in self._workers if w.alive]
        return self._workers

    async def _least_busy(self) -> _Worker | None:
        live = self._live()
        if len(live) < self.processes:
            started = await self._start()
            if started is not None:
                live = self._live()
        if not live:
            return None
        return min(live, key=lambda w: len(w.pending))

    async def _start(self) -> _Worker | None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._not_before:
            return None
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if len(self._live()) >= self.processes:
                return None
            try:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    WORKER,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
            except OSError:
                self._not_before = loop.time() + RESTART_AFTER
                return None
            worker = _Worker(process, loop.create_future())
            assert process.stdin is not None
            process.stdin.write(self._setup)
            worker.reading = asyncio.create_task(worker.read())
            # Nobody may wait for `ready` (a worker started mid-flow answers in turn): retrieved here so
            # that a worker which could not start is not reported as an unretrieved exception.
            worker.ready.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._workers.append(worker)
            return worker

    def _lost(self) -> None:
        """A worker ended: the next messages are rendered here for a while, then a new worker starts (a
        worker that cannot start is not started again at every message)."""
        self._not_before = asyncio.get_running_loop().time() + RESTART_AFTER
