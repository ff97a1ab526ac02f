"""`--loop-holds` of the latency bench: which callbacks held the service's event loop, and how long.

The service is started with `loop_holds_site/` first on its PYTHONPATH: its `sitecustomize` times each
callback of the loop and logs those over the threshold (`loop_holds_site/sitecustomize.py`). After the
run, `summary` gives how many there were, their total, median and longest, and the five kinds of
callback that held the loop longest in all.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

SITE = Path(__file__).with_name("loop_holds_site")
THRESHOLD_MS = 20


def environment(work: Path, service_env: dict[str, str]) -> dict[str, str]:
    """`service_env` with the loop's holds logged to `work/loop_holds.jsonl`."""
    path = os.pathsep.join(filter(None, [str(SITE), service_env.get("PYTHONPATH")]))
    return service_env | {
        "PYTHONPATH": path,
        "BENCH_LOOP_HOLDS": str(work / "loop_holds.jsonl"),
        "BENCH_LOOP_HOLDS_MS": str(THRESHOLD_MS),
    }


def summary(work: Path, since: float, until: float) -> dict[str, Any]:
    """The holds logged from `since` to `until` (time.time()s: the load's start, the queue drained; not the
    service's start or stop), by kind of callback."""
    log = work / "loop_holds.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    holds = [hold for hold in map(json.loads, lines) if since <= hold["at"] <= until]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for hold in holds:
        # A task's chain without its line numbers: the same code path, wherever it stopped next.
        by_kind[re.sub(r":\d*", "", hold["what"])].append(hold["ms"])
    held = [hold["ms"] for hold in holds]
    return {
        "over_ms": THRESHOLD_MS,
        "count": len(held),
        "total_ms": round(sum(held)),
        "median_ms": round(statistics.median(held), 1) if held else None,
        "max_ms": max(held, default=None),
        "longest_in_all": [
            {"what": what, "count": len(ms), "total_ms": round(sum(ms)), "max_ms": max(ms)}
            for what, ms in sorted(by_kind.items(), key=lambda item: -sum(item[1]))[:5]
        ],
    }
