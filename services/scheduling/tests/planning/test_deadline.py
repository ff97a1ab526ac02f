"""A time limit is a promise about the wall clock: the plan comes back on time, valid, with its bound."""

from __future__ import annotations

import time

from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.components import components
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.generate_open import open_fair
from jobdating.scheduling.planning.solve import solve

# Process noise on a shared machine (a scheduler tick, a collection), on top of the 10 % the promise allows.
NOISE = 0.5


def test_a_solve_too_big_to_finish_comes_back_within_its_limit_with_a_valid_plan_and_a_bound() -> None:
    # 800 candidates whom every company may meet, computers the bottleneck: one component whose whole
    # time-indexed program (about 30,000 columns) cannot be built and solved in 2 s, where the planner
    # once ran it anyway, past any limit.
    instance = open_fair(2026, candidates=800, computers=120, sites=8)
    limit = 2.0
    start = time.perf_counter()
    solution = solve(instance, time_limit=limit)
    wall = time.perf_counter() - start
    assert wall <= 1.1 * limit + NOISE
    assert check(instance, solution.plan) == ()
    assert solution.status in ("time_limit", "feasible", "optimal")
    assert solution.bound is not None
    assert solution.gap is not None
    assert solution.objective <= solution.bound
    assert solution.status != "time_limit" or any(
        "time_limit" in step for part in solution.parts for step in part.steps
    )
    assert 0 < solution.interviews <= solution.interview_bound


def test_the_open_fair_does_not_split_and_is_the_same_for_the_same_seed() -> None:
    instance = open_fair(7, candidates=300)
    assert instance == open_fair(7, candidates=300)
    assert all(company.sites is None for company in instance.companies)
    assert len(components(Frame(instance))) == 1
