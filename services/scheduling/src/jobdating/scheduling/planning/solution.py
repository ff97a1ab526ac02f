"""What a solve hands back: the plan, how each component was solved, and what is known about its quality."""

from __future__ import annotations

from typing import Literal

import msgspec

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Instance, Plan
from jobdating.scheduling.planning.objective import earliest, lateness, score
from jobdating.scheduling.planning.outcome import Status


class Part(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """How one independent component was solved: `steps` lists the programs run, with their verdicts."""

    candidates: int
    status: Status
    objective: int
    bound: int
    steps: tuple[str, ...]
    seconds: float


class Solution(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A plan and what is known about its quality.

    `objective` is level 1 of the objective (fairness, then ranks); `bound` an upper bound on it proven by
    the solvers (None for the greedy plan) and `gap` = (bound - objective) / bound. `status` is "optimal"
    only when every component reached its bound; "time_limit" when the limit stopped a solver before;
    "feasible" for a plan without proof (greedy, or a solver that stopped for another reason);
    "infeasible" when some pins cannot be honoured (`reasons` says which and why; the plan honours every
    other rule). `lateness` is level 2 (sum of slot positions; lower is more compact) and `earliest` its
    bound for the same interviews. `interview_bound` is the max-flow bound on the number of interviews;
    `seconds` adds up the solvers' own run times."""

    plan: Plan
    engine: Literal["greedy", "highs", "cpsat"]
    status: Status
    objective: int
    bound: int | None
    gap: float | None
    lateness: int
    earliest: int
    interviews: int
    interview_bound: int
    reasons: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    seconds: float = 0.0


def solution(
    instance: Instance,
    frame: Frame,
    board: Board,
    engine: Literal["greedy", "highs", "cpsat"],
    status: Status,
    bound: int | None,
    reasons: tuple[str, ...],
    parts: tuple[Part, ...],
    interview_bound: int | None = None,
) -> Solution:
    """The board's plan, scored, with the verdict of the solvers that made it (`interview_bound`: the
    max-flow bound when the caller has it already)."""
    plan = Plan(
        interviews=tuple(
            sorted(board.seat.values(), key=lambda i: (i.day, i.start, i.site_id, i.computer_id))
        )
    )
    objective = score(instance, plan, frame)
    return Solution(
        plan=plan,
        engine=engine,
        status=status,
        objective=objective,
        bound=bound,
        gap=None if bound is None else ((bound - objective) / bound if bound > 0 else 0.0),
        lateness=lateness(instance, plan, frame),
        earliest=earliest(instance, plan, frame),
        interviews=len(plan.interviews),
        interview_bound=(
            upper_bound(instance, frame, tiers=False).interviews
            if interview_bound is None
            else interview_bound
        ),
        reasons=reasons,
        parts=parts,
        seconds=sum(p.seconds for p in parts),
    )


def pin_reasons(frame: Frame) -> tuple[str, ...]:
    """Pins that cannot hold whatever else happens, each with why."""
    reasons: list[str] = []
    per_candidate: dict[str, int] = {}
    for pin in sorted(frame.instance.pins, key=lambda p: (p.candidate_id, p.company_id)):
        key = f"pin {pin.candidate_id}/{pin.company_id}"
        candidate = frame.candidates.get(pin.candidate_id)
        company = frame.companies.get(pin.company_id)
        if candidate is None or company is None:
            reasons.append(f"{key}: unknown candidate or company")
        elif pin.company_id in frame.forbids.get(pin.candidate_id, set()):
            reasons.append(f"{key}: the pair is also forbidden")
        elif company.sites is not None and candidate.site_id not in company.sites:
            reasons.append(f"{key}: the company does not meet candidates of {candidate.site_id}")
        elif not frame.options(pin.candidate_id, pin.company_id):
            reasons.append(f"{key}: no slot when both are available with a working computer")
        else:
            per_candidate[pin.candidate_id] = per_candidate.get(pin.candidate_id, 0) + 1
    for candidate_id, pins in sorted(per_candidate.items()):
        if pins > frame.most_interviews(candidate_id):
            reasons.append(f"pins of {candidate_id}: {pins} pins, more than the interviews they can have")
    return tuple(reasons)
