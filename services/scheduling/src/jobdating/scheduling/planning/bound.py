"""A cheap upper bound on how many interviews any valid plan can hold: a max-flow relaxation.

Network: source -> site (capacity: its computer-slots) -> candidate of that site (capacity: the most
interviews they can have, buffer included) -> company (capacity 1 per allowed pair that has a common slot)
-> sink (capacity: recruiters x slots where the company could meet one of those candidates).
Every interview of a valid plan uses one computer-slot of its site, one interview of its candidate, one
pair and one recruiter-slot, so a plan is a flow and no plan beats the maximum flow. What the relaxation
forgets is that the computer and the recruiter must be free at the same time.
"""

from __future__ import annotations

import msgspec

from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.maxflow import FlowNetwork
from jobdating.scheduling.planning.model import Instance


class Bound(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Upper bounds from the max-flow relaxation.

    `interviews` bounds the number of interviews of any valid plan. `tiers[j - 1]` bounds the sum over
    candidates of min(interviews, j): `tiers[0]` bounds how many candidates can get at least one interview,
    and tiers[j - 1] - tiers[j - 2] how many can get a j-th."""

    interviews: int
    tiers: tuple[int, ...]


def upper_bound(instance: Instance, frame: Frame | None = None, tiers: bool = True) -> Bound:
    """The max-flow upper bounds of `instance` (pins and forbids only ever lower the true optimum);
    without `tiers`, only the bound on interviews (its `tiers` left empty)."""
    frame = frame or Frame(instance)
    net = FlowNetwork(2)
    source, sink = 0, 1
    site_node: dict[str, int] = {}
    company_node: dict[str, int] = {}
    company_reach: dict[str, set[int]] = {}
    candidate_edges: list[tuple[int, int]] = []
    for candidate in instance.candidates:
        most = frame.most_interviews(candidate.id)
        if most == 0:
            continue
        site_id = candidate.site_id
        if site_id not in site_node:
            site_node[site_id] = net.add_node()
            net.add_edge(source, site_node[site_id], sum(frame.site_capacity(site_id).values()))
        node = net.add_node()
        candidate_edges.append((net.add_edge(site_node[site_id], node, 0), most))
        for company_id, _ in frame.allowed(candidate.id):
            options = frame.options(candidate.id, company_id)
            if not options:
                continue
            if company_id not in company_node:
                company_node[company_id] = net.add_node()
                company_reach[company_id] = set()
            company_reach[company_id].update(options)
            net.add_edge(node, company_node[company_id], 1)
    for company_id, node in company_node.items():
        recruiters = frame.companies[company_id].recruiters
        net.add_edge(node, sink, recruiters * len(company_reach[company_id]))
    if not tiers:
        # One flow with every cap at once: on the 10,000-candidate regional fair 1.3 s where the tiers
        # took 2.0 s (load 8), and `solve` only reports the number of interviews.
        for edge, most in candidate_edges:
            net.raise_capacity(edge, most)
        return Bound(interviews=net.max_flow(source, sink), tiers=())
    by_tier: list[int] = []
    deepest = max((most for _, most in candidate_edges), default=0)
    # Raising every candidate's cap one interview at a time resumes the same flow: one max-flow in all.
    for j in range(1, deepest + 1):
        for edge, most in candidate_edges:
            if most >= j:
                net.raise_capacity(edge, j)
        by_tier.append(net.max_flow(source, sink))
    return Bound(interviews=by_tier[-1] if by_tier else 0, tiers=tuple(by_tier))
