"""Greedy and optimised plans on random small events: no rule is ever broken, and the verdicts are honest."""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings

from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.check import Rule, check
from jobdating.scheduling.planning.generate import reference_day
from jobdating.scheduling.planning.model import Instance, Pair
from jobdating.scheduling.planning.objective import earliest, lateness, score
from jobdating.scheduling.planning.solution import Solution
from jobdating.scheduling.planning.solve import greedy, solve

from .strategies import small_instances

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


INSTANCES = small_instances(candidates=(1, 8), companies=(1, 4), slots=(2, 7))


def broken_rules(instance: Instance, solution: Solution) -> set[Rule]:
    # Pins the solver reported as impossible are the only rule it may leave unmet.
    rules = {v.rule for v in check(instance, solution.plan)}
    if solution.status == "infeasible":
        assert solution.reasons
        rules.discard("pin_missing")
    return rules


@SETTINGS
@given(INSTANCES)
def test_the_greedy_plan_never_breaks_a_rule(instance: Instance) -> None:
    assert broken_rules(instance, greedy(instance)) == set()


@SETTINGS
@given(INSTANCES)
def test_the_optimised_plan_never_breaks_a_rule(instance: Instance) -> None:
    assert broken_rules(instance, solve(instance)) == set()


@SETTINGS
@given(INSTANCES)
def test_the_time_indexed_program_alone_never_breaks_a_rule(instance: Instance) -> None:
    assert broken_rules(instance, solve(instance, method="direct")) == set()


@SETTINGS
@given(INSTANCES)
def test_the_verdict_matches_the_plan(instance: Instance) -> None:
    solution = solve(instance)
    assert solution.objective == score(instance, solution.plan)
    assert solution.lateness == lateness(instance, solution.plan) >= earliest(instance, solution.plan)
    assert solution.interviews == len(solution.plan.interviews) <= solution.interview_bound
    assert solution.bound is not None
    assert solution.objective <= solution.bound
    if solution.status == "optimal":
        assert solution.bound == solution.objective
        assert solution.gap == 0.0
    assert solution.objective >= greedy(instance).objective


@SETTINGS
@given(INSTANCES)
def test_both_methods_agree_when_both_prove_optimality(instance: Instance) -> None:
    relaxed, direct = solve(instance), solve(instance, method="direct")
    if relaxed.status == direct.status == "optimal":
        assert relaxed.objective == direct.objective


def test_a_solve_stopped_by_its_time_limit_never_claims_optimality() -> None:
    solution = solve(reference_day(), time_limit=0.02)
    if solution.status == "optimal":
        assert solution.bound == solution.objective
    else:
        assert solution.status == "time_limit"
        assert solution.bound is not None
        assert solution.bound > solution.objective
        assert any("time_limit" in step for part in solution.parts for step in part.steps)


def test_the_reference_day_is_solved_to_a_proven_optimum() -> None:
    instance = reference_day()
    solution = solve(instance)
    assert solution.status == "optimal"
    assert check(instance, solution.plan) == ()
    assert solution.interviews <= upper_bound(instance).interviews


def test_an_impossible_pin_is_reported_with_its_reason() -> None:
    instance = reference_day()
    candidate = instance.candidates[0]
    elsewhere = next(k.id for k in instance.companies if k.id not in candidate.wishes)
    pinned = Pair(candidate_id=candidate.id, company_id=elsewhere)
    forbidden = msgspec.structs.replace(instance, pins=(pinned,), forbids=(pinned,))
    solution = solve(forbidden)
    assert solution.status == "infeasible"
    assert solution.reasons == (f"pin {candidate.id}/{elsewhere}: the pair is also forbidden",)
    assert {v.rule for v in check(forbidden, solution.plan)} == {"pin_missing"}


def test_a_possible_pin_is_honoured_even_outside_the_wishes() -> None:
    instance = reference_day()
    candidate = instance.candidates[0]
    elsewhere = next(k.id for k in instance.companies if k.id not in candidate.wishes)
    pinned = msgspec.structs.replace(instance, pins=(Pair(candidate_id=candidate.id, company_id=elsewhere),))
    solution = solve(pinned)
    assert solution.status == "optimal"
    assert (candidate.id, elsewhere) in {i.pair for i in solution.plan.interviews}
    assert check(pinned, solution.plan) == ()
