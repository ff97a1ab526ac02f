"""A fast first plan: pins, then rounds in which each candidate gets at most one more interview.

Round j only serves candidates who have j - 1 interviews, so everybody who can get a first interview gets
it before anybody gets a second. In a round, candidates with the fewest options go first (then those a
company wants most); each takes the company not yet met whose interview is worth most to both sides
(`objective.py`: their own rank, then the company's choice; by their rank on a tie), at its earliest slot
with a free recruiter and a free computer.
"""

from __future__ import annotations

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Instance, Pair
from jobdating.scheduling.planning.objective import Weights, weights


def greedy_board(instance: Instance, frame: Frame) -> tuple[Board, tuple[Pair, ...]]:
    """The greedy plan on a board, and the pins it could not place."""
    board = Board(frame)
    w = weights(instance)
    unplaced = tuple(pin for pin in sorted(instance.pins, key=_pin_key) if not _place_pin(board, pin))
    wanted: dict[str, int] = {}
    for (candidate_id, _), worth in w.company.items():
        wanted[candidate_id] = max(wanted.get(candidate_id, 0), worth)
    waiting: list[tuple[int, int, str]] = []
    for candidate in instance.candidates:
        options = sum(len(frame.options(candidate.id, k)) for k, _ in frame.allowed(candidate.id))
        if options:
            # Among candidates as constrained, those a company wants most go first (0 without choices).
            waiting.append((options, -wanted.get(candidate.id, 0), candidate.id))
    waiting.sort()
    order = [candidate_id for _, _, candidate_id in waiting]
    rounds = max((c.max_interviews for c in instance.candidates), default=0)
    for j in range(1, rounds + 1):
        still: list[str] = []
        for candidate_id in order:
            if board.count(candidate_id) >= frame.candidates[candidate_id].max_interviews:
                continue
            if board.count(candidate_id) >= j or _place_best(board, w, candidate_id):
                still.append(candidate_id)
        # Capacity only shrinks, so a candidate who found nothing this round will find nothing later.
        order = still
    return board, unplaced


def _pin_key(pin: Pair) -> tuple[str, str]:
    return (pin.candidate_id, pin.company_id)


def _place_pin(board: Board, pin: Pair) -> bool:
    frame = board.frame
    if pin.candidate_id not in frame.candidates or pin.company_id not in frame.companies:
        return False
    if pin.company_id not in {k for k, _ in frame.allowed(pin.candidate_id)}:
        return False
    candidate = frame.candidates[pin.candidate_id]
    if (pin.candidate_id, pin.company_id) in board.met:
        return True
    if board.count(pin.candidate_id) >= candidate.max_interviews:
        return False
    return _place(board, pin.candidate_id, pin.company_id)


def _place_best(board: Board, w: Weights, candidate_id: str) -> bool:
    allowed = board.frame.allowed(candidate_id)
    if w.company:
        # Sorted is stable: without the companies' choices, the candidate's own order as before.
        allowed = tuple(sorted(allowed, key=lambda a: -w.pair(candidate_id, a[0], a[1])))
    for company_id, _ in allowed:
        if (candidate_id, company_id) not in board.met and _place(board, candidate_id, company_id):
            return True
    return False


def _place(board: Board, candidate_id: str, company_id: str) -> bool:
    frame = board.frame
    site_id = frame.candidates[candidate_id].site_id
    for t in frame.options(candidate_id, company_id):
        if not (board.candidate_free(candidate_id, t) and board.company_free(company_id, t)):
            continue
        computer_id = board.free_computer(site_id, t)
        if computer_id is not None:
            board.add(board.interview_at(candidate_id, company_id, t, computer_id))
            return True
    return False
