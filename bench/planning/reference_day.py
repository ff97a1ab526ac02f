"""(a) The reference day: 50 candidates, 15 companies, 18 computers on 4 sites, 3-5 wishes each, 20-minute
interviews, one morning. Time to a proven optimum (goal < 0.5 s), HiGHS against CP-SAT, each in its own
process: the first solve in a fresh process ("cold", imports excluded) and the median of the next ones
("warm"); the time-indexed program alone ("direct") for comparison.

    .venv/bin/python -m bench.planning.reference_day
    .venv/bin/python -m bench.planning.reference_day --choices   # with companies' rankings and must-meets
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from typing import Any

from bench.common import peak_rss_mb, save
from bench.planning.quality import in_child, load, quality, verdict
from jobdating.scheduling.planning.generate import reference_day
from jobdating.scheduling.planning.generate_choices import with_choices
from jobdating.scheduling.planning.outcome import Engine
from jobdating.scheduling.planning.solve import Method, greedy, solve

REPEATS = 7


def measure(engine: str, method: Method, time_limit: float, choices: bool = False) -> dict[str, Any]:
    """Solve the reference day `REPEATS` times in this process with one engine and one method (`choices`:
    with the companies' seeded rankings and must-meets, `generate_choices.with_choices`)."""
    # The service imports its engine at start-up: keep the import out of the first solve's time.
    importlib.import_module(f"jobdating.scheduling.planning.{engine}")
    instance = with_choices(reference_day()) if choices else reference_day()
    start = time.perf_counter()
    first_plan = greedy(instance)
    greedy_seconds = time.perf_counter() - start
    seconds: list[float] = []
    solution = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        solution = solve(instance, engine=_engine(engine), time_limit=time_limit, method=method)
        seconds.append(time.perf_counter() - start)
    assert solution is not None
    return {
        "engine": engine,
        "method": method,
        "greedy_seconds": round(greedy_seconds, 4),
        "greedy_objective": first_plan.objective,
        "greedy_quality": quality(instance, first_plan.plan),
        "cold_seconds": round(seconds[0], 3),
        "warm_median_seconds": round(statistics.median(seconds[1:]), 3),
        "warm_max_seconds": round(max(seconds[1:]), 3),
        "verdict": verdict(solution),
        "quality": quality(instance, solution.plan),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _engine(name: str) -> Engine:
    return "highs" if name == "highs" else "cpsat"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=("highs", "cpsat"))
    parser.add_argument("--method", choices=("relax", "direct"), default="relax")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--choices", action="store_true", help="companies rank candidates and must meet some")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(measure(args.engine, args.method, args.time_limit, args.choices)))
        return
    flags = ["--choices"] if args.choices else []
    before = load()
    runs = [
        in_child("bench.planning.reference_day", "--engine", engine, "--method", method, *flags)
        for engine in ("highs", "cpsat")
        for method in ("relax", "direct")
    ]
    name = "planning_reference_day_choices" if args.choices else "planning_reference_day"
    result = {"benchmark": name, "goal_seconds": 0.5, "load_before": before, "runs": runs}
    result["load_after"] = load()
    path = save(name, result)
    for run in runs:
        v = run["verdict"]
        print(
            f"{run['engine']:5} {run['method']:6} cold {run['cold_seconds']:.3f} s"
            f"  warm {run['warm_median_seconds']:.3f} s"
            f"  {v['status']}  objective {v['objective']} bound {v['bound']}"
            f"  interviews {run['quality']['interviews']}/{run['quality']['max_flow_bound']}"
            f"  fewest {run['quality']['fewest_interviews']}"
        )
    print(f"load {result['load_before']} -> {result['load_after']}; written to {path}")


if __name__ == "__main__":
    main()
