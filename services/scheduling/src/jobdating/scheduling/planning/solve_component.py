"""Solving one independent component: the segment relaxation and the timetable, the neighbourhood search
while the plan is short of the bound (its searches are in `lns`), the whole time-indexed program last
(steps 1-4 of `solve`).

Every step keeps to the wall clock (`deadline.py`): solver limits are what is left of the component's
share once the program is built, and the whole program is built only when building and solving it fits;
otherwise the neighbourhood searches go on until the share is spent and the part says "time_limit", with
the relaxation's bound."""

from __future__ import annotations

from typing import NamedTuple

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import Deadline
from jobdating.scheduling.planning.engines import Solver
from jobdating.scheduling.planning.formulation import formulate
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.lns import (
    Run,
    Tighten,
    company_sweeps,
    group_score,
    reoptimize,
    search_unplaced,
)
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.objective import Weights, score_interviews
from jobdating.scheduling.planning.outcome import Outcome, Status
from jobdating.scheduling.planning.place import place_segments
from jobdating.scheduling.planning.relax import relax
from jobdating.scheduling.planning.solution import Part
from jobdating.scheduling.planning.timetable import timetable


class Resume(NamedTuple):
    """Where a component's exact placement (`place.py`) stopped for want of time: the relaxation's choice
    and the pairs whose tries the clock cut, taken up again by the second try (`finish_component`)."""

    segment: dict[tuple[str, str], int]
    pairs: list[tuple[str, str]]


def solve_component(
    board: Board,
    w: Weights,
    group: list[str],
    seed: list[Interview],
    segment_of: list[int],
    solver: Solver,
    share: float,
    clock: Deadline,
    threads: int,
    relaxed: bool,
) -> tuple[Part, tuple[str, ...], Resume | None]:
    """Place the component `group` on the board within `share` seconds of wall time (and by `clock`, the
    whole solve's deadline), from the greedy plan `seed`; `relaxed` starts from the segment relaxation,
    otherwise from the whole program. Returns how it went, when its pins cannot all hold why, and what
    of its exact placement the clock cut short."""
    frame = board.frame
    run = solver.run
    until = clock.sooner(share)
    size = _program_size(frame, group)
    steps: list[str] = []
    seconds = 0.0
    bound: int | None = None
    cut: list[tuple[str, str]] = []
    if relaxed:
        r = relax(frame, w, group, segment_of)
        index = {option: i for i, option in enumerate(r.options)}
        warm = {index[(i.candidate_id, i.company_id, segment_of[board.slot(i)])] for i in seed}
        # Without the relaxation there is no bound and it takes milliseconds on a small component: it
        # gets up to a second, less what the timetable after it will need (on a large component it would
        # otherwise eat it), and a tenth of a second even past the deadline.
        left_then = clock.sooner(max(share, _RELAXATION_FLOOR)).left()
        timetabling = _TIMETABLE_SECONDS_PER_OPTION * len(r.options)
        limit = max(left_then - timetabling, left_then / 10, _RELAXATION_LEAST)
        outcome = run(r, warm, limit, threads)
        seconds += outcome.seconds
        steps.append(f"relaxation {len(r.options)}x{len(r.rows)}: {outcome.status} ({outcome.solver_status})")
        if outcome.status == "infeasible":
            for interview in seed:
                board.add(interview)
            pins = ", ".join(sorted(f"{c}/{k}" for c, k in r.pinned))
            part = _part(group, "infeasible", 0, 0, steps, seconds)
            return part, (f"pins {pins} cannot all be honoured together",), None
        bound = outcome.bound
        segment = {r.options[i][:2]: r.options[i][2] for i in outcome.chosen}
        # A limit shorter than the steps that cannot wait (the greedy plan, the bounds) leaves nothing:
        # the timetable still gets what it should take, so the plan is the relaxation's, not the greedy's.
        left = timetable(board, list(segment), segment_of, segment, clock.later(timetabling))
        steps.append(f"timetable: {len(segment) - len(left)} of {len(segment)} pairs placed")
        # On a large component the whole program cannot finish in its share: the search keeps it all.
        large = size > _LP_COLUMNS
        if outcome.status == "optimal" and left and size > _PLACING_COLUMNS:
            # The relaxation's pairs, placed exactly where the heuristic left some out: all placed proves
            # level 1 optimal without the whole program (`place.py`).
            # It proves in tenths of a second what the searches after it rarely prove in their share, so
            # it may take a little more than the share, within the whole solve's deadline; what the clock
            # cuts short is taken up again in the second try. Below `_PLACING_COLUMNS` the whole program
            # proves as fast and picks the same optimum as before this step (the played demo day's
            # figures follow from which of its equal optima the plan is).
            placing_until = clock.sooner(max(until.left(), _PLACING_FLOOR))
            left, spent, placing = place_segments(
                board, w, group, segment, segment_of, left, run, placing_until, threads, cut
            )
            seconds += spent
            steps.extend(placing)
        if outcome.status == "optimal" and left:
            tighten = _lp_step(solver, board, w, group, size, until.sooner(share / 4), steps)
            search = until if large else until.sooner(until.left() / 2)
            spent, bound = search_unplaced(
                board, w, group, list(segment), bound, tighten, run, search, threads, steps
            )
            seconds += spent
        if (large or not until.fits(size)) and group_score(board, w, group) < bound:
            # Sweeps go on where the unplaced pairs led nowhere (small components had theirs).
            if large and not until.passed():
                seconds += company_sweeps(board, w, group, bound, run, until, threads, steps)
            if not until.fits(size) and group_score(board, w, group) < bound:
                # Stopped by the clock, or by a search that stalled on a program too large to run.
                stopped: Status = "time_limit" if until.passed() else "feasible"
                steps.append(
                    f"{stopped}: the whole program ({size} columns) cannot be built and solved in time"
                )
                objective = _keep_better(board, w, group, seed)
                resume = Resume(segment, cut) if cut else None
                return _part(group, stopped, objective, bound, steps, seconds), (), resume
    else:
        for interview in seed:
            board.add(interview)
    objective = group_score(board, w, group)
    status: Status = "optimal"
    if bound is None or objective < bound:
        # The direct method (a comparison) always runs it, from the greedy plan, in what is left.
        outcome = _time_indexed(board, w, group, seed, run, until, threads)
        seconds += outcome.seconds
        steps.append(f"time-indexed: {outcome.status} ({outcome.solver_status})")
        objective = group_score(board, w, group)
        bound = outcome.bound if bound is None else min(bound, outcome.bound)
        status = "optimal" if objective >= bound else outcome.status
    bound = max(bound, objective)
    return _part(group, status, objective, bound, steps, seconds), (), None


def _part(
    group: list[str], status: Status, objective: int, bound: int, steps: list[str], seconds: float
) -> Part:
    """How the component `group` went: where its search stopped, the steps it took and their time."""
    return Part(
        candidates=len(group),
        status=status,
        objective=objective,
        bound=bound,
        steps=tuple(steps),
        seconds=seconds,
    )


def finish_component(
    board: Board,
    w: Weights,
    group: list[str],
    part: Part,
    run: Run,
    until: Deadline,
    threads: int,
    segment_of: list[int],
    resume: Resume | None,
) -> Part:
    """A second try at a component its share left unproven, with time the other components left
    (`until`): first the exact placement the clock cut short (`resume`), then, still short of the bound,
    its whole time-indexed program from the board's plan, when building and solving it fits."""
    if part.status != "time_limit":
        return part
    if resume is not None and not until.passed() and _holds_only(board, group, resume.segment):
        _, spent, placing = place_segments(
            board, w, group, resume.segment, segment_of, resume.pairs, run, until, threads
        )
        objective = group_score(board, w, group)
        part = Part(
            candidates=part.candidates,
            status="optimal" if objective >= part.bound else part.status,
            objective=objective,
            bound=max(part.bound, objective),
            steps=(*part.steps, *(f"with the time left, {line}" for line in placing)),
            seconds=part.seconds + spent,
        )
    size = _program_size(board.frame, group)
    # Measured on the regional fairs: a whole program given less than a second overran it (HiGHS's
    # presolve and warm start) and brought nothing.
    if part.status != "time_limit" or not until.fits(size) or until.left() < _SECOND_TRY_LEAST:
        return part
    placed = [i for c in group for i in board.busy.get(c, {}).values()]
    outcome = _time_indexed(board, w, group, placed, run, until, threads)
    objective = group_score(board, w, group)
    bound = max(min(part.bound, outcome.bound), objective)
    return Part(
        candidates=part.candidates,
        status="optimal" if objective >= bound else outcome.status,
        objective=objective,
        bound=bound,
        steps=(*part.steps, f"time-indexed with the time left: {outcome.status} ({outcome.solver_status})"),
        seconds=part.seconds + outcome.seconds,
    )


def _lp_step(
    solver: Solver,
    board: Board,
    w: Weights,
    group: list[str],
    size: int,
    until: Deadline,
    steps: list[str],
) -> Tighten | None:
    """The time-indexed program's linear relaxation as a bound, when the engine has one and the program
    (`size` columns) is small enough for it to be cheap: its size is known before it is built, so a large
    one costs nothing."""
    lp_bound = solver.lp_bound
    if lp_bound is None or size > _LP_COLUMNS:
        return None

    def tighten() -> tuple[int | None, float]:
        program = formulate(board.frame, w, group)
        lp, seconds = lp_bound(program, until.left())
        steps.append(f"time-indexed linear relaxation: {'stopped by the time limit' if lp is None else lp}")
        return lp, seconds

    return tighten


_RELAXATION_FLOOR = 1.0
_RELAXATION_LEAST = 0.1
# Measured on the 10,000-candidate regional fair (load 8): the 7 missing pairs of its largest component
# (269 candidates) placed in 0.44 s, most components' in 0.05-0.2 s.
_PLACING_FLOOR = 0.3
# Placing pays from this size on: the 10,000-candidate regional fair's components of 4,500-6,000 columns
# whose timetable left pairs out reached the whole program and ran past 15 s unproven; placed, they
# proved in 0.1-0.9 s (the demo job dating, about 2,000 columns, never gets there: see above).
_PLACING_COLUMNS = 3000
_SECOND_TRY_LEAST = 1.0
# Measured on the open computer-bound fair (5,000 candidates, 17,700 options) at load 8-12 on 2 cores.
_TIMETABLE_SECONDS_PER_OPTION = 2.5e-4
# Up to this size the time-indexed linear relaxation solved in about 0.1 s on the benchmarks; at 13,000
# columns (the computer-bound fair) it took 17 to 43 s.
_LP_COLUMNS = 6000


def _keep_better(board: Board, w: Weights, group: list[str], seed: list[Interview]) -> int:
    """Put the greedy plan back for this component if it scores better than what the board holds; return
    the component's score."""
    placed = [i for c in group for i in board.busy.get(c, {}).values()]
    if score_interviews(board.frame, w, seed) > score_interviews(board.frame, w, placed):
        for interview in placed:
            board.remove(interview)
        for interview in seed:
            board.add(interview)
    return group_score(board, w, group)


def _holds_only(board: Board, group: list[str], segment: dict[tuple[str, str], int]) -> bool:
    """Whether the board holds only pairs of the relaxation's choice for this component (not the greedy
    plan put back, see `_keep_better`): only then can placing the rest of that choice reach its bound."""
    return all(i.pair in segment for c in group for i in board.busy.get(c, {}).values())


def _program_size(frame: Frame, group: list[str]) -> int:
    """How many x columns the component's time-indexed program has."""
    return sum(len(frame.options(c, k)) for c in group for k, _ in frame.allowed(c))


def _time_indexed(
    board: Board, w: Weights, group: list[str], seed: list[Interview], run: Run, until: Deadline, threads: int
) -> Outcome:
    """The whole component's time-indexed program, warm-started from the board or the greedy plan,
    whichever scores better; the board gets the solver's plan."""
    frame = board.frame
    placed = [i for c in group for i in board.busy.get(c, {}).values()]
    for interview in placed:
        board.remove(interview)
    start = seed if score_interviews(frame, w, seed) > score_interviews(frame, w, placed) else placed
    for interview in start:
        board.add(interview)
    return reoptimize(board, w, group, run, until, threads)
