"""On events small enough to enumerate, the solver's proven optimum is the true optimum, and the fairness
guarantee of the objective holds."""

from __future__ import annotations

from functools import cache
from itertools import combinations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobdating.scheduling.planning.frame import day_starts
from jobdating.scheduling.planning.generate import small_instance
from jobdating.scheduling.planning.model import Instance, Interview, Plan, Window
from jobdating.scheduling.planning.objective import weights
from jobdating.scheduling.planning.solve import solve

from .strategies import small_instances

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Option = tuple[str, int, int]  # company, day, start


def small(pins: bool = True) -> st.SearchStrategy[Instance]:
    return small_instances(candidates=(1, 6), companies=(1, 3), slots=(2, 5), pins=pins)


def _fits(windows: tuple[Window, ...], day: int, start: int, end: int) -> bool:
    return any(w.day == day and w.start <= start and end <= w.end for w in windows)


def exhaustive_optimum(instance: Instance) -> int | None:
    """The best level-1 objective over every valid plan, by enumerating each candidate's possible sets of
    interviews (dynamic programming over candidates, keyed by the recruiters and computers used); None when
    no plan honours the pins. Written from the rules, not from the solver's code."""
    length, reach = instance.grid.length, instance.grid.length + instance.grid.buffer
    slots = [(d.index, s) for d in instance.days for s in day_starts(d, instance.grid)]
    sites = {s.id: s for s in instance.sites}
    computers: dict[tuple[str, int, int], int] = {}
    for p in instance.computers:
        for day, start in slots:
            works = p.available is None or _fits(p.available, day, start, start + length)
            if works and _fits(sites[p.site_id].opening, day, start, start + length):
                computers[(p.site_id, day, start)] = computers.get((p.site_id, day, start), 0) + 1
    companies = {k.id: k for k in instance.companies}
    forbidden = {(f.candidate_id, f.company_id) for f in instance.forbids}
    pinned = {(p.candidate_id, p.company_id) for p in instance.pins}
    w = weights(instance)
    choices: list[list[tuple[int, tuple[Option, ...]]]] = []
    for c in instance.candidates:
        ranked = {k: r for r, k in enumerate(c.wishes, start=1)}
        allowed = [k for k in {*c.wishes, *(k for cid, k in pinned if cid == c.id)} if k in companies]
        options: list[Option] = [
            (k, day, start)
            for k in allowed
            if (c.id, k) not in forbidden and c.site_id in (companies[k].sites or (c.site_id,))
            for day, start in slots
            if _fits(c.available, day, start, start + length)
            and _fits(companies[k].windows, day, start, start + length)
            and computers.get((c.site_id, day, start), 0) > 0
        ]
        must = {k for cid, k in pinned if cid == c.id}
        mine: list[tuple[int, tuple[Option, ...]]] = []
        for n in range(c.max_interviews + 1):
            for chosen in combinations(options, n):
                met = [k for k, _, _ in chosen]
                if len(set(met)) < n or not must <= set(met):
                    continue
                if any(a[1] == b[1] and abs(a[2] - b[2]) < reach for a, b in combinations(chosen, 2)):
                    continue
                value = sum(w.tier(j) for j in range(1, n + 1)) + sum(
                    w.pair(c.id, k, ranked.get(k)) for k in met
                )
                mine.append((value, chosen))
        choices.append(mine)
    site_of = [c.site_id for c in instance.candidates]

    @cache
    def best(i: int, used: frozenset[tuple[tuple[str, str, int, int], int]]) -> int | None:
        if i == len(choices):
            return 0
        load = dict(used)
        found: int | None = None
        for value, chosen in choices[i]:
            extra = dict(load)
            ok = True
            for k, day, start in chosen:
                for key, cap in (
                    (("company", k, day, start), companies[k].recruiters),
                    (("site", site_of[i], day, start), computers[(site_of[i], day, start)]),
                ):
                    extra[key] = extra.get(key, 0) + 1
                    ok = ok and extra[key] <= cap
            if not ok:
                continue
            rest = best(i + 1, frozenset(extra.items()))
            if rest is not None and (found is None or value + rest > found):
                found = value + rest
        return found

    return best(0, frozenset())


@SETTINGS
@given(small())
def test_the_solver_reaches_the_exhaustive_optimum(instance: Instance) -> None:
    solution = solve(instance)
    truth = exhaustive_optimum(instance)
    if truth is None:
        assert solution.status == "infeasible"
        assert solution.reasons
    else:
        assert solution.status == "optimal"
        assert solution.objective == truth


@SETTINGS
@given(small(pins=False))
def test_nobody_gets_a_later_interview_while_cancelling_it_could_give_someone_an_earlier_one(
    instance: Instance,
) -> None:
    """The fairness guarantee: no candidate with n interviews could get an (n+1)-th by cancelling at most
    two interviews (the recruiter's and the computer's at that time) of people who have n + 2 or more;
    so nobody has a third while cancelling thirds could give someone a first."""
    solution = solve(instance)
    assert solution.status == "optimal"
    plan = solution.plan.interviews
    length, reach = instance.grid.length, instance.grid.length + instance.grid.buffer
    count = {c.id: sum(1 for i in plan if i.candidate_id == c.id) for c in instance.candidates}
    companies = {k.id: k for k in instance.companies}
    forbidden = {(f.candidate_id, f.company_id) for f in instance.forbids}
    for c in instance.candidates:
        if count[c.id] >= c.max_interviews:
            continue
        mine = [i for i in plan if i.candidate_id == c.id]
        for k in c.wishes:
            company = companies[k]
            if (c.id, k) in forbidden or any(i.company_id == k for i in mine):
                continue
            if company.sites is not None and c.site_id not in company.sites:
                continue
            for computer in (p for p in instance.computers if p.site_id == c.site_id):
                for d in instance.days:
                    for start in day_starts(d, instance.grid):
                        if not _placeable(
                            instance, c.available, company.windows, computer, d.index, start, length
                        ):
                            continue
                        if any(i.day == d.index and abs(i.start - start) < reach for i in mine):
                            continue
                        blockers = _blockers(plan, k, company.recruiters, computer.id, d.index, start)
                        if blockers is not None and all(
                            count[b.candidate_id] >= count[c.id] + 2 for b in blockers
                        ):
                            raise AssertionError(f"{c.id} could meet {k} at {start} by cancelling {blockers}")


def _placeable(
    instance: Instance,
    available: tuple[Window, ...],
    windows: tuple[Window, ...],
    computer: object,
    day: int,
    start: int,
    length: int,
) -> bool:
    from jobdating.scheduling.planning.model import Computer

    assert isinstance(computer, Computer)
    site = next(s for s in instance.sites if s.id == computer.site_id)
    end = start + length
    return (
        _fits(available, day, start, end)
        and _fits(windows, day, start, end)
        and _fits(site.opening, day, start, end)
        and (computer.available is None or _fits(computer.available, day, start, end))
    )


def _blockers(
    plan: tuple[Interview, ...], company_id: str, recruiters: int, computer_id: str, day: int, start: int
) -> list[Interview] | None:
    """The interviews to cancel to seat one more with this company on this computer at this time: one on
    the computer if taken, one of the company's if all its recruiters are busy (None: impossible)."""
    on_computer = [i for i in plan if i.computer_id == computer_id and i.day == day and i.start == start]
    of_company = [i for i in plan if i.company_id == company_id and i.day == day and i.start == start]
    cancel = list(on_computer)
    if len(of_company) - sum(1 for i in on_computer if i.company_id == company_id) >= recruiters:
        others = [i for i in of_company if i not in on_computer]
        if not others:
            return None
        cancel.append(others[0])
    return cancel


def test_compaction_leaves_no_interview_that_could_move_earlier() -> None:
    for seed in range(30):
        instance = small_instance(seed, candidates=6, slots=6)
        plan = solve(instance).plan
        for interview in plan.interviews:
            rest = Plan(interviews=tuple(i for i in plan.interviews if i != interview))
            assert not _could_start_earlier(instance, rest, interview), interview


def _could_start_earlier(instance: Instance, rest: Plan, interview: Interview) -> bool:
    from jobdating.scheduling.planning.check import check

    day = next(d for d in instance.days if d.index == interview.day)
    for start in day_starts(day, instance.grid):
        if start >= interview.start:
            return False
        for computer in (p for p in instance.computers if p.site_id == interview.site_id):
            moved = msgspec.structs.replace(interview, computer_id=computer.id, start=start)
            if not check(instance, Plan(interviews=(*rest.interviews, moved))):
                return True
    return False
