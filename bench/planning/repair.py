"""(d) Disruptions on the regional fair's proven-optimal plan (5,000 candidates): at 10:00 on the first day
the busiest computer breaks, then a typical one (both out for the rest of the event), then 1% of the
candidates (50) withdraw one after the other, then one disruption of each other kind (a candidate moving
to another site and a company losing a recruiter among them), then the busiest computer comes back (its
free slots go to the waiting list), then a second interview of the busiest company is cancelled (its
time, 11:00 to 11:20, offered at every site where it can serve: `refill_freed`).
Time per repair (goal < 50 ms), slots moved, slots changed that did not have to (goal 0), freed capacity
refilled from the waiting list, and the checker's verdict on every repaired plan. Each repair also runs
without chains (moving one other interview aside to save one from cancellation) in the same run: the
cancellations chains avoid, the interviews they moved aside, and both times.

    .venv/bin/python -m bench.planning.repair
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from typing import Any

import msgspec

from bench.common import overall, timings_ms
from bench.planning.quality import load, save_with_load
from jobdating.scheduling.planning import disruption as dis
from jobdating.scheduling.planning.capacity import ComputerBack, TimeFreed, bring_back, refill, refill_freed
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.generate import regional_fair
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan
from jobdating.scheduling.planning.repair import Repair, apply_repair, repair
from jobdating.scheduling.planning.solve import solve

NOW = Moment(day=0, minute=10 * 60)
REPEATS = 15


Change = dis.Disruption | ComputerBack | TimeFreed


def concerns(interview: Interview, disruption: Change) -> bool:
    """The disruption names the interview's candidate, company (that day), computer or site (capacity
    coming back concerns no interview)."""
    if isinstance(disruption, ComputerBack | TimeFreed):
        return False
    if isinstance(disruption, dis.CandidateWithdrew | dis.CandidateChanged):
        return interview.candidate_id == disruption.candidate_id
    if isinstance(disruption, dis.CandidateNoShow):
        return interview.candidate_id == disruption.candidate_id and interview.day == disruption.day
    if isinstance(disruption, dis.CompanyLate | dis.CompanyLeft):
        return interview.company_id == disruption.company_id and interview.day == disruption.day
    if isinstance(disruption, dis.CompanyChanged):
        return interview.company_id == disruption.company_id
    if isinstance(disruption, dis.ComputerBroke):
        return interview.computer_id == disruption.computer_id
    return interview.site_id == disruption.site_id


def one(instance: Instance, plan: Plan, disruption: Change) -> tuple[dict[str, Any], Instance, Plan]:
    """Repair once, timed over `REPEATS` runs (the repair is pure), and account for what changed."""
    seconds: list[float] = []
    plain: list[float] = []  # the same repair without chains, in the same run: the baseline
    diff = without = Repair()
    if isinstance(disruption, ComputerBack):
        after = bring_back(instance, disruption)
    elif isinstance(disruption, TimeFreed):
        after = instance
    else:
        after = dis.apply_disruption(instance, disruption, NOW)
    for _ in range(REPEATS):
        start = time.perf_counter()
        if isinstance(disruption, ComputerBack):
            diff = without = refill(after, plan, disruption.computer_id, NOW)
        elif isinstance(disruption, TimeFreed):
            diff = without = refill_freed(after, plan, [disruption], NOW)
        else:
            diff = repair(instance, plan, disruption, NOW)
            middle = time.perf_counter()
            without = repair(instance, plan, disruption, NOW, chains=False)
            plain.append(time.perf_counter() - middle)
        seconds.append(time.perf_counter() - start - (plain[-1] if plain else 0.0))
    repaired = apply_repair(plan, diff)
    kept = set(repaired.interviews)
    # An interview moved aside in a chain had to move: it saved another from cancellation.
    aside = {m.before for m in diff.moved if m.making_room_for is not None}
    needless = [
        i
        for i in plan.interviews
        if (not concerns(i, disruption) or i.begins < NOW) and i not in kept and i not in aside
    ]
    changed = [c.interview for c in diff.cancelled] + [m.before for m in diff.moved]
    report = {
        "disruption": type(disruption).__name__,
        **timings_ms(seconds),
        "median_ms_without_chains": round(1000 * statistics.median(plain or seconds), 2),
        "cancelled_without_chains": len(without.cancelled),
        "cancellations_avoided": len(without.cancelled) - len(diff.cancelled),
        "moved_aside": len(aside),
        "affected": len(changed),
        "moved": len(diff.moved),
        "moved_same_time": sum(1 for m in diff.moved if m.after.begins == m.before.begins),
        "cancelled": len(diff.cancelled),
        "refilled_from_waiting_list": len(diff.assigned),
        "freed_computer_slots": len({(i.computer_id, i.day, i.start) for i in changed}),
        "changed_without_having_to": len(needless),
        "violations_after": len(check(after, repaired, now=NOW)),
    }
    return report, after, repaired


def moving(instance: Instance, plan: Plan, rng: random.Random) -> dis.CandidateChanged:
    """A candidate with interviews to come who chooses another site of the fair, one where the companies
    of those interviews meet candidates (most companies of the fair are local)."""
    companies = {k.id: k for k in instance.companies}
    sites = sorted(s.id for s in instance.sites)
    future = [i for i in plan.interviews if i.begins > NOW]
    for who in rng.sample(sorted({i.candidate_id for i in future}), 200):
        candidate = next(c for c in instance.candidates if c.id == who)
        theirs = [companies[i.company_id] for i in future if i.candidate_id == who]
        for site_id in sites:
            if site_id != candidate.site_id and all(k.sites is None or site_id in k.sites for k in theirs):
                moved = msgspec.structs.replace(candidate, site_id=site_id)
                return dis.CandidateChanged(candidate_id=who, candidate=moved)
    raise RuntimeError("no candidate of the fair can move with their companies")


def one_recruiter_fewer(instance: Instance, plan: Plan) -> dis.CompanyChanged:
    """The company running the most interviews at once from now loses a recruiter."""
    at_once: dict[tuple[str, int, int], int] = {}
    for i in plan.interviews:
        if i.begins >= NOW:
            key = (i.company_id, i.day, i.start)
            at_once[key] = at_once.get(key, 0) + 1
    company_id = max(sorted(at_once), key=lambda k: at_once[k])[0]
    company = next(k for k in instance.companies if k.id == company_id)
    fewer = msgspec.structs.replace(company, recruiters=max(1, company.recruiters - 1))
    return dis.CompanyChanged(company_id=company_id, company=fewer)


def second_cancelled(plan: Plan) -> TimeFreed:
    """A second interview of the company with the most interviews to come, from 11:00 to 11:20 on the
    computer of its first interview to come, cancelled: its time goes to the waiting lists of every site
    where it can serve."""
    future = sorted(
        (i for i in plan.interviews if i.begins >= NOW), key=lambda i: (i.day, i.start, i.computer_id)
    )
    counts = Counter(i.company_id for i in future)
    busiest = max(sorted(counts), key=lambda k: counts[k])
    first = next(i for i in future if i.company_id == busiest)
    return TimeFreed(
        candidate_id=first.candidate_id,
        company_id=busiest,
        computer_id=first.computer_id,
        day=0,
        start=660,
        end=680,
    )


def main() -> None:
    before = load()
    instance = regional_fair()
    start = time.perf_counter()
    solution = solve(instance, time_limit=15)
    plan_seconds = time.perf_counter() - start
    plan = solution.plan
    reports: list[dict[str, Any]] = []
    future = [i for i in plan.interviews if i.begins >= NOW and i.day == 0]
    # The busiest computer of the morning (its site is likely full) and a typical one.
    load_of = {
        p: sum(1 for i in future if i.computer_id == p) for p in sorted({i.computer_id for i in future})
    }
    by_load = sorted(load_of, key=lambda p: (load_of[p], p))
    busiest = by_load[-1]
    for computer_id in (busiest, by_load[len(by_load) // 2]):
        report, instance, plan = one(instance, plan, dis.ComputerBroke(computer_id=computer_id, at=NOW))
        reports.append(report)
    rng = random.Random(2026)
    withdrawing = rng.sample(sorted({i.candidate_id for i in future}), len(instance.candidates) // 100)
    withdrawals = []
    for candidate_id in withdrawing:
        report, instance, plan = one(instance, plan, dis.CandidateWithdrew(candidate_id=candidate_id))
        withdrawals.append(report)
    sample = rng.choice([i for i in plan.interviews if i.begins > NOW and i.day == 0])
    before_eleven = [i for i in plan.interviews if NOW <= i.begins < Moment(day=0, minute=11 * 60)]
    for disruption in (
        dis.CandidateNoShow(candidate_id=sample.candidate_id, day=0),
        dis.CompanyLate(company_id=rng.choice(before_eleven).company_id, day=0, arrives=11 * 60),
        dis.CompanyLeft(company_id=rng.choice(future).company_id, day=0, at=11 * 60),
        dis.SiteClosed(site_id=rng.choice(future).site_id, at=Moment(day=0, minute=11 * 60)),
        moving(instance, plan, rng),
        one_recruiter_fewer(instance, plan),
        ComputerBack(computer_id=busiest, at=Moment(day=0, minute=11 * 60)),
        second_cancelled(plan),
    ):
        report, instance, plan = one(instance, plan, disruption)
        reports.append(report)
    summary = {
        "withdrawals": len(withdrawals),
        **overall(
            withdrawals,
            (
                "cancelled",
                "cancellations_avoided",
                "moved_aside",
                "freed_computer_slots",
                "refilled_from_waiting_list",
                "changed_without_having_to",
                "violations_after",
            ),
        ),
    }
    result = {
        "benchmark": "planning.repair",
        "goal_ms": 50,
        "plan": {
            "status": solution.status,
            "interviews": solution.interviews,
            "seconds": round(plan_seconds, 2),
        },
        "now": {"day": NOW.day, "minute": NOW.minute},
        "single_disruptions": reports,
        "one_percent_withdraw": summary,
        "withdrawals": withdrawals,
    }
    for r in reports:
        print(
            f"{r['disruption']:18} median {r['median_ms']:6.2f} ms max {r['max_ms']:6.2f} ms;"
            f" affected {r['affected']}:"
            f" moved {r['moved']} ({r['moved_same_time']} same time), cancelled {r['cancelled']},"
            f" avoided {r['cancellations_avoided']} ({r['moved_aside']} moved aside;"
            f" {r['median_ms_without_chains']:.2f} ms without chains),"
            f" refilled {r['refilled_from_waiting_list']};"
            f" changed needlessly {r['changed_without_having_to']};"
            f" violations {r['violations_after']}"
        )
    print(f"1% withdraw: {summary}")
    save_with_load("planning_repair", result, before)


if __name__ == "__main__":
    main()
