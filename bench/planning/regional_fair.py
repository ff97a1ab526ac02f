"""(b) A generated regional fair: 5,000 candidates, 500 companies, 200 sites (20 areas), about 730
computers, two days. Time to a first plan and its gap; time to a proven optimum; peak memory. Goals: within
0.5% of the bound in < 5 s, proven optimal in < 15 s, < 1 GB. HiGHS against CP-SAT, each in its own process.
With --computer-bound, (c): the same fair with about 300 computers (the bottleneck), every candidate there
two half-days, one recruiter per company; goal: >= 98.5% of the max-flow bound in < 30 s.

    .venv/bin/python -m bench.planning.regional_fair
    .venv/bin/python -m bench.planning.regional_fair --computer-bound
    .venv/bin/python -m bench.planning.regional_fair --engine highs --method direct --time-limit 60
    .venv/bin/python -m bench.planning.regional_fair --choices   # with companies' rankings and must-meets

With --open loose|computer_bound (issue 19): a fair that does not split (`generate_open.open_fair`):
every company meets candidates of every site, Zipf popularity, three days; --candidates sets its size
(5,000: 1,000 companies, 50 sites, 1,029 computers). Each ladder rung reports its wall time against its
limit: the limit is a wall-clock promise (+10 %).

    .venv/bin/python -m bench.planning.regional_fair --open computer_bound --engine highs --time-limit 60
    .venv/bin/python -m bench.planning.regional_fair --open loose --candidates 50000 --engine highs \
        --time-limit 120
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import Any

from bench.common import peak_rss_mb, save
from bench.planning.quality import in_child, load, quality, verdict
from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.components import components
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.generate import computer_bound_fair, regional_fair
from jobdating.scheduling.planning.generate_choices import with_choices
from jobdating.scheduling.planning.generate_open import Shape, open_fair
from jobdating.scheduling.planning.model import Instance
from jobdating.scheduling.planning.objective import weights
from jobdating.scheduling.planning.outcome import Engine
from jobdating.scheduling.planning.relax import relax, segments
from jobdating.scheduling.planning.solve import Method, greedy, solve


def measure(
    engine: Engine,
    computer_bound: bool,
    time_limit: float,
    ladder: list[float],
    method: Method = "relax",
    choices: bool = False,
    shape: Shape | None = None,
    candidates: int | None = None,
) -> dict[str, Any]:
    """Greedy, then `solve` at each time limit of `ladder` and at `time_limit`, in this process (`choices`:
    with the companies' seeded rankings and must-meets; `shape`: the open fair of `candidates`)."""
    importlib.import_module(f"jobdating.scheduling.planning.{engine}")
    start = time.perf_counter()
    instance = _instance(computer_bound, shape, candidates)
    if choices:
        instance = with_choices(instance)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    bound = upper_bound(instance)
    bound_seconds = time.perf_counter() - start
    start = time.perf_counter()
    first = greedy(instance)
    greedy_seconds = time.perf_counter() - start
    steps = []
    final = None
    for limit in [*ladder, time_limit]:
        start = time.perf_counter()
        final = solve(instance, engine=engine, time_limit=limit, method=method)
        steps.append(
            {
                "time_limit": limit,
                "wall_seconds": round(time.perf_counter() - start, 3),
                "wall_over_limit": round((time.perf_counter() - start) / limit, 3),
                "status": final.status,
                "gap": final.gap,
                "interviews": final.interviews,
                "interviews_over_bound": round(final.interviews / bound.interviews, 4),
                "objective_over_bound": round(final.objective / final.bound, 6) if final.bound else None,
            }
        )
    assert final is not None
    assert final.bound is not None
    return {
        "engine": engine,
        "method": method,
        "choices": len(instance.choices),
        "size": {
            "candidates": len(instance.candidates),
            "companies": len(instance.companies),
            "sites": len(instance.sites),
            "computers": len(instance.computers),
            "days": len(instance.days),
        },
        "generate_seconds": round(generated, 3),
        "max_flow_bound": {
            "interviews": bound.interviews,
            "tiers": bound.tiers,
            "seconds": round(bound_seconds, 3),
        },
        "greedy": {
            "seconds": round(greedy_seconds, 3),
            "objective": first.objective,
            "gap_to_final_bound": round((final.bound - first.objective) / final.bound, 5),
            "quality": quality(instance, first.plan),
        },
        "ladder": steps,
        "final": {"verdict": verdict(final), "quality": quality(instance, final.plan)},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _most_interviews(instance: Instance) -> int | None:
    """A tighter bound on the number of interviews than max flow: the segment relaxation (`relax.py`) with
    every interview worth 1, as a linear program (HiGHS only; None with CP-SAT). Max flow forgets when
    computers are lent; on the open computer-bound fair this bound is about 1.5 % lower."""
    if "highspy" not in sys.modules:
        return None
    from jobdating.scheduling.planning.highs import lp_bound_highs

    frame = Frame(instance)
    everyone = [c for group in components(frame) for c in group]
    program = relax(frame, weights(instance), everyone, segments(frame))
    options = len(program.options)
    program.cost[:] = [1 if i < options else 0 for i in range(program.columns)]
    most, _ = lp_bound_highs(program, 600.0)
    return most


def _instance(computer_bound: bool, shape: Shape | None, candidates: int | None) -> Instance:
    if shape is not None:
        return open_fair(candidates=candidates or 5000, shape=shape)
    if candidates is not None:
        return regional_fair(candidates=candidates)
    return computer_bound_fair() if computer_bound else regional_fair()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=("highs", "cpsat"))
    parser.add_argument("--computer-bound", action="store_true")
    parser.add_argument("--time-limit", type=float)
    parser.add_argument(
        "--method", choices=("relax", "direct"), help="with --engine: one run of one method, printed as JSON"
    )
    parser.add_argument("--choices", action="store_true", help="companies rank candidates and must meet some")
    parser.add_argument("--open", choices=("loose", "computer_bound"), help="a fair that does not split")
    parser.add_argument("--candidates", type=int, help="the fair's size (default 5,000)")
    parser.add_argument("--ladder", type=float, nargs="*", help="time limits tried before --time-limit")
    args = parser.parse_args()
    shape: Shape | None = "loose" if args.open == "loose" else "computer_bound" if args.open else None
    limit = args.time_limit or (25.0 if args.computer_bound else 15.0)
    if args.engine:
        engine: Engine = "highs" if args.engine == "highs" else "cpsat"
        ladder = [5.0, 10.0] if args.computer_bound else [1.0, 2.0, 4.0]
        if args.ladder is not None:
            ladder = args.ladder
        if shape is not None or args.candidates:
            kind = f"open_{shape}" if shape else "regional"
            run = measure(engine, False, limit, ladder, shape=shape, candidates=args.candidates)
            most = _most_interviews(_instance(False, shape, args.candidates))
            run["segment_interview_bound"] = most
            if most:
                run["interviews_over_segment_bound"] = [
                    round(s["interviews"] / most, 4) for s in run["ladder"]
                ]
            save(f"planning_{kind}_fair_{args.candidates or 5000}", {"benchmark": kind, "run": run})
            print(json.dumps(run))
            return
        if args.method == "direct":
            run = measure(engine, args.computer_bound, limit, [], "direct", args.choices)
            kind = "computer_bound_fair" if args.computer_bound else "regional_fair"
            save(f"planning_{kind}_direct_{engine}", {"benchmark": f"planning.{kind}", "run": run})
            print(json.dumps(run))
        else:
            print(
                json.dumps(
                    measure(
                        engine,
                        args.computer_bound,
                        limit,
                        ladder if engine == "highs" else [],
                        choices=args.choices,
                    )
                )
            )
        return
    before = load()
    flags = (["--computer-bound"] if args.computer_bound else []) + (["--choices"] if args.choices else [])
    runs = [
        in_child("bench.planning.regional_fair", "--engine", engine, "--time-limit", str(limit), *flags)
        for engine in ("highs", "cpsat")
    ]
    name = "planning_computer_bound_fair" if args.computer_bound else "planning_regional_fair"
    name += "_choices" if args.choices else ""
    path = save(name, {"benchmark": name, "load_before": before, "load_after": load(), "runs": runs})
    for run in runs:
        g, f = run["greedy"], run["final"]
        print(
            f"{run['engine']}: greedy {g['seconds']} s,"
            f" {g['quality']['interviews']}/{run['max_flow_bound']['interviews']}"
            f" interviews, objective gap {g['gap_to_final_bound']:.4%};"
            f" solve {[(s['time_limit'], s['wall_seconds'], s['status'], s['gap']) for s in run['ladder']]};"
            f" final {f['verdict']['status']} {f['quality']['interviews']} interviews"
            f" ({f['quality']['interviews_over_bound']:.2%} of max flow),"
            f" fewest {f['quality']['fewest_interviews_among_candidates_with_options']} (with options),"
            f" peak {run['peak_rss_mb']} MB"
        )
    print(f"load {before} -> {load()}; written to {path}")


if __name__ == "__main__":
    main()
