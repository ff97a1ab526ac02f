"""CPU per registration on the write path alone: what the machine's load moves least (issue 19).

    .venv/bin/python -m bench.write_cpu --commands 3000 --writers 4 [--store sqlite|postgres|both]

Registers `commands` candidates from `writers` threads through the group committer, as `bench.end_to_end`
does, without the relay and the witness. Per registration: the client's CPU (`time.process_time()` of this
process) and, on PostgreSQL, the server's (utime + stime of this database's backends, read from
`/proc/PID/stat`, so the server must run on this machine); and the writes per second, which the load moves.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import chosen_stores, int_options, report, store_url
from bench.registering import registering
from jobdating.eventstore import EventStore, open_store
from jobdating.runtime.logging import configure_logging

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(store: EventStore) -> float:
    """Seconds of CPU (user + system) the server's backends of this store's database have used so far."""
    backends = store.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    pids = [int(row[0]) for row in backends]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a backend that ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the line)
    return total / TICKS


def measure(url: str, commands: int, writers: int) -> dict[str, Any]:
    store = open_store(url)
    try:
        # Warm-up: every connection opened (the committer's, each thread's) and the statements' caches filled.
        ready = registering(store, warm_up=20)
        prepared = ready.prepared(commands)
        postgres = store.dialect.name == "postgresql"
        server_before = backend_cpu(store) if postgres else 0.0
        client_before, wall_before = time.process_time(), time.perf_counter()
        groups = ready.from_threads(prepared, writers)
        client, wall = time.process_time() - client_before, time.perf_counter() - wall_before
        server = backend_cpu(store) - server_before if postgres else 0.0
    finally:
        store.close()
    return {
        "commands": commands,
        "writers": writers,
        "client_cpu_ms_per_command": round(1000 * client / commands, 3),
        "server_cpu_ms_per_command": round(1000 * server / commands, 3),
        "writes_per_s": round(commands / wall),
        "commands_per_group": round(commands / max(groups, 1), 2),
    }


def main(commands: int, writers: int, stores: tuple[str, ...]) -> dict[str, object]:
    configure_logging("bench", "-", logging.WARNING)  # as bench.end_to_end: no line per command
    results: dict[str, object] = {}
    for kind in stores:
        with tempfile.TemporaryDirectory() as tmp, store_url(kind, Path(tmp), "registration") as url:
            results[kind] = measure(url, commands, writers)
    return results


if __name__ == "__main__":
    args = int_options(commands=3000, writers=4, stores=True)
    report("write_cpu", main(args.commands, args.writers, chosen_stores(args.store)))
