"""What every planning benchmark reports about a plan, and how it runs an engine in a process of its own.

HiGHS (highspy) and CP-SAT (OR-Tools) cannot share a process (google/or-tools#5246), so a benchmark that
compares them runs itself once per engine as a child process and reads its JSON from stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any

from bench.common import peak_rss_mb, save
from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Instance, Plan
from jobdating.scheduling.planning.solution import Solution


def quality(instance: Instance, plan: Plan) -> dict[str, Any]:
    """Interviews against the max-flow bound, wish ranks met, and the fewest interviews anyone got."""
    frame = Frame(instance)
    bound = upper_bound(instance, frame)
    counts = Counter(i.candidate_id for i in plan.interviews)
    ranks = Counter(frame.rank(i.candidate_id, i.company_id) for i in plan.interviews)
    reachable = [c.id for c in instance.candidates if frame.most_interviews(c.id) > 0]
    return {
        "interviews": len(plan.interviews),
        "max_flow_bound": bound.interviews,
        "interviews_over_bound": round(len(plan.interviews) / bound.interviews, 4)
        if bound.interviews
        else 1.0,
        "candidates_with_an_interview": sum(1 for c in instance.candidates if counts[c.id] > 0),
        "candidates_who_could_have_one": bound.tiers[0] if bound.tiers else 0,
        "wish_ranks_met": {f"rank_{r}": ranks[r] for r in sorted(k for k in ranks if k is not None)},
        "pinned_outside_wishes": ranks[None],
        "fewest_interviews": min((counts[c.id] for c in instance.candidates), default=0),
        "fewest_interviews_among_candidates_with_options": min((counts[c] for c in reachable), default=0),
        "interviews_per_candidate": {
            str(n): m for n, m in sorted(Counter(counts[c.id] for c in instance.candidates).items())
        },
        "violations": len(check(instance, plan)),
        **companies_choices(instance, plan),
    }


def companies_choices(instance: Instance, plan: Plan) -> dict[str, Any]:
    """With companies' choices: how many must-meets and ranked pairs the plan holds (by the company's rank
    band, first tenth of its list first). Nothing without choices."""
    if not instance.choices:
        return {}
    met = {i.pair for i in plan.interviews}
    longest: Counter[str] = Counter()
    for x in instance.choices:
        longest[x.company_id] = max(longest[x.company_id], x.rank or 0)
    must = [(x.candidate_id, x.company_id) for x in instance.choices if x.must_meet]
    ranked = [x for x in instance.choices if x.rank]
    bands: Counter[int] = Counter()
    held: Counter[int] = Counter()
    for x in ranked:
        band = (10 * ((x.rank or 1) - 1)) // max(longest[x.company_id], 1)
        bands[band] += 1
        held[band] += (x.candidate_id, x.company_id) in met
    return {
        "must_meet_met": sum(1 for p in must if p in met),
        "must_meet": len(must),
        "ranked_pairs_met": sum(held.values()),
        "ranked_pairs": len(ranked),
        "ranked_met_by_tenth": {f"tenth_{b + 1}": f"{held[b]}/{bands[b]}" for b in sorted(bands)},
    }


def verdict(solution: Solution) -> dict[str, Any]:
    """The solver's own account of a solution."""
    statuses = Counter(p.status for p in solution.parts)
    return {
        "engine": solution.engine,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "lateness": solution.lateness,
        "lateness_bound": solution.earliest,
        "solver_seconds": round(solution.seconds, 3),
        "components": len(solution.parts),
        "components_by_status": dict(statuses),
    }


def in_child(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m module args` in a fresh process and return the JSON object it prints last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=3600,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def load() -> dict[str, float]:
    """The machine's load averages (1, 5, 15 min): the machine is shared, figures are noisy."""
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}


def save_with_load(name: str, result: dict[str, Any], before: dict[str, float]) -> None:
    """Save a benchmark's result with its peak memory and the machine's load before (`before`) and after
    it, the figures to read it by on a shared machine, and say where it went."""
    after = load()
    path = save(
        name, {**result, "peak_rss_mb": round(peak_rss_mb(), 1), "load_before": before, "load_after": after}
    )
    print(f"load {before} -> {after}; written to {path}")
