"""Level 2 of the objective: keep who meets whom, move interviews to earlier slots while any move helps.

Each move takes one interview to a slot earlier in its day (same candidate and company, any free computer
of the site), so the sum of positions strictly drops and the passes end. The result is a local optimum:
no single interview can move earlier.
"""

from __future__ import annotations

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import Deadline


def compact(board: Board, until: Deadline | None = None) -> int:
    """Move interviews on `board` earlier until none can, or `until` passes (each move stands on its own,
    so stopping anywhere leaves a valid plan); return how many moves were made."""
    frame = board.frame
    moves = 0
    improved = True
    while improved:
        improved = False
        # Earliest first: an interview that moves frees a slot that later ones may then take.
        for interview in sorted(board.seat.values(), key=lambda i: (frame.position[board.slot(i)], i.pair)):
            if until is not None and until.passed():
                return moves
            here = frame.position[board.slot(interview)]
            if here == 0:
                continue
            board.remove(interview)
            candidate_id, company_id = interview.pair
            earlier = sorted(
                (t for t in frame.options(candidate_id, company_id) if frame.position[t] < here),
                key=lambda t: (frame.position[t], t),
            )
            for t in earlier:
                if board.candidate_free(candidate_id, t) and board.company_free(company_id, t):
                    computer_id = board.free_computer(interview.site_id, t, prefer=interview.computer_id)
                    if computer_id is not None:
                        board.add(board.interview_at(candidate_id, company_id, t, computer_id))
                        moves += 1
                        improved = True
                        break
            else:
                board.add(interview)
    return moves
