"""Loaded at start-up by the notifications service that `bench.notifications.latency --loop-holds` starts
(this folder first on its PYTHONPATH; nothing else puts it there). With `BENCH_LOOP_HOLDS` set, every
callback that holds the service's event loop for longer than `BENCH_LOOP_HOLDS_MS` (20 by default) is
written to that file as a JSON line: when it ended, how long it held the loop, and what ran (a task's
chain of awaits, where it stopped next; or the callback's name). One p99 cannot tell two versions apart
on a shared machine; which callbacks hold the loop, and how long, can (bench/notifications/RESULTS.md)."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import time
from typing import Any

_TARGET = os.environ.get("BENCH_LOOP_HOLDS")


def _chain(coro: Any) -> str:
    """`outer:line>inner:line>…` down the awaits of a task's coroutine (at most 12 deep)."""
    names: list[str] = []
    while coro is not None and len(names) < 12:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        name = code.co_qualname if code is not None else type(coro).__name__
        names.append(f"{name}:{frame.f_lineno if frame is not None else ''}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return ">".join(names)


def _install(target: str, threshold: float) -> None:
    original = asyncio.events.Handle._run
    held: list[str] = []

    def flush() -> None:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(held)
        held.clear()

    def timed_run(self: asyncio.events.Handle) -> None:
        began = time.perf_counter()
        original(self)
        took = time.perf_counter() - began
        if took < threshold:
            return
        callback = self._callback  # type: ignore[attr-defined]
        owner = getattr(callback, "__self__", None)
        what = (
            "task " + _chain(owner.get_coro())
            if isinstance(owner, asyncio.Task)
            else getattr(callback, "__qualname__", repr(callback))
        )
        held.append(json.dumps({"at": time.time(), "ms": round(took * 1000, 1), "what": what}) + "\n")
        if len(held) >= 20:  # written in batches: the log must not become the loop's hold
            flush()

    setattr(asyncio.events.Handle, "_run", timed_run)  # noqa: B010 - mypy refuses assigning a method
    atexit.register(flush)


if _TARGET:
    _install(_TARGET, float(os.environ.get("BENCH_LOOP_HOLDS_MS", "20")) / 1000)
