"""The OR-Tools CP-SAT engine, kept to compare with HiGHS (DESIGN.md: HiGHS was faster here).

Do not import highspy in the same process: the OR-Tools wheel bundles another HiGHS under the same library
name, and whichever loads second fails with an undefined symbol (google/or-tools#5246).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from jobdating.scheduling.planning.formulation import Formulation
from jobdating.scheduling.planning.outcome import (
    UNBOUNDED,
    Outcome,
    Status,
    floor_bound,
    objective_of,
    warm_values,
)


def solve_cpsat(f: Formulation, warm: set[int], time_limit: float, threads: int = 1) -> Outcome:
    """Solve one component with CP-SAT, hinted with the warm start `warm` (x columns set to 1).

    z columns are Booleans with z[c, j] >= z[c, j + 1]; "optimal" is CP-SAT's own proof."""
    model = cp_model.CpModel()
    variables = [model.new_bool_var(f"v{i}") for i in range(f.columns)]
    for columns, coefficients, lo, hi in zip(f.rows, f.coefficients, f.rows_lower, f.rows_upper, strict=True):
        model.add_linear_constraint(
            sum(c * variables[i] for i, c in zip(columns, coefficients, strict=True)), lo, hi
        )
    base = len(f.options)
    for i in range(1, len(f.tiers)):
        if f.tiers[i][0] == f.tiers[i - 1][0]:
            model.add_implication(variables[base + i], variables[base + i - 1])
    model.maximize(sum(c * v for c, v in zip(f.cost, variables, strict=True) if c))
    for variable, value in zip(variables, warm_values(f, warm), strict=True):
        model.add_hint(variable, value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = threads
    # One worker and a fixed seed make the search, and so the plan, a function of the input as long as the
    # clock limit does not stop it (several workers race each other: their plan depends on the load).
    solver.parameters.random_seed = 0
    # Measured: with the default level CP-SAT could not prove the segment relaxation of the reference day
    # in 20 s; with the full linear relaxation in its search it did in 0.02 s.
    solver.parameters.linearization_level = 2
    result = solver.solve(model)
    seconds = solver.wall_time
    solver_status = solver.status_name(result)
    if result == cp_model.INFEASIBLE:
        return Outcome((), "infeasible", solver_status, 0, 0, seconds)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective = objective_of(f, warm)
        return Outcome(tuple(sorted(warm)), "time_limit", solver_status, objective, UNBOUNDED, seconds)
    chosen = tuple(i for i in range(len(f.options)) if solver.boolean_value(variables[i]))
    objective = objective_of(f, set(chosen))
    bound = floor_bound(solver.best_objective_bound)
    status: Status
    if result == cp_model.OPTIMAL:
        status, bound = "optimal", objective
    else:
        # CP-SAT reports FEASIBLE for any stop without proof; the limit is the usual reason.
        status = "time_limit" if seconds >= 0.99 * time_limit else "feasible"
    return Outcome(chosen, status, solver_status, objective, max(bound, objective), seconds)
