"""What the benchmarks share: a nats-server in a temp folder, timing, peak memory, result files."""

from __future__ import annotations

import argparse
import atexit
import json
import platform
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

OUT = Path(__file__).parent / "out"


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def measure(self) -> Iterator[Timer]:
        start = time.perf_counter()
        try:
            yield self
        finally:
            self.seconds = time.perf_counter() - start


def scratch_dir(prefix: str) -> Path:
    """A temp folder removed when the benchmark's process exits: a run leaves up to 2 GB of stores."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    return work


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timings_ms(seconds: Sequence[float]) -> dict[str, float]:
    """The median and the worst of timed runs, in milliseconds."""
    return {"median_ms": round(1000 * statistics.median(seconds), 2), "max_ms": round(1000 * max(seconds), 2)}


def overall(reports: Sequence[Mapping[str, Any]], summed: Iterable[str]) -> dict[str, Any]:
    """Many timed reports (`timings_ms` and counts) as one: the median of their medians, the worst of
    their worsts, and the totals of the counts named in `summed`."""
    return {
        "median_ms": round(statistics.median(r["median_ms"] for r in reports), 2),
        "max_ms": round(max(r["max_ms"] for r in reports), 2),
        **{key: sum(r[key] for r in reports) for key in summed},
    }


def reference_ms() -> float:
    """How fast this host runs Python now: the best of 5 times `sum(range(10**6))`, in ms. The hosts these
    benches run on differ by up to 3x (10 ms on one, 30 ms on another) and a CPU-bound figure moves with
    them: this says which host a result came from, so that results of different sessions compare."""
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - began)
    return round(best * 1000, 2)


def machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "reference_ms": reference_ms(),
    }


def save(name: str, result: dict[str, Any]) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({**result, "machine": machine()}, indent=2, default=str) + "\n")
    return path


def int_options(*, stores: bool = False, **defaults: int) -> argparse.Namespace:
    """The benchmark's command line: a `--name N` option per keyword, with its default; with `stores`, a
    `--store` option naming the backends to measure in the same run (both by default)."""
    parser = argparse.ArgumentParser()
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    if stores:
        parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    return parser.parse_args()


def chosen_stores(choice: str) -> tuple[str, ...]:
    """The backends a `--store` choice names, SQLite first (the reference the other is compared with)."""
    return ("sqlite", "postgres") if choice == "both" else (choice,)


@contextmanager
def store_url(kind: str, work: Path, name: str) -> Iterator[str]:
    """A fresh store of `kind`: a SQLite file in `work`, or a new database on the local PostgreSQL
    (`JOBDATING_TEST_PG`), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{work / (name + '.db')}"
        return
    from jobdating.testing.postgres import fresh_database, server_dsn

    with server_dsn() as server, fresh_database(server) as dsn:
        yield dsn


def report(name: str, result: dict[str, Any]) -> Path:
    """Print the result, and save it with the machine's description as out/<name>.json."""
    print(msgspec.json.format(msgspec.json.encode(result)).decode())
    return save(name, result)
