"""End to end: registration commands -> committed (fsync) -> relayed to JetStream -> consumed into a
projection by another process (the tally, in its own SQLite file). Events/s, as a ratio to raw nats-py
JetStream async publishing of messages of the same size in the same run: timed for 5 s before the run and
for as long as the run after it, on the run's own nats-server (file storage, `sync_interval: always`, as in
production) and on a second one with nats-server's default (fsync every 2 minutes).

    .venv/bin/python -m bench.end_to_end --commands 5000 --writers 4 [--store sqlite|postgres|both]

Both stores by default, one after the other in the same run, each against its own raw publish baseline
(PostgreSQL: a fresh database on the local server; the tally witness keeps its SQLite file).
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import nats
import nats.js.errors
from nats.js.api import StorageType, StreamConfig

from bench.common import Timer, chosen_stores, int_options, report, scratch_dir, store_url
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore import open_store
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import tally
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import candidate, open_site, principal
from jobdating.runtime.logging import configure_logging

BASELINE_WINDOW = 1000  # publishes in flight before waiting for their acks
BASELINE_BEFORE_S = 5.0  # the baseline before the run (the run's own length is only known after it)


async def raw_publish(js: nats.js.JetStreamContext, seconds: float, size: int, stream: str = "RAW") -> float:
    """The baseline: publish_async messages of `size` bytes with a Nats-Msg-Id, a window at a time, each
    window's acks awaited, for `seconds` at least; returns messages/s. Timed over about as long as the
    pipeline ran (not a burst of a few thousand after it), so both see the same machine."""
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream, subjects=[f"{stream.lower()}.>"], storage=StorageType.FILE, duplicate_window=7200
            )
        )
    payload = b"x" * size
    sent = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        futures = [
            await js.publish_async(
                f"{stream.lower()}.bench.{sent + i}",
                payload,
                headers={"Nats-Msg-Id": f"{stream}-{start}-{sent + i}"},
            )
            for i in range(BASELINE_WINDOW)
        ]
        await asyncio.gather(*futures)
        sent += BASELINE_WINDOW
    return sent / elapsed


async def witness_ready(js: nats.js.JetStreamContext, witness: subprocess.Popen[bytes]) -> None:
    """Wait until the witness process has a pull request waiting on its consumer: its start-up (imports,
    connection) must not run inside the measured interval, which a fixed sleep did not ensure on a busy
    machine."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if witness.poll() is not None:
            raise RuntimeError(f"the witness exited with {witness.returncode}")
        info = await js.consumer_info(STREAM_NAME, tally.TALLY.durable)
        if (info.num_waiting or 0) > 0:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the witness did not start pulling within 120 s")


async def main(commands: int, writers: int, stores: tuple[str, ...] = ("sqlite",)) -> dict[str, object]:
    configure_logging("bench", "-", logging.WARNING)
    results: dict[str, object] = {}
    for kind in stores:
        work = scratch_dir("jd-bench-e2e-")
        with store_url(kind, work, "registration") as url:
            results[kind] = await measure(work, url, commands, writers)
    return results


async def measure(work: Path, url: str, commands: int, writers: int) -> dict[str, object]:
    """One run of the pipeline with the registration store at `url`, then its raw publish baseline."""
    with NatsServer(work / "nats") as server, NatsServer(work / "nats-default", sync_always=False) as loose:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        loose_nc = await nats.connect(loose.url)
        loose_js = loose_nc.jetstream()
        await provision(js, consumers=[tally.TALLY])

        store = open_store(url)
        loop = asyncio.get_running_loop()
        relay = Relay(store, js, batch=1000)

        def wake() -> None:
            loop.call_soon_threadsafe(relay.wakeup.set)

        service = build_service(
            org="departement-nord",
            store=store,
            on_commit=lambda _: wake(),
        )
        site = open_site(service, "site-seclin")
        prepared = [candidate(site) for _ in range(commands)]
        who = principal("mission-locale", "counsellor")

        tally_db = work / "tally.db"
        witness = subprocess.Popen(  # noqa: ASYNC220 - started once, before the clock
            [
                str(Path(sys.executable).parent / "jobdating"),
                "tally",
                "--nats-url",
                server.url,
                "--store",
                f"sqlite:///{tally_db}",
            ],
            stderr=subprocess.DEVNULL,
        )
        await witness_ready(js, witness)  # connected and waiting before the clock starts
        stop = asyncio.Event()
        relay_task = asyncio.create_task(relay.run(stop, idle=0.05))

        handlers = RegistrationHandlers(service)
        # One registration before the clock gives the events' size for the baseline timed before the run
        # (the witness counts it with the others).
        handlers.register_candidate(who, candidate(site))
        size = len(store.read_all(store.head() - 1, 1)[0].body)
        before = [
            await raw_publish(js, BASELINE_BEFORE_S, size),
            await raw_publish(loose_js, BASELINE_BEFORE_S, size),
        ]

        def write(share: list[object]) -> None:
            for cmd in share:
                handlers.register_candidate(who, cmd)  # type: ignore[arg-type]

        t = Timer()
        with t.measure():
            threads = [threading.Thread(target=write, args=(prepared[i::writers],)) for i in range(writers)]
            for th in threads:
                th.start()
            for th in threads:
                await asyncio.to_thread(th.join)
            committed_at = time.perf_counter()
            witness_store = SqliteEventStore(tally_db)
            expected = store.count()
            while True:
                if tally_db.exists():
                    try:
                        if sum(tally.counts(witness_store).values()) >= expected:
                            break
                    except Exception:  # the witness creates its tables on start
                        pass
                await asyncio.sleep(0.01)
        e2e = expected / t.seconds
        commit_rate = expected / (committed_at - (time.perf_counter() - t.seconds))
        stop.set()
        await relay_task
        witness.terminate()
        witness.wait()
        assert tally.duplicates(witness_store) == []

        sizes = [len(e.body) for e in store.read_all(0, 200)]
        size = sum(sizes) // len(sizes)
        after = [await raw_publish(js, t.seconds, size), await raw_publish(loose_js, t.seconds, size)]
        await nc.close()
        await loose_nc.close()
        store.close()
    # The baseline is the mean of the windows timed before and after the run, on each server.
    synced, default = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    return {
        "commands": commands,
        "writers": writers,
        "events": expected,
        "run_seconds": round(t.seconds, 2),
        "end_to_end_per_s": round(e2e),
        "commit_only_per_s": round(commit_rate),
        "raw_publish_sync_always_per_s": {"before": round(before[0]), "after": round(after[0])},
        "raw_publish_default_sync_per_s": {"before": round(before[1]), "after": round(after[1])},
        "ratio_to_sync_always": round(e2e / synced, 3),
        "ratio_to_default_sync": round(e2e / default, 3),
    }


if __name__ == "__main__":
    args = int_options(commands=5000, writers=4, stores=True)
    report("end_to_end", asyncio.run(main(args.commands, args.writers, chosen_stores(args.store))))
