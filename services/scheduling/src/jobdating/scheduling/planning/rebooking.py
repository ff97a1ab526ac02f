"""Finding an interview a new place, and giving freed computer-slots to a site's waiting list: the two
moves a repair and returning capacity share."""

from __future__ import annotations

from collections.abc import Iterable

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Interview, Moment


def may_meet(frame: Frame, interview: Interview) -> bool:
    """Whether the candidate still asks for the company (or is pinned to it) and may meet it at their
    site."""
    return any(company_id == interview.company_id for company_id, _ in frame.allowed(interview.candidate_id))


def starts(frame: Frame, t: int) -> Moment:
    """When slot `t` begins."""
    day, start = frame.slots[t]
    return Moment(day=day, minute=start)


def relocate(board: Board, interview: Interview, earliest: Moment) -> Interview | None:
    """The interview on another free computer at the same time, else at the nearest time (same day first)
    when the candidate and a recruiter are free, not before `earliest`; booked on `board`; None if
    nowhere."""
    frame = board.frame
    candidate_id, company_id = interview.pair
    here = board.slot(interview)
    options = [t for t in frame.options(candidate_id, company_id) if starts(frame, t) >= earliest]
    options.sort(
        key=lambda t: (
            t != here,
            frame.slots[t][0] != interview.day,
            abs(frame.slots[t][1] - interview.start),
            t,
        )
    )
    site_id = frame.candidates[candidate_id].site_id  # a candidate who changed site moves with them
    same_site = site_id == interview.site_id
    for t in options:
        if board.candidate_free(candidate_id, t) and board.company_free(company_id, t):
            computer_id = board.free_computer(
                site_id, t, prefer=interview.computer_id if same_site and t != here else None
            )
            if computer_id is not None:
                new = board.interview_at(candidate_id, company_id, t, computer_id)
                board.add(new)
                return new
    return None


def give_to_waiting_list(
    board: Board, freed: list[tuple[str, int]], waiting: list[str], earliest: Moment
) -> list[Interview]:
    """Give the freed computer-slots still free, earliest first, to the waiting candidates who deserve them
    most: fewest interviews first, then the explicit waiting list in its order, then the best wish still
    open, then id. The computers free at one time are pooled across their sites, so that when a recruiter
    has room for one more at that time it goes to the first of the list wherever they wait (a checked-in
    candidate at one site before one not yet there at another), never to a site for its place in a list."""
    frame = board.frame
    listed = {c: n for n, c in enumerate(frame.instance.waiting)}
    at: dict[int, set[str]] = {}
    for computer_id, t in freed:
        at.setdefault(t, set()).add(computer_id)
    by_site: dict[str, list[str]] = {}
    for candidate_id in waiting:
        by_site.setdefault(frame.candidates[candidate_id].site_id, []).append(candidate_id)
    assigned: list[Interview] = []
    for t in sorted(at):
        if starts(frame, t) < earliest:
            continue
        free: dict[str, list[str]] = {}
        for computer_id in sorted(at[t]):
            if (computer_id, t) not in board.seat and t in frame.computer_slots(computer_id):
                free.setdefault(frame.computers[computer_id].site_id, []).append(computer_id)
        while free:
            there = (c for site_id in free for c in by_site.get(site_id, ()))
            best = _most_deserving(board, t, there, listed)
            if best is None:
                break
            candidate_id, company_id = best
            site_id = frame.candidates[candidate_id].site_id
            new = board.interview_at(candidate_id, company_id, t, free[site_id].pop(0))
            if not free[site_id]:
                del free[site_id]
            board.add(new)
            assigned.append(new)
    return assigned


def _most_deserving(
    board: Board, t: int, candidates: Iterable[str], listed: dict[str, int]
) -> tuple[str, str] | None:
    """Among `candidates`, the one who deserves slot `t` most (see `give_to_waiting_list`) and the company
    of their best wish still open then; None if nobody can take it."""
    frame = board.frame
    best: tuple[tuple[int, int, int, str], str] | None = None
    for candidate_id in candidates:
        candidate = frame.candidates[candidate_id]
        if board.count(candidate_id) >= candidate.max_interviews:
            continue
        if t not in frame.candidate_slots(candidate_id) or not board.candidate_free(candidate_id, t):
            continue
        for company_id, rank in frame.allowed(candidate_id):
            if (candidate_id, company_id) in board.met or t not in frame.options(candidate_id, company_id):
                continue
            if board.company_free(company_id, t):
                key = (
                    board.count(candidate_id),
                    listed.get(candidate_id, len(listed)),
                    rank if rank is not None else len(candidate.wishes) + 1,
                    candidate_id,
                )
                if best is None or key < best[0]:
                    best = (key, company_id)
                break  # the candidate's best open wish at this slot
    return None if best is None else (best[0][3], best[1])
