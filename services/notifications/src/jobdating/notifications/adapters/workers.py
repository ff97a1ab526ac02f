"""The threads the providers' blocking clients run in (SMTP, the SMS and voice providers or their sinks).

As many as messages may be in flight (the dispatcher's concurrency): the event loop's default pool has
min(32, cores + 4) threads, 6 on two cores, so that on such a machine ten of sixteen messages being sent
waited for a thread while holding their place (a 150 s run at 100 slots/s: p99 17.8 s with the default
pool, 3.8 s with sixteen more threads, `bench/notifications/RESULTS.md`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def provider_threads(concurrency: int) -> ThreadPoolExecutor:
    """A pool for the providers' calls of one dispatcher."""
    return ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="provider")


async def in_thread(workers: Executor | None, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`call(*args, **kwargs)` in one of `workers`' threads (None: the event loop's default pool)."""
    if workers is None:
        return await asyncio.to_thread(call, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(workers, functools.partial(call, *args, **kwargs))
