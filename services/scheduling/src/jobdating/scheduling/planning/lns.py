"""Large-neighbourhood search: re-solve the time-indexed program for a few candidates, everyone else fixed.

A neighbourhood starts from the candidates whose pairs found no slot and grows through what they share:
candidates meeting the same companies on those days, then candidates of the same sites. Their interviews
are taken off the board and the program is solved for them alone, warm-started from what they had, so the
plan never gets worse; recruiters and computers used by fixed interviews are not available.
"""

from __future__ import annotations

from collections.abc import Callable

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import BUILD_SECONDS_PER_COLUMN, Deadline
from jobdating.scheduling.planning.formulation import Formulation, formulate
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.objective import Weights
from jobdating.scheduling.planning.outcome import Outcome, objective_of

Run = Callable[[Formulation, set[int], float, int], Outcome]


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
