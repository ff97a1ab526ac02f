"""The max-flow bound: the flow itself is right, and no plan ever holds more interviews than the bound."""

from __future__ import annotations

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.components import components
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.generate import reference_day, small_instance
from jobdating.scheduling.planning.maxflow import FlowNetwork
from jobdating.scheduling.planning.solve import greedy, solve

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Edges = list[tuple[int, int, int]]


def min_cut(nodes: int, edges: Edges) -> int:
    """The smallest source-side cut by brute force (max flow = min cut)."""
    best = None
    for side in product((False, True), repeat=nodes - 2):
        source_side = {0} | {i + 2 for i, inside in enumerate(side) if inside}
        cut = sum(c for u, v, c in edges if u in source_side and v not in source_side)
        best = cut if best is None else min(best, cut)
    assert best is not None
    return best


@SETTINGS
@given(
    st.integers(2, 7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 5)), max_size=20),
        )
    )
)
def test_the_max_flow_equals_the_min_cut(network: tuple[int, Edges]) -> None:
    nodes, edges = network
    net = FlowNetwork(nodes)
    for u, v, c in edges:
        net.add_edge(u, v, c)
    assert net.max_flow(0, 1) == min_cut(nodes, edges)


def test_raising_a_capacity_resumes_the_flow() -> None:
    net = FlowNetwork(3)
    first = net.add_edge(0, 2, 1)
    net.add_edge(2, 1, 5)
    assert net.max_flow(0, 1) == 1
    net.raise_capacity(first, 4)
    assert net.max_flow(0, 1) == 4
    assert net.flow_on(first) == 4


@SETTINGS
@given(st.integers(0, 10**6))
def test_no_plan_holds_more_interviews_than_the_bound(seed: int) -> None:
    instance = small_instance(seed, candidates=8, companies=4, slots=6)
    bound = upper_bound(instance)
    for solution in (greedy(instance), solve(instance)):
        counts: dict[str, int] = {}
        for interview in solution.plan.interviews:
            counts[interview.candidate_id] = counts.get(interview.candidate_id, 0) + 1
        assert len(solution.plan.interviews) <= bound.interviews
        for j, tier in enumerate(bound.tiers, start=1):
            assert sum(min(n, j) for n in counts.values()) <= tier


def test_the_reference_day_bound_is_close_to_the_optimum() -> None:
    instance = reference_day()
    bound = upper_bound(instance)
    assert bound.tiers[0] == len(instance.candidates)
    assert solve(instance).interviews >= 0.95 * bound.interviews


def test_components_share_no_company_or_site_on_a_day() -> None:
    for seed in range(20):
        frame = Frame(small_instance(seed, candidates=8, companies=4, sites=3, days=2))
        seen: dict[tuple[str, str, int], int] = {}
        for number, group in enumerate(components(frame)):
            for candidate_id in group:
                site_id = frame.candidates[candidate_id].site_id
                for company_id, _ in frame.allowed(candidate_id):
                    for t in frame.options(candidate_id, company_id):
                        day = frame.slots[t][0]
                        for key in (("company", company_id, day), ("site", site_id, day)):
                            assert seen.setdefault(key, number) == number
