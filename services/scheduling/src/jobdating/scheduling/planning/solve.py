"""Planning a job dating: a greedy first plan, and an optimising solve that proves level 1 when it can.

`solve` works one independent component at a time (exact, see `components.py`):

1. who meets whom: the segment relaxation (`relax.py`), solved by the engine, gives pairs and an upper
   bound on level 1 of the objective (`objective.py`);
2. when: the timetable (`timetable.py`) gives every chosen pair a slot and a computer. If all are placed,
   the component's plan reaches the bound: level 1 is proven optimal;
3. otherwise a large-neighbourhood search (`lns.py`) re-solves the time-indexed program (`formulation.py`)
   around the pairs left out, everything else fixed, until the plan reaches the bound; on a small
   component the time-indexed linear relaxation (HiGHS) may lower the bound first;
4. still short of the bound: a small component's whole time-indexed program is solved, warm-started,
   within what is left of its share, and its verdict is reported as is; a large one keeps searching
   neighbourhoods until its share is spent ("time_limit", with the bound and gap);
5. level 2: interviews move earlier while any can (`compact.py`).

Every plan handed to a solver as a warm start is valid, so the result is never worse than the greedy
plan. `method="direct"` skips steps 1-3 (the time-indexed program from the greedy plan), for comparison.

The same input and settings give the same plan on one thread, whatever the machine's load, as long as no
clock decides: no solver run stops on its limit and no search spends its share (then the status is
"time_limit", or a step ran short and the next one proved optimality on another of the equally optimal
plans). Coordinators expect one plan for one job dating; see `highs.FIRST_TRY_NODES`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import msgspec

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.bound import upper_bound
from jobdating.scheduling.planning.compact import compact
from jobdating.scheduling.planning.components import components
from jobdating.scheduling.planning.formulation import Formulation, formulate
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.greedy import greedy_board
from jobdating.scheduling.planning.lns import neighbourhood, reoptimize
from jobdating.scheduling.planning.model import Instance, Interview, Plan
from jobdating.scheduling.planning.objective import Weights, earliest, lateness, score, weights
from jobdating.scheduling.planning.outcome import Engine, Outcome, Status
from jobdating.scheduling.planning.relax import relax, segments
from jobdating.scheduling.planning.timetable import timetable

Method = Literal["relax", "direct"]


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


def greedy(instance: Instance) -> Solution:
    """The rank-first greedy plan (see `greedy.py`), compacted: fast and valid, no proof of quality."""
    frame = Frame(instance)
    reasons = _pin_reasons(frame)
    board, unplaced = greedy_board(instance, frame)
    reasons += tuple(
        f"pin {p.candidate_id}/{p.company_id}: no free slot left in the greedy plan"
        for p in unplaced
        if not any(f"{p.candidate_id}/{p.company_id}" in r for r in reasons)
    )
    compact(board)
    return _solution(
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
    threads, in about `time_limit` seconds of solver time, shared among components by size (time one
    component leaves is given to the next; each segment relaxation gets at least a second, though it
    takes milliseconds). The Python around the solvers adds to the wall time: 1-2 s on 5,000 candidates
    plus about half the solver time on the large neighbourhood searches.

    The result carries the solvers' real verdicts and bounds: see `Solution`."""
    frame = Frame(instance)
    w = weights(instance)
    solver = _engine(engine)
    reasons = _pin_reasons(frame)
    start, _ = greedy_board(instance, frame)
    board = Board(frame)
    segment_of = segments(frame)
    groups = components(frame)
    sizes = [sum(len(frame.allowed(c)) for c in group) for group in groups]
    remaining, size_left = time_limit, sum(sizes)
    parts: list[Part] = []
    for group, size in zip(groups, sizes, strict=True):
        share = remaining * size / size_left if size_left else remaining
        size_left -= size
        seed = [i for c in group for i in start.busy.get(c, {}).values()]
        part, pin_reasons = _solve_group(board, w, group, seed, segment_of, solver, share, threads, method)
        reasons += pin_reasons
        remaining = max(remaining - part.seconds, 0.0)
        parts.append(part)
    compact(board)
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
    return _solution(instance, frame, board, engine, status, bound, reasons, tuple(parts))


Run = Callable[[Formulation, set[int], float, int], Outcome]
LpBound = Callable[[Formulation, float], tuple[int | None, float]]
Tighten = Callable[[], tuple[int | None, float]]


def _solve_group(
    board: Board,
    w: Weights,
    group: list[str],
    seed: list[Interview],
    segment_of: list[int],
    solver: _Solver,
    share: float,
    threads: int,
    method: Method,
) -> tuple[Part, tuple[str, ...]]:
    frame = board.frame
    run = solver.run
    steps: list[str] = []
    seconds = 0.0
    bound: int | None = None
    if method == "relax":
        r = relax(frame, w, group, segment_of)
        index = {option: i for i, option in enumerate(r.options)}
        warm = {index[(i.candidate_id, i.company_id, segment_of[board.slot(i)])] for i in seed}
        # The relaxation takes milliseconds and without it there is no bound: it always gets a second.
        outcome = run(r, warm, max(share, _RELAXATION_FLOOR), threads)
        seconds += outcome.seconds
        steps.append(f"relaxation {len(r.options)}x{len(r.rows)}: {outcome.status} ({outcome.solver_status})")
        if outcome.status == "infeasible":
            for interview in seed:
                board.add(interview)
            pins = ", ".join(sorted(f"{c}/{k}" for c, k in r.pinned))
            part = Part(
                candidates=len(group),
                status="infeasible",
                objective=0,
                bound=0,
                steps=tuple(steps),
                seconds=seconds,
            )
            return part, (f"pins {pins} cannot all be honoured together",)
        bound = outcome.bound
        segment = {r.options[i][:2]: r.options[i][2] for i in outcome.chosen}
        left = timetable(board, list(segment), segment_of, segment)
        steps.append(f"timetable: {len(segment) - len(left)} of {len(segment)} pairs placed")
        if outcome.status == "optimal" and left:
            tighten = _lp_step(solver, board, w, group, share / 4, steps)
            # On a large component the whole program cannot finish in its share: the search keeps it all.
            large = _program_size(frame, group) > _LP_COLUMNS
            budget = share - seconds if large else (share - seconds) / 2
            spent, bound = _neighbourhoods(
                board, w, group, list(segment), bound, tighten, run, budget, threads, steps
            )
            seconds += spent
            if large and seconds >= share and _group_score(board, w, group) < bound:
                steps.append("time limit reached in the neighbourhood search")
                objective = _keep_better(board, w, group, seed)
                part = Part(
                    candidates=len(group),
                    status="time_limit",
                    objective=objective,
                    bound=bound,
                    steps=tuple(steps),
                    seconds=seconds,
                )
                return part, ()
    else:
        for interview in seed:
            board.add(interview)
    objective = _group_score(board, w, group)
    status: Status = "optimal"
    if bound is None or objective < bound:
        outcome = _time_indexed(board, w, group, seed, run, max(share - seconds, share / 4), threads)
        seconds += outcome.seconds
        steps.append(f"time-indexed: {outcome.status} ({outcome.solver_status})")
        objective = _group_score(board, w, group)
        bound = outcome.bound if bound is None else min(bound, outcome.bound)
        status = "optimal" if objective >= bound else outcome.status
    bound = max(bound, objective)
    part = Part(
        candidates=len(group),
        status=status,
        objective=objective,
        bound=bound,
        steps=tuple(steps),
        seconds=seconds,
    )
    return part, ()


def _neighbourhoods(
    board: Board,
    w: Weights,
    group: list[str],
    pairs: list[tuple[str, str]],
    bound: int,
    tighten: Tighten | None,
    run: Run,
    budget: float,
    threads: int,
    steps: list[str],
) -> tuple[float, int]:
    """Large-neighbourhood search around the chosen pairs the timetable could not place, a few at a time,
    while the plan is below the relaxation's bound. When a whole round over the
    unplaced pairs brings nothing (or one round, on a small component), it ends: the relaxation may not be
    tight there, and only the whole program can tell. If the first round falls short, `tighten` may lower
    the bound (the time-indexed linear relaxation). Stops once `budget` is spent; returns the solver time
    spent and the bound."""
    seconds = 0.0
    objective = _group_score(board, w, group)
    offset, idle, rounds = 0, 0, 0
    while objective < bound and seconds < budget:
        # Fairness first: pairs of the candidates with the fewest interviews, then by their rank.
        unplaced = sorted(
            (p for p in pairs if p not in board.met),
            key=lambda p: (board.count(p[0]), board.frame.rank(*p) or _UNRANKED, p),
        )
        if not unplaced or idle >= len(unplaced):
            break
        offset %= len(unplaced)
        # First all of them around the same candidates, then a few at a time for wider neighbourhoods.
        seeds = unplaced if rounds == 0 else unplaced[offset : offset + _SEEDS]
        rounds += 1
        size = _NEIGHBOURHOOD_SMALL if len(group) < _SMALL_COMPONENT else _NEIGHBOURHOOD_LARGE
        chosen = neighbourhood(board, group, seeds, size)
        outcome = reoptimize(board, w, chosen, run, budget - seconds, threads)
        seconds += outcome.seconds
        better = _group_score(board, w, group)
        steps.append(f"neighbourhood of {len(chosen)}: {objective} -> {better} ({outcome.status})")
        if better == objective and 3 * len(chosen) >= len(group):
            break  # a third of the component or more: the whole program is the better next step
        idle = 0 if better > objective else idle + min(len(seeds), _SEEDS)
        offset += 0 if rounds == 1 else len(seeds)
        objective = better
        if rounds == 1 and objective < bound and tighten is not None:
            lp, lp_seconds = tighten()
            seconds += lp_seconds
            bound = bound if lp is None else min(bound, lp)
    return seconds, bound


def _lp_step(
    solver: _Solver, board: Board, w: Weights, group: list[str], limit: float, steps: list[str]
) -> Tighten | None:
    """The time-indexed program's linear relaxation as a bound, when the engine has one and the program is
    small enough for it to be cheap."""
    lp_bound = solver.lp_bound
    if lp_bound is None:
        return None

    def tighten() -> tuple[int | None, float]:
        program = formulate(board.frame, w, group)
        if program.columns > _LP_COLUMNS:
            return None, 0.0
        lp, seconds = lp_bound(program, limit)
        steps.append(f"time-indexed linear relaxation: {'stopped by the time limit' if lp is None else lp}")
        return lp, seconds

    return tighten


_SEEDS = 2
_RELAXATION_FLOOR = 1.0
_UNRANKED = 1000
# Up to this size the time-indexed linear relaxation solved in about 0.1 s on the benchmarks; at 13,000
# columns (the computer-bound fair) it took 17 to 43 s.
_LP_COLUMNS = 6000
# Measured: on the reference day (50 candidates) neighbourhoods of 16 reach the optimum in 0.2 s where 24
# take 0.8-2.5 s; on the computer-bound fair (250 per component) 24 keep 0.2 % more interviews than 16.
_NEIGHBOURHOOD_SMALL, _NEIGHBOURHOOD_LARGE, _SMALL_COMPONENT = 16, 24, 100


def _keep_better(board: Board, w: Weights, group: list[str], seed: list[Interview]) -> int:
    """Put the greedy plan back for this component if it scores better than what the board holds; return
    the component's score."""
    placed = [i for c in group for i in board.busy.get(c, {}).values()]
    if _score_of(board.frame, w, seed) > _score_of(board.frame, w, placed):
        for interview in placed:
            board.remove(interview)
        for interview in seed:
            board.add(interview)
    return _group_score(board, w, group)


def _program_size(frame: Frame, group: list[str]) -> int:
    """How many x columns the component's time-indexed program has."""
    return sum(len(frame.options(c, k)) for c in group for k, _ in frame.allowed(c))


def _time_indexed(
    board: Board, w: Weights, group: list[str], seed: list[Interview], run: Run, budget: float, threads: int
) -> Outcome:
    """The whole component's time-indexed program, warm-started from the board or the greedy plan,
    whichever scores better; the board gets the solver's plan."""
    frame = board.frame
    placed = [i for c in group for i in board.busy.get(c, {}).values()]
    for interview in placed:
        board.remove(interview)
    start = seed if _score_of(frame, w, seed) > _score_of(frame, w, placed) else placed
    for interview in start:
        board.add(interview)
    return reoptimize(board, w, group, run, budget, threads)


def _group_score(board: Board, w: Weights, group: list[str]) -> int:
    return _score_of(board.frame, w, [i for c in group for i in board.busy.get(c, {}).values()])


def _score_of(frame: Frame, w: Weights, interviews: Iterable[Interview]) -> int:
    counts: dict[str, int] = {}
    total = 0
    for interview in interviews:
        counts[interview.candidate_id] = counts.get(interview.candidate_id, 0) + 1
        total += w.interview(frame.rank(interview.candidate_id, interview.company_id))
    return total + sum(w.tier(j) for n in counts.values() for j in range(1, n + 1))


@dataclass(frozen=True)
class _Solver:
    run: Run
    lp_bound: LpBound | None


def _engine(engine: Engine) -> _Solver:
    # Imported on demand: the two engines cannot be loaded in one process (google/or-tools#5246).
    other = "ortools" if engine == "highs" else "highspy"
    if other in sys.modules:
        raise RuntimeError(f"{engine} cannot run in a process that loaded {other} (google/or-tools#5246)")
    if engine == "highs":
        from jobdating.scheduling.planning.highs import lp_bound_highs, solve_highs

        return _Solver(solve_highs, lp_bound_highs)
    from jobdating.scheduling.planning.cpsat import solve_cpsat

    return _Solver(solve_cpsat, None)


def _solution(
    instance: Instance,
    frame: Frame,
    board: Board,
    engine: Literal["greedy", "highs", "cpsat"],
    status: Status,
    bound: int | None,
    reasons: tuple[str, ...],
    parts: tuple[Part, ...],
) -> Solution:
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
        interview_bound=upper_bound(instance, frame).interviews,
        reasons=reasons,
        parts=parts,
        seconds=sum(p.seconds for p in parts),
    )


def _pin_reasons(frame: Frame) -> tuple[str, ...]:
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
