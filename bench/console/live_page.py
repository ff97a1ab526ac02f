"""The coordinator's live page (« La journée en direct », `/coordination/direct`) on a regional fair, p50
and p95 of sequential loads, against a bare FastAPI page served the same way (uvicorn, own process) in the
same run: loads alternate between the two so both see the same machine load.

Everything is real (see `bench.console.fair`): the page reads the console's model of the day, which asks
scheduling and sites for the sites' computers, plan, attendance and waiting lists with the coordinator's
token when it is built, and again only for what the stream's events changed since. The statistics page
(« Les chiffres ») is timed too: its first load folds the whole stream, the next ones the new events only.

    .venv/bin/python -m bench.console.live_page                      # reduced fair (about 2 minutes)
    .venv/bin/python -m bench.console.live_page --candidates 5000 --sites 200 --companies 500 --loads 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx

from bench.common import report
from bench.console.bare import BarePage
from bench.console.fair import Fair, described, options, regional_fair, size_of
from bench.planning.quality import load


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds (nearest rank: with few samples, p99 is the slowest)."""
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000, 1)

    return {
        "n": len(ordered),
        "p50_ms": rank(0.50),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def measure(fair: Fair, loads: int) -> dict[str, Any]:
    bare = BarePage()
    live: list[float] = []
    baseline: list[float] = []
    size = 0
    try:
        with httpx.Client(timeout=30) as plain:
            for _ in range(3):  # warm both: the first loads fill caches and open connections
                fair.console.get("/coordination/direct").raise_for_status()
                plain.get(bare.url).raise_for_status()
            for _ in range(loads):
                start = time.perf_counter()
                page = fair.console.get("/coordination/direct")
                live.append(time.perf_counter() - start)
                assert page.status_code == 200, page.text[:300]
                size = len(page.content)
                start = time.perf_counter()
                plain.get(bare.url).raise_for_status()
                baseline.append(time.perf_counter() - start)
    finally:
        bare.stop()
    sections = page.text.count('sse-swap="site-')
    live_p, bare_p = percentiles(live), percentiles(baseline)
    first_statistics, statistics_loads = statistics_page(fair, loads)
    return {
        "live_page": live_p,
        "bare_page": bare_p,
        "p95_ratio_live_over_bare": round(live_p["p95_ms"] / bare_p["p95_ms"], 1),
        "page_bytes": size,
        "site_sections_on_page": sections,
        # The statistics page folds the stream once, then only the events recorded since its last load.
        "statistics_page_first_ms": round(first_statistics * 1000, 1),
        "statistics_page_next": percentiles(statistics_loads),
    }


def statistics_page(fair: Fair, loads: int) -> tuple[float, list[float]]:
    """« Les chiffres »: the first load's seconds, then each next load's."""
    seconds: list[float] = []
    for _ in range(1 + loads):
        start = time.perf_counter()
        fair.console.get("/coordination/chiffres").raise_for_status()
        seconds.append(time.perf_counter() - start)
    return seconds[0], seconds[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    options(parser, candidates=1000, sites=40, companies=100)
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()
    before = load()
    with regional_fair(size_of(args)) as fair:
        result = measure(fair, args.loads)
        result |= {"benchmark": "console.live_page", **described(fair, before)}
    report("console_live_page", result)


if __name__ == "__main__":
    main()
