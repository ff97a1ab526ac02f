"""Statements and round trips to PostgreSQL per registration command: a figure the machine's load does not
move, unlike the end-to-end rate (issue 19).

    .venv/bin/python -m bench.round_trips --commands 200 --writers 1

Counts, on a fresh database of the local server, what the registration service sends while it registers
`commands` candidates from `writers` threads (through the group committer, as the end-to-end bench does):
`statements` (every `execute` and `executemany`) and `round_trips`, the times the client waits for the
server: each statement outside pipeline mode, the BEGIN psycopg sends before a transaction's first
statement, and each commit; in pipeline mode only a sync, or a fetch that has to wait for its result.
"""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from bench.common import int_options, report, store_url
from bench.registering import registering
from jobdating.eventstore import open_store


@contextmanager
def counting(tally: Counter[str]) -> Iterator[None]:
    """Count psycopg's statements and waits for the server into `tally` while the block runs."""
    cursor, pipeline, connection = psycopg.Cursor, psycopg.Pipeline, psycopg.Connection
    saved: list[tuple[type[Any], str, Any]] = [
        (cursor, "execute", cursor.execute),
        (cursor, "executemany", cursor.executemany),
        (cursor, "_fetch_pipeline", cursor._fetch_pipeline),
        (pipeline, "sync", pipeline.sync),
        (connection, "commit", connection.commit),
    ]
    lock = threading.Lock()

    def count(name: str) -> None:
        with lock:
            tally[name] += 1

    def statement(original: Any) -> Any:
        def run(self: psycopg.Cursor[Any], *args: Any, **kwargs: Any) -> Any:
            count("statements")
            conn = self.connection
            if not conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                count("round_trips")  # psycopg sends BEGIN first, and waits for it
            if conn._pipeline is None:  # outside pipeline mode each statement waits
                count("round_trips")
            return original(self, *args, **kwargs)

        return run

    def fetch(original: Any) -> Any:
        def run(self: psycopg.Cursor[Any]) -> None:
            # The condition under which psycopg waits for the server before a fetch (see _fetch_pipeline).
            if self._execmany_returning is not False and not self.pgresult and self._conn._pipeline:
                count("round_trips")
            original(self)

        return run

    def waits(original: Any) -> Any:
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            count("round_trips")
            return original(self, *args, **kwargs)

        return run

    wrapped = [statement, statement, fetch, waits, waits]
    for (owner, name, original), wrap in zip(saved, wrapped, strict=True):
        setattr(owner, name, wrap(original))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def main(commands: int, writers: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp, store_url("postgres", Path(tmp), "registration") as url:
        store = open_store(url)
        try:
            ready = registering(store, warm_up=1)  # connections, prepared caches
            prepared = ready.prepared(commands)
            tally: Counter[str] = Counter()
            with counting(tally):
                groups = ready.from_threads(prepared, writers)
        finally:
            store.close()
    return {
        "commands": commands,
        "writers": writers,
        "groups": groups,
        "statements_per_command": round(tally["statements"] / commands, 2),
        "round_trips_per_command": round(tally["round_trips"] / commands, 2),
    }


if __name__ == "__main__":
    args = int_options(commands=200, writers=1)
    report("round_trips", main(args.commands, args.writers))
