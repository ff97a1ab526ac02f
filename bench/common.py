"""What the benchmarks share: a nats-server in a temp folder, timing, peak memory, result files."""

from __future__ import annotations

import argparse
import atexit
import json
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
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


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "cores": os.cpu_count(), "platform": platform.platform()}


def save(name: str, result: dict[str, Any]) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({**result, "machine": machine()}, indent=2, default=str) + "\n")
    return path


def int_options(**defaults: int) -> argparse.Namespace:
    """The benchmark's command line: a `--name N` option per keyword, with its default."""
    parser = argparse.ArgumentParser()
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()


def report(name: str, result: dict[str, Any]) -> Path:
    """Print the result, and save it with the machine's description as out/<name>.json."""
    print(msgspec.json.format(msgspec.json.encode(result)).decode())
    return save(name, result)
