"""How long an event loop is held while its tasks write through the group committer (SQLite, fsync).

Eight tasks each write 100 one-event streams with `write_async`, 10 ms apart, as the notifications
service's sends do, while a ticker asks for a 1 ms sleep and records how late it wakes: the loop's lag.
A commit run on the loop holds it for the fsync; run in the committer's thread, it does not.

    .venv/bin/python -m bench.notifications.loop_lag

To compare with another version of the group committer, run the same file with that version's
`shared/src` first on PYTHONPATH (e.g. a `git archive` of main).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bench.common import save, scratch_dir
from jobdating.eventstore import group_commit
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.ids import new_id
from jobdating.testing.events import new_event

TASKS = 8
WRITES = 100
TICK = 0.001


def appending(stream_id: str) -> Callable[[Transaction], list[StoredEvent]]:
    return lambda tx: tx.append([new_event(stream_id, 1)])


async def measure() -> dict[str, object]:
    store = SqliteEventStore(scratch_dir("jd-bench-loop-lag-") / "events.db")
    store.migrate()
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        loop = asyncio.get_running_loop()
        while not done.is_set():
            asked = loop.time()
            await asyncio.sleep(TICK)
            lags.append(loop.time() - asked - TICK)

    async def writer() -> None:
        for _ in range(WRITES):
            await store.write_async(appending(new_id()))
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    start = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(TASKS)))
    wall = time.perf_counter() - start
    done.set()
    await ticking
    commits = store.group_commit.commits
    store.close()
    lags.sort()

    def ms(q: float) -> float:
        return round(lags[int(q * (len(lags) - 1))] * 1000, 2)

    return {
        "group_commit": group_commit.__file__,
        "writes": TASKS * WRITES,
        "commits": commits,
        "wall_s": round(wall, 2),
        "loop_lag_ms": {"p50": ms(0.5), "p99": ms(0.99), "max": round(lags[-1] * 1000, 1)},
        # How much of the run the loop spent late: the time other tasks waited for it.
        "loop_held_share": round(sum(lags) / wall, 2),
    }


def main() -> None:
    result = asyncio.run(measure())
    print(result)
    print(f"written to {save('notifications_loop_lag', result)}")


if __name__ == "__main__":
    main()
