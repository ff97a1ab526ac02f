"""End to end: registration commands -> committed (SQLite, fsync) -> relayed to JetStream -> consumed into a
projection by another process (the tally, in its own SQLite file). Events/s, as a ratio to raw nats-py
JetStream async publishing of as many messages of the same size, measured in the same run on the same
nats-server (file storage, sync_interval: always).

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


async def raw_publish(js: nats.js.JetStreamContext, n: int, size: int) -> float:
    """The baseline: publish_async n messages with a Nats-Msg-Id and wait for every ack."""
    await js.add_stream(
        StreamConfig(name="RAW", subjects=["raw.>"], storage=StorageType.FILE, duplicate_window=7200)
    )
    payload = b"x" * size
    start = time.perf_counter()
    futures = [
        await js.publish_async(f"raw.bench.{i}", payload, headers={"Nats-Msg-Id": f"raw-{i}"})
        for i in range(n)
    ]
    await asyncio.gather(*futures)
    return n / (time.perf_counter() - start)


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
    with NatsServer(work / "nats") as server:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
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
        baseline = await raw_publish(js, expected, sum(sizes) // len(sizes))
        await nc.close()
        store.close()
    return {
        "commands": commands,
        "writers": writers,
        "events": expected,
        "end_to_end_per_s": round(e2e),
        "commit_only_per_s": round(commit_rate),
        "raw_nats_publish_per_s": round(baseline),
        "ratio": round(e2e / baseline, 3),
    }


if __name__ == "__main__":
    args = int_options(commands=5000, writers=4, stores=True)
    report("end_to_end", asyncio.run(main(args.commands, args.writers, chosen_stores(args.store))))
