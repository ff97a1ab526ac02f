"""Where an SSE event's time goes inside the console: the console's live trace (`live_trace.LiveTrace`, a JSON
line per step, on when `JOBDATING_CONSOLE_LIVE_TRACE_FILE` is set before the stack starts) matched to the
bench's events, each step in ms after the sites service's answer (the commit)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from bench.common import OUT, scratch_dir

TRACE_VARIABLE = "JOBDATING_CONSOLE_LIVE_TRACE_FILE"
STEPS = ("stored", "received", "dequeued", "read", "rendered", "queued", "first_written", "last_written")


def trace_file() -> Path:
    """The console's trace file, set in the environment the stack's processes inherit."""
    path = scratch_dir("bench-console-trace-") / "live_trace.jsonl"
    os.environ[TRACE_VARIABLE] = str(path)
    return path


def kept(path: Path) -> Path:
    """A copy of the whole trace beside the results (what the room read between the bench's events)."""
    copy = OUT / "console_live_trace.jsonl"
    OUT.mkdir(exist_ok=True)
    if path.exists():
        shutil.copyfile(path, copy)
    return copy


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def steps_of(path: Path, sent: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """For each (`site-<site id>` as the events name it, commit wall time) the bench sent: its stream
    sequence and each step's ms after the commit (the stream's own timestamp may come before the HTTP
    answer), and the upstream calls read."""
    records = _records(path)
    by_sequence: dict[int, dict[str, Any]] = {}
    for record in records:
        by_sequence.setdefault(record["seq"], {}).setdefault(record["step"], record)
    out: list[dict[str, Any]] = []
    for site, committed in sent:
        sequence = next(
            (
                seq
                for seq, steps in sorted(by_sequence.items())
                if "stored" in steps
                and f"site-{steps['stored'].get('site')}" == site
                and ".sites." in steps["stored"].get("subject", "")
                and steps["stored"]["t"] >= committed - 5.0
            ),
            None,
        )
        if sequence is None:
            out.append({"site": site, "sequence": None})
            continue
        steps = by_sequence[sequence]
        row: dict[str, Any] = {"site": site, "sequence": sequence}
        for step in STEPS:
            if step in steps:
                row[f"{step}_ms"] = round((steps[step]["t"] - committed) * 1000)
        if "read" in steps:
            row["upstream_ms"] = steps["read"].get("upstream_ms")
            row["upstream_calls"] = steps["read"].get("calls")
        out.append(row)
    return out
