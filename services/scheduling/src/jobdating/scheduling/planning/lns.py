"""Large-neighbourhood search: re-solve the time-indexed program for a few candidates, everyone else fixed.

A neighbourhood starts from the candidates whose pairs found no slot and grows through what they share:
candidates meeting the same companies on those days, then candidates of the same sites. Their interviews
are taken off the board and the program is solved for them alone, warm-started from what they had, so the
plan never gets worse; recruiters and computers used by fixed interviews are not available.

The searches a component's solve runs with them while its plan is short of the relaxation's bound
(`solve_component`, step 3) are here too: around the pairs left unplaced (`search_unplaced`), then around
each company in turn (`company_sweeps`).
"""

from __future__ import annotations

from collections.abc import Callable

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import BUILD_SECONDS_PER_COLUMN, Deadline
from jobdating.scheduling.planning.formulation import Formulation, formulate
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.objective import Weights, score_interviews
from jobdating.scheduling.planning.outcome import Outcome, objective_of

Run = Callable[[Formulation, set[int], float, int], Outcome]
Tighten = Callable[[], tuple[int | None, float]]


def neighbourhood(board: Board, group: list[str], seeds: list[tuple[str, str]], limit: int) -> list[str]:
    """Up to `limit` candidates of `group` around the pairs `seeds`: their candidates, then candidates with
    an interview at the same site on the same day, then with the same company on the same day."""
    frame = board.frame
    chosen: dict[str, None] = {}
    sites: set[tuple[str, int]] = set()
    companies: set[tuple[str, int]] = set()
    for candidate_id, company_id in seeds:
        chosen[candidate_id] = None
        for t in frame.options(candidate_id, company_id):
            day = frame.slots[t][0]
            sites.add((frame.candidates[candidate_id].site_id, day))
            companies.add((company_id, day))
    for shares_site in (True, False):
        for candidate_id in group:
            if len(chosen) >= limit:
                return list(chosen)
            interviews = board.busy.get(candidate_id, {}).values()
            if candidate_id not in chosen and any(
                ((i.site_id, i.day) in sites) if shares_site else ((i.company_id, i.day) in companies)
                for i in interviews
            ):
                chosen[candidate_id] = None
    return list(chosen)


def reoptimize(
    board: Board, weights: Weights, candidate_ids: list[str], run: Run, until: Deadline, threads: int
) -> Outcome:
    """Re-solve the interviews of `candidate_ids` with every other interview fixed; the board gets the
    solver's plan for them (never worse than theirs, the warm start). The solver gets what is left `until`
    once the program is built."""
    frame = board.frame
    freed: list[Interview] = [i for c in candidate_ids for i in board.busy.get(c, {}).values()]
    for interview in freed:
        board.remove(interview)
    f = formulate(frame, weights, candidate_ids, fixed=board)
    index = {option: i for i, option in enumerate(f.options)}
    warm = {index[(i.candidate_id, i.company_id, board.slot(i))] for i in freed}
    # Reading the solver's plan back and placing it costs about what building did: kept off its limit.
    outcome = run(f, warm, until.left() - f.columns * BUILD_SECONDS_PER_COLUMN, threads)
    if outcome.status == "infeasible" or objective_of(f, set(outcome.chosen)) < objective_of(f, warm):
        for interview in freed:
            board.add(interview)
        return outcome
    for column in sorted(outcome.chosen, key=lambda i: (f.options[i][2], f.options[i][0], f.options[i][1])):
        candidate_id, company_id, t = f.options[column]
        computer_id = board.free_computer(frame.candidates[candidate_id].site_id, t)
        if computer_id is None:
            raise AssertionError("the program gave a site more interviews than computers")
        board.add(board.interview_at(candidate_id, company_id, t, computer_id))
    return outcome


def by_company(board: Board, group: list[str], limit: int) -> list[list[str]]:
    """Neighbourhoods around each company of `group` in turn: up to `limit` of the candidates who may meet
    it, those with the fewest interviews first. Who meets a company at which time is what both sides'
    wishes trade on, so a better plan one unit away is often a swap among one company's candidates."""
    frame = board.frame
    around: dict[str, list[str]] = {}
    for candidate_id in group:
        for company_id, _, _ in frame.open_options(candidate_id):
            around.setdefault(company_id, []).append(candidate_id)
    return [
        sorted(candidates, key=lambda c: (board.count(c), c))[:limit]
        for _, candidates in sorted(around.items())
        if len(candidates) > 1
    ]


def search_unplaced(
    board: Board,
    w: Weights,
    group: list[str],
    pairs: list[tuple[str, str]],
    bound: int,
    tighten: Tighten | None,
    run: Run,
    until: Deadline,
    threads: int,
    steps: list[str],
) -> tuple[float, int]:
    """Large-neighbourhood search around the chosen pairs the timetable could not place, a few at a time,
    while the plan is below the relaxation's bound. When a whole round over the
    unplaced pairs brings nothing (or one round, on a small component), it ends: the relaxation may not be
    tight there, and only the whole program can tell. If the first round falls short, `tighten` may lower
    the bound (the time-indexed linear relaxation). Stops `until`; returns the solver time spent and the
    bound."""
    seconds = 0.0
    objective = group_score(board, w, group)
    offset, idle, rounds = 0, 0, 0
    while objective < bound and not until.passed():
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
        outcome = reoptimize(board, w, chosen, run, until, threads)
        seconds += outcome.seconds
        better = group_score(board, w, group)
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
    if len(group) < _SMALL_COMPONENT and objective < bound:
        seconds += company_sweeps(board, w, group, bound, run, until, threads, steps)
    return seconds, bound


def company_sweeps(
    board: Board,
    w: Weights,
    group: list[str],
    bound: int,
    run: Run,
    until: Deadline,
    threads: int,
    steps: list[str],
) -> float:
    """Neighbourhoods around each company in turn (`lns.by_company`), sweep after sweep while one helps and
    the plan is below the bound: where the unplaced pairs lead nowhere, the last units of both sides'
    wishes are often swaps among one company's candidates (measured on the reference day with rankings:
    proven in 0.1 s of sweeps, where the whole program ran past 10 s with HiGHS)."""
    seconds = 0.0
    objective = group_score(board, w, group)
    improved = True
    while improved and objective < bound and not until.passed():
        improved = False
        for chosen in by_company(board, group, _NEIGHBOURHOOD_SMALL):
            if objective >= bound or until.passed():
                break
            before = [i for c in chosen for i in board.busy.get(c, {}).values()]
            outcome = reoptimize(board, w, chosen, run, until, threads)
            seconds += outcome.seconds
            better = group_score(board, w, group)
            if better > objective:
                steps.append(f"company neighbourhood of {len(chosen)}: {objective} -> {better}")
                improved, objective = True, better
            else:
                # An equally good plan is not taken: the plan stays the one the steps before gave.
                _put_back(board, chosen, before)
    return seconds


def _put_back(board: Board, candidate_ids: list[str], interviews: list[Interview]) -> None:
    """Give these candidates back exactly `interviews`."""
    for interview in [i for c in candidate_ids for i in board.busy.get(c, {}).values()]:
        board.remove(interview)
    for interview in interviews:
        board.add(interview)


def group_score(board: Board, w: Weights, group: list[str]) -> int:
    """Level 1 of the objective for the interviews the board holds for the candidates of `group`."""
    return score_interviews(board.frame, w, [i for c in group for i in board.busy.get(c, {}).values()])


_SEEDS = 2
_UNRANKED = 1000
# Measured: on the reference day (50 candidates) neighbourhoods of 16 reach the optimum in 0.2 s where 24
# take 0.8-2.5 s; on the computer-bound fair (250 per component) 24 keep 0.2 % more interviews than 16.
_NEIGHBOURHOOD_SMALL, _NEIGHBOURHOOD_LARGE, _SMALL_COMPONENT = 16, 24, 100
