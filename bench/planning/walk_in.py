"""(d') Candidates joining the regional fair's plan (5,000 candidates) on the day, at 10:00: walk-ins booked
where capacity is free (`book_newcomer`); late arrivals (a candidate marked absent, their interviews
cancelled by the no-show's repair, who arrives after all and gets them back: `give_back`); and a company's
new recruiter given to the waiting lists, every computer's slots pooled per site (`refill_all`) against the
baseline of one computer after another (`refill` per computer), both measured in this run.

Time per walk-in and per late arrival (goal < 50 ms), interviews given, slots changed that did not have to
(goal 0: both only add), the checker's verdict; for the growth, the ratio pooled / per computer.

    .venv/bin/python -m bench.planning.walk_in
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

import msgspec

from bench.common import overall, timings_ms
from bench.planning.quality import load, save_with_load
from jobdating.scheduling.planning import disruption as dis
from jobdating.scheduling.planning.capacity import CandidateBack, give_back, refill, refill_all
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.generate import regional_fair
from jobdating.scheduling.planning.joining import CandidateJoined, book_newcomer
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan
from jobdating.scheduling.planning.repair import Repair, apply_repair, repair
from jobdating.scheduling.planning.solve import solve

NOW = Moment(day=0, minute=10 * 60)
REPEATS = 15
WALK_INS = 10
LATE_ARRIVALS = 10
GROWTH_REPEATS = 3  # a refill of every computer of the fair, one after another, takes seconds


def timed(run: Any, repeats: int = REPEATS) -> tuple[list[float], Repair]:
    seconds: list[float] = []
    diff = Repair()
    for _ in range(repeats):
        start = time.perf_counter()
        diff = run()
        seconds.append(time.perf_counter() - start)
    return seconds, diff


def walk_in(
    instance: Instance, plan: Plan, n: int, rng: random.Random
) -> tuple[dict[str, Any], Instance, Plan]:
    """A new candidate at a random site, with the wishes and availability of one already there."""
    like = rng.choice(instance.candidates)
    joined = msgspec.structs.replace(like, id=f"walk-in-{n}")
    after = msgspec.structs.replace(instance, candidates=(*instance.candidates, joined))
    seconds, diff = timed(lambda: book_newcomer(after, plan, CandidateJoined(candidate_id=joined.id), NOW))
    repaired = apply_repair(plan, diff)
    report = {
        **timings_ms(seconds),
        "given": len(diff.assigned),
        "changed_without_having_to": len(diff.moved) + len(diff.cancelled),
        "violations_after": len(check(after, repaired, now=NOW)),
    }
    return report, after, repaired


def late_arrival(instance: Instance, plan: Plan, rng: random.Random) -> tuple[dict[str, Any], Plan]:
    """A candidate with interviews still to come is marked absent (the no-show's repair cancels them),
    then arrives: their availability is as before (the service undoes the no-show), and `give_back` is
    timed. Nobody else's interview may change."""
    # Their interviews still to come today: the no-show cancels those (later days are not touched).
    future = sorted({i.candidate_id for i in plan.interviews if i.day == NOW.day and i.begins > NOW})
    who = rng.choice(future)
    no_show = repair(instance, plan, dis.CandidateNoShow(candidate_id=who, day=NOW.day), NOW)
    absent = apply_repair(plan, no_show)
    back = CandidateBack(
        candidate_id=who,
        interviews=tuple(c.interview for c in no_show.cancelled if c.interview.candidate_id == who),
    )
    seconds, diff = timed(lambda: give_back(instance, absent, back, NOW))
    repaired = apply_repair(absent, diff)
    report = {
        **timings_ms(seconds),
        "cancelled_by_no_show": len(back.interviews),
        "given": len(diff.assigned),
        "changed_without_having_to": len(diff.moved) + len(diff.cancelled),
        "violations_after": len(check(instance, repaired, now=NOW)),
    }
    return report, repaired


def main() -> None:
    before = load()
    started = time.perf_counter()
    instance = regional_fair()
    solution = solve(instance, time_limit=15)
    print(f"planned ({time.perf_counter() - started:.0f} s)", flush=True)
    plan = solution.plan
    rng = random.Random(2026)
    walk_ins = []
    for n in range(WALK_INS):
        report, instance, plan = walk_in(instance, plan, n, rng)
        walk_ins.append(report)
    late = []
    for _ in range(LATE_ARRIVALS):
        report, plan = late_arrival(instance, plan, rng)
        late.append(report)
    # A company gets one more recruiter: every computer's free slots go to the waiting lists.
    company = rng.choice(instance.companies)
    grown = msgspec.structs.replace(
        instance,
        companies=tuple(
            msgspec.structs.replace(k, recruiters=k.recruiters + 1) if k.id == company.id else k
            for k in instance.companies
        ),
    )
    computers = [p.id for p in grown.computers]

    def one_by_one() -> Repair:
        current, given = plan, list[Interview]()
        for computer_id in computers:
            diff = refill(grown, current, computer_id, NOW)
            current = apply_repair(current, diff)
            given += diff.assigned
        return Repair(assigned=tuple(given))

    print(f"walk-ins done ({time.perf_counter() - started:.0f} s); {len(computers)} computers", flush=True)
    baseline, by_computer = timed(one_by_one, GROWTH_REPEATS)
    pooled_seconds, pooled = timed(lambda: refill_all(grown, plan, computers, NOW), GROWTH_REPEATS)
    growth = {
        "company": company.id,
        "per_computer_median_ms": round(1000 * statistics.median(baseline), 2),
        "pooled_median_ms": round(1000 * statistics.median(pooled_seconds), 2),
        "ratio_pooled_over_per_computer": round(
            statistics.median(pooled_seconds) / statistics.median(baseline), 3
        ),
        "given_per_computer": len(by_computer.assigned),
        "given_pooled": len(pooled.assigned),
        "violations_after_pooled": len(check(grown, apply_repair(plan, pooled), now=NOW)),
    }
    summary = {
        "walk_ins": WALK_INS,
        **overall(walk_ins, ("given", "changed_without_having_to", "violations_after")),
        "booked_at_least_one": sum(1 for r in walk_ins if r["given"]),
    }
    late_summary = {
        "late_arrivals": LATE_ARRIVALS,
        **overall(late, ("given", "changed_without_having_to", "violations_after")),
        "cancelled_by_no_shows": sum(r["cancelled_by_no_show"] for r in late),
    }
    result = {
        "benchmark": "planning.walk_in",
        "goal_ms": 50,
        "plan": {"status": solution.status, "interviews": solution.interviews},
        "now": {"day": NOW.day, "minute": NOW.minute},
        "walk_ins": summary,
        "each_walk_in": walk_ins,
        "late_arrivals": late_summary,
        "each_late_arrival": late,
        "company_grew": growth,
    }
    print(f"walk-ins: {summary}")
    print(f"late arrivals: {late_summary}")
    print(f"company grew: {growth}")
    save_with_load("planning_walk_in", result, before)


if __name__ == "__main__":
    main()
