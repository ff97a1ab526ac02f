"""Planning a job dating: a greedy first plan, and an optimising solve that proves level 1 when it can.

`solve` works one independent component at a time (exact, see `components.py`):

1. who meets whom: the segment relaxation (`relax.py`), solved by the engine, gives pairs and an upper
   bound on level 1 of the objective (`objective.py`);
2. when: the timetable (`timetable.py`) gives every chosen pair a slot and a computer; the pairs it leaves
   out are tried exactly, with the candidates around them in their segment, and where none of these
   places one, its whole segment anew with the relaxation's choice (`place.py`). If all are placed, the
   component's plan reaches the bound: level 1 is proven optimal;
3. otherwise a large-neighbourhood search (`lns.py`) re-solves the time-indexed program (`formulation.py`)
   around the pairs left out, everything else fixed, until the plan reaches the bound; on a small
   component the time-indexed linear relaxation (HiGHS) may lower the bound first;
4. still short of the bound: a small component's whole time-indexed program is solved, warm-started,
   within what is left of its share, and its verdict is reported as is; a large one (or one whose whole
   program cannot be built and solved in the time left, `deadline.py`) keeps searching neighbourhoods
   until its share is spent ("time_limit", with the relaxation's bound and the gap). Components left
   unproven then get the time the others left: first the placements the clock cut short, then the
   whole program;
5. level 2: interviews move earlier while any can (`compact.py`).

Every plan handed to a solver as a warm start is valid, so the result is never worse than the greedy
plan. `method="direct"` skips steps 1-3 (the time-indexed program from the greedy plan), for comparison.

The same input and settings give the same plan on one thread, whatever the machine's load, as long as no
clock decides: no solver run stops on its limit and no search spends its share (then the status is
"time_limit", or a step ran short and the next one proved optimality on another of the equally optimal
plans). Coordinators expect one plan for one job dating; see `highs.FIRST_TRY_NODES`.
"""

from __future__ import annotations

from typing import Literal

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.compact import compact
from jobdating.scheduling.planning.components import components
from jobdating.scheduling.planning.deadline import Deadline
from jobdating.scheduling.planning.engines import load_engine
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.greedy import greedy_board
from jobdating.scheduling.planning.model import Instance
from jobdating.scheduling.planning.objective import weights
from jobdating.scheduling.planning.outcome import Engine, Status
from jobdating.scheduling.planning.relax import segments
from jobdating.scheduling.planning.solution import Part, Solution, pin_reasons, solution
from jobdating.scheduling.planning.solve_component import Resume, finish_component, solve_component

Method = Literal["relax", "direct"]


def greedy(instance: Instance) -> Solution:
    """The rank-first greedy plan (see `greedy.py`), compacted: fast and valid, no proof of quality."""
    frame = Frame(instance)
    reasons = pin_reasons(frame)
    board, unplaced = greedy_board(instance, frame)
    reasons += tuple(
        f"pin {p.candidate_id}/{p.company_id}: no free slot left in the greedy plan"
        for p in unplaced
        if not any(f"{p.candidate_id}/{p.company_id}" in r for r in reasons)
    )
    compact(board)
    return solution(
        instance, frame, board, "greedy", "infeasible" if reasons else "feasible", None, reasons, ()
    )


def solve(
    instance: Instance,
    *,
    engine: Engine = "highs",
    time_limit: float = 10.0,
    threads: int = 1,
    method: Method = "relax",
) -> Solution:
    """An optimised plan (see the module docstring), with `engine` ("highs" or "cpsat") on `threads`
    threads, back within `time_limit` seconds of wall time, model building included (`deadline.py`):
    what is left after the greedy plan, less what the finishing steps will take, is shared among
    components by size (time one component leaves goes to the next). Steps that cannot be cut (a
    timetable, a program already built) may run a little past it. A limit shorter than the greedy plan
    takes gives the greedy plan, with the bound of whatever could run.

    The result carries the solvers' real verdicts and bounds: see `Solution`."""
    back = Deadline.after(time_limit - _SCORE_SECONDS_PER_CANDIDATE * len(instance.candidates))
    # Level 2 (compaction) gets what it takes (measured ~0.4 ms a candidate), at most the last tenth.
    compacting = min(_COMPACT_SECONDS_PER_CANDIDATE * len(instance.candidates), 0.1 * back.left())
    clock = back.sooner(back.left() - compacting)
    frame = Frame(instance)
    w = weights(instance)
    solver = load_engine(engine)
    reasons = pin_reasons(frame)
    start, _ = greedy_board(instance, frame)
    board = Board(frame)
    segment_of = segments(frame)
    groups = components(frame)
    interview_bound = upper_bound(instance, frame, tiers=False).interviews
    sizes = [sum(len(frame.allowed(c)) for c in group) for group in groups]
    size_left = sum(sizes)
    parts: list[Part] = []
    resumes: list[Resume | None] = []
    for group, size in zip(groups, sizes, strict=True):
        share = clock.left() * size / size_left if size_left else clock.left()
        size_left -= size
        seed = [i for c in group for i in start.busy.get(c, {}).values()]
        part, refused, resume = solve_component(
            board, w, group, seed, segment_of, solver, share, clock, threads, method == "relax"
        )
        reasons += refused
        parts.append(part)
        resumes.append(resume)
    # Components left unproven for want of time in their share get what the others left, largest first.
    size_left = sum(s for s, p in zip(sizes, parts, strict=True) if p.status == "time_limit")
    for i, (group, size) in enumerate(zip(groups, sizes, strict=True)):
        if parts[i].status == "time_limit" and not clock.passed():
            until = clock.sooner(clock.left() * size / size_left)
            parts[i] = finish_component(
                board, w, group, parts[i], solver.run, until, threads, segment_of, resumes[i]
            )
            size_left -= size
    compact(board, back)
    bound = sum(p.bound for p in parts)
    statuses = {p.status for p in parts}
    status: Status
    if reasons:
        status = "infeasible"
    elif "time_limit" in statuses:
        status = "time_limit"
    elif statuses <= {"optimal"}:
        status = "optimal"
    else:
        status = "feasible"
    return solution(instance, frame, board, engine, status, bound, reasons, tuple(parts), interview_bound)


# Scoring the plan after the solvers: measured ~0.1 ms a candidate on the open fair (5,000 candidates)
# under load 10 on 2 cores; kept off the solvers' time so the plan is back on time.
_SCORE_SECONDS_PER_CANDIDATE = 2e-4
_COMPACT_SECONDS_PER_CANDIDATE = 4e-4
