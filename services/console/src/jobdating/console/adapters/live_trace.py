"""Timestamps of each step a stream event takes on its way to the live pages, for the benchmarks: stored in
the stream, received by the console's consumer, taken by a room, read from the model (and the upstream
calls that reading made), rendered, queued to the pages' streams, written to the first and the last of them.

Off unless `JOBDATING_CONSOLE_LIVE_TRACE_FILE` names a file: then one JSON line per step, wall-clock seconds
(`time.time()`, comparable across the bench's processes). Sequence numbers and site ids only: no personal
data.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

TRACE_FILE_VARIABLE = "JOBDATING_CONSOLE_LIVE_TRACE_FILE"


@dataclass
class LiveTrace:
    path: str = ""
    _out: IO[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Per sequence: how many streams it was queued to, how many wrote it, the first write's time.
    _expected: dict[int, int] = field(default_factory=dict)
    _written: dict[int, tuple[int, float]] = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> LiveTrace:
        return cls(os.environ.get(TRACE_FILE_VARIABLE, ""))

    @property
    def on(self) -> bool:
        return bool(self.path)

    def step(self, sequences: Iterable[int], step: str, at: float | None = None, **facts: Any) -> None:
        if not self.path:
            return
        stamp = time.time() if at is None else at
        for sequence in sequences:
            self._line({"seq": sequence, "step": step, "t": stamp, **facts})

    def queued(self, sequences: Iterable[int], streams: int) -> None:
        if not self.path:
            return
        for sequence in sequences:
            self._expected[sequence] = streams
        self.step(sequences, "queued", streams=streams)

    def written(self, sequence: int) -> None:
        """A stream wrote the section of the change with this sequence (its event's id may be lower)."""
        if not self.path:
            return
        now = time.time()
        count, first = self._written.get(sequence, (0, now))
        self._written[sequence] = (count + 1, first)
        if count == 0:
            self._line({"seq": sequence, "step": "first_written", "t": now})
        if count + 1 == self._expected.get(sequence):
            self._line({"seq": sequence, "step": "last_written", "t": now, "streams": count + 1})

    def _line(self, record: dict[str, Any]) -> None:
        with self._lock:
            if self._out is None:
                self._out = open(self.path, "a", buffering=1)  # noqa: SIM115 - one file for the process
            self._out.write(json.dumps(record) + "\n")


class TimedServices:
    """The services, each GET's duration added up: what one reading of the model spent upstream."""

    def __init__(self, inner: Any):
        self._inner = inner
        self.calls: list[tuple[str, str, float]] = []

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        started = time.perf_counter()
        try:
            return self._inner.get(service, path, token, params)
        finally:
            self.calls.append((service, path, time.perf_counter() - started))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
