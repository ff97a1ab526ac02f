"""The HiGHS engine (MILP branch and cut, through `highspy`).

Do not import OR-Tools in the same process: its wheel bundles another HiGHS (1.12) under the same library
name as highspy's (1.15), and whichever loads second fails with an undefined symbol (google/or-tools#5246).
"""

from __future__ import annotations

import dataclasses

import highspy
import numpy as np

from jobdating.scheduling.planning.formulation import Formulation
from jobdating.scheduling.planning.outcome import Outcome, Status, floor_bound, objective_of, warm_values

# Measured on the benchmarks: on programs this small (neighbourhoods) one HiGHS run with or without presolve
# takes 5 to 50 ms, but now and then one of the two takes 0.3-0.5 s and the other not; so a small program
# is tried first without presolve, then with it from that try's incumbent.
# The two runs may end on different plans of the same optimal objective, so what decides between them must
# not be the machine's load: it once was (a first try of 60 ms), and the same job dating got another plan
# from one run to the next. The first try is cut by branch-and-bound nodes (HiGHS is deterministic on one
# thread), and its clock limit is half of the run's own: on the benchmarks it proved optimality at the
# root node in 3-250 ms, so its clock only decides when the run is near its limit anyway (a 485-column
# neighbourhood of the regional fair with a 0.36 s share). Unlike a fixed 60 ms, that does not move with
# the load on the demo or the reference day (10 s limits).
SMALL_PROGRAM = 1000
FIRST_TRY_NODES = 100


def _row_arrays(f: Formulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(r) for r in f.rows), dtype=np.int64, count=len(f.rows))
    start = np.zeros(len(f.rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    index = np.fromiter((c for r in f.rows for c in r), dtype=np.int64, count=int(start[-1]))
    value = np.fromiter((v for r in f.coefficients for v in r), dtype=np.float64, count=int(start[-1]))
    return start, index, value


def _load(
    f: Formulation,
    time_limit: float,
    threads: int,
    integer: bool,
    presolve: bool = True,
    max_nodes: int | None = None,
) -> highspy.Highs:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(time_limit, 0.01))
    h.setOptionValue("mip_rel_gap", 0.0)
    # The objective is an integer: a gap below 1 proves the incumbent optimal.
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("presolve", "on" if presolve else "off")
    if max_nodes is not None:
        # HiGHS stops with "Solution limit reached" (kSolutionLimit), keeping its incumbent.
        h.setOptionValue("mip_max_nodes", max_nodes)
    start, index, value = _row_arrays(f)
    n = f.columns
    integrality = np.zeros(n, dtype=np.int64)
    if integer:
        integrality[: len(f.options)] = 1
    h.passModel(
        n,
        len(f.rows),
        int(start[-1]),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        np.asarray(f.cost, dtype=np.float64),
        np.asarray(f.lower, dtype=np.float64),
        np.ones(n, dtype=np.float64),
        np.asarray(f.rows_lower, dtype=np.float64),
        np.asarray(f.rows_upper, dtype=np.float64),
        start[:-1],
        index,
        value,
        integrality,
    )
    return h


def solve_highs(f: Formulation, warm: set[int], time_limit: float, threads: int = 1) -> Outcome:
    """Solve one component with HiGHS from the warm start `warm` (x columns set to 1).

    z columns stay continuous: an optimum makes them 0/1 anyway. HiGHS stops as optimal when its dual bound
    is within 1 of the incumbent, which proves optimality because the objective is an integer.

    The plan depends on the input only, not on the machine's load, as long as no run hits its clock limit:
    see `FIRST_TRY_NODES`."""
    if f.columns > SMALL_PROGRAM:
        return _run(f, warm, time_limit, threads, presolve=True)
    first = _run(f, warm, time_limit / 2, threads, presolve=False, max_nodes=FIRST_TRY_NODES)
    if first.status in ("optimal", "infeasible"):
        return first
    second = _run(f, set(first.chosen), time_limit - first.seconds, threads, presolve=True)
    return dataclasses.replace(second, seconds=first.seconds + second.seconds)


def _run(
    f: Formulation,
    warm: set[int],
    time_limit: float,
    threads: int,
    presolve: bool,
    max_nodes: int | None = None,
) -> Outcome:
    h = _load(f, time_limit, threads, integer=True, presolve=presolve, max_nodes=max_nodes)
    n = f.columns
    if warm:
        values = np.asarray(warm_values(f, warm), dtype=np.float64)
        h.setSolution(n, np.arange(n, dtype=np.int64), values)
    h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    seconds = h.getRunTime()
    solver_status = h.modelStatusToString(model_status)
    if model_status == highspy.HighsModelStatus.kInfeasible:
        return Outcome((), "infeasible", solver_status, 0, 0, seconds)
    timed_out = model_status == highspy.HighsModelStatus.kTimeLimit
    bound = floor_bound(info.mip_dual_bound)
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        # Stopped before any plan (warm start refused, limit too short): keep the warm start.
        status: Status = "time_limit" if timed_out else "feasible"
        objective = objective_of(f, warm)
        return Outcome(tuple(sorted(warm)), status, solver_status, objective, max(bound, objective), seconds)
    x = h.getSolution().col_value
    chosen = tuple(i for i in range(len(f.options)) if x[i] > 0.5)
    objective = objective_of(f, set(chosen))
    if model_status == highspy.HighsModelStatus.kOptimal and bound - objective < 1:
        status, bound = "optimal", objective
    else:
        status = "time_limit" if timed_out else "feasible"
    return Outcome(chosen, status, solver_status, objective, max(bound, objective), seconds)


def lp_bound_highs(f: Formulation, time_limit: float) -> tuple[int | None, float]:
    """The program's linear relaxation, rounded down: an upper bound on its optimum (None when the time
    limit stopped the LP first), with HiGHS's run time."""
    h = _load(f, time_limit, threads=1, integer=False)
    h.run()
    seconds = h.getRunTime()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, seconds
    return floor_bound(h.getInfo().objective_function_value), seconds
