"""Choosing the solver engine: HiGHS or CP-SAT, loaded on demand since one process cannot hold both."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from jobdating.scheduling.planning.formulation import Formulation
from jobdating.scheduling.planning.lns import Run
from jobdating.scheduling.planning.outcome import Engine

LpBound = Callable[[Formulation, float], tuple[int | None, float]]


@dataclass(frozen=True)
class Solver:
    """An engine's solve of a time-indexed program and, when it has one, its linear relaxation bound."""

    run: Run
    lp_bound: LpBound | None


def load_engine(engine: Engine) -> Solver:
    """The solver of `engine`; refused in a process that already loaded the other one."""
    # Imported on demand: the two engines cannot be loaded in one process (google/or-tools#5246).
    other = "ortools" if engine == "highs" else "highspy"
    if other in sys.modules:
        raise RuntimeError(f"{engine} cannot run in a process that loaded {other} (google/or-tools#5246)")
    if engine == "highs":
        from jobdating.scheduling.planning.highs import lp_bound_highs, solve_highs

        return Solver(solve_highs, lp_bound_highs)
    from jobdating.scheduling.planning.cpsat import solve_cpsat

    return Solver(solve_cpsat, None)
