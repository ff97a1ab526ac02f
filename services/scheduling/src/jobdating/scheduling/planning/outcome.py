"""What an engine (HiGHS in `highs.py`, CP-SAT in `cpsat.py`) returns for one component.

Both engines take a warm start (the greedy plan) and a time limit, and return the solver's own verdict:
"optimal" only when the solver proved it, "time_limit" when the limit stopped it, "feasible" when it
stopped otherwise with a plan, "infeasible" when it proved there is none (pins that cannot all hold).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from jobdating.scheduling.planning.formulation import Formulation

Status = Literal["optimal", "feasible", "time_limit", "infeasible"]
Engine = Literal["highs", "cpsat"]
UNBOUNDED = 2**62


@dataclass(frozen=True)
class Outcome:
    """The x columns set to 1 and the solver's verdict, objective and proven bound (integers)."""

    chosen: tuple[int, ...]
    status: Status
    solver_status: str
    objective: int
    bound: int
    seconds: float


def warm_values(f: Formulation, chosen: set[int]) -> list[int]:
    """A full column vector for the plan `chosen` (x columns set to 1), tiers filled in order."""
    values = [0] * f.columns
    counts: dict[str, int] = {}
    for column in chosen:
        values[column] = 1
        candidate_id = f.options[column][0]
        counts[candidate_id] = counts.get(candidate_id, 0) + 1
    base = len(f.options)
    for i, (candidate_id, j) in enumerate(f.tiers):
        values[base + i] = 1 if counts.get(candidate_id, 0) >= j else 0
    return values


def objective_of(f: Formulation, chosen: set[int]) -> int:
    """The exact integer objective of the plan `chosen`, recomputed rather than read from a float."""
    return sum(c * v for c, v in zip(f.cost, warm_values(f, chosen), strict=True))


def floor_bound(bound: float) -> int:
    """The best integer objective a solver's float bound allows (with a tolerance)."""
    if not math.isfinite(bound):
        return UNBOUNDED
    return math.floor(bound + 1e-6)
