"""(e) Changes by hand on the regional fair (5,000 candidates): at 10:00 on the first day, 40 interviews
still to come are each moved to the next slot of the grid, on the same computer. The checker judges each
change on the part of the plan it can meet (`domain/manual_places.around`: its candidate, company, computer
and site) instead of the whole plan: time per change (goal < 50 ms), the whole-plan check measured in the
same run as the baseline, and proof that both find the same broken rules for the changed interview.
A change by hand changes one slot and nothing else (zero moves the coordinator did not ask for).

    .venv/bin/python -m bench.planning.manual
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

import msgspec

from bench.common import peak_rss_mb, save
from bench.planning.quality import load
from jobdating.scheduling.domain.manual_places import around
from jobdating.scheduling.planning.check import Violation, check
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.generate import regional_fair
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan
from jobdating.scheduling.planning.solve import greedy

NOW = Moment(day=0, minute=10 * 60)
CHANGES = 40
REPEATS = 5


def verdict(found: tuple[Violation, ...], changed: Interview) -> list[str]:
    return sorted(v.rule for v in found if changed in v.interviews)


def one(instance: Instance, plan: Plan, before: Interview, after: Interview) -> dict[str, Any]:
    others = tuple(i for i in plan.interviews if i != before)
    local_ms: list[float] = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        local = check(*around(instance, others, after), now=NOW)
        local_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    whole = check(instance, Plan(interviews=(*others, after)), now=NOW)
    whole_ms = (time.perf_counter() - started) * 1000
    return {
        "local_ms": statistics.median(local_ms),
        "whole_ms": whole_ms,
        "same_verdict": verdict(local, after) == verdict(whole, after),
        "rules": verdict(local, after),
    }


def main() -> None:
    before_load = load()
    instance = regional_fair()
    started = time.perf_counter()
    plan = greedy(instance).plan  # the checker's cost depends on the plan's size, not on its optimality
    plan_seconds = time.perf_counter() - started
    frame = Frame(instance)
    rng = random.Random(2026)
    future = [i for i in plan.interviews if i.begins >= NOW and i.day == 0]
    reports = []
    for interview in rng.sample(future, CHANGES):
        slot = frame.slot(interview.day, interview.start)
        if slot is None or slot + 1 >= len(frame.slots) or frame.slots[slot + 1][0] != interview.day:
            continue
        moved = msgspec.structs.replace(interview, start=frame.slots[slot + 1][1])
        reports.append(one(instance, plan, interview, moved))
    result = {
        "benchmark": "planning.manual",
        "goal_ms": 50,
        "plan": {"interviews": len(plan.interviews), "seconds": round(plan_seconds, 2)},
        "changes": len(reports),
        "local_median_ms": round(statistics.median(r["local_ms"] for r in reports), 2),
        "local_max_ms": round(max(r["local_ms"] for r in reports), 2),
        "whole_plan_median_ms": round(statistics.median(r["whole_ms"] for r in reports), 1),
        "same_verdict": all(r["same_verdict"] for r in reports),
        "refused": sum(1 for r in reports if r["rules"]),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "load_before": before_load,
        "load_after": load(),
    }
    result["speedup"] = round(result["whole_plan_median_ms"] / max(result["local_median_ms"], 0.001), 1)
    path = save("planning_manual", result)
    print({k: v for k, v in result.items() if k not in ("load_before", "load_after")})
    print(f"load {before_load} -> {result['load_after']}; written to {path}")


if __name__ == "__main__":
    main()
