"""Saving an interview a repair would cancel by moving one other interview out of its way: a chain of
two moves at most.

A repair first tries to move an affected interview to a free place (one change). When its site, its
candidate or its company is full at every time it could use, one interview standing in the way (the
candidate's own, one of the company's, or one on a computer of the site) may move to another free valid
place, so that the affected one takes the room it leaves. That costs two changes instead of one
cancellation; the interview moved aside must not have begun, must not start before `earliest`, and never
moves twice in one repair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.model import Interview, Moment
from jobdating.scheduling.planning.rebooking import relocate, starts


def relocate_by_moving_one(
    board: Board,
    interview: Interview,
    earliest: Moment,
    movable: Callable[[Interview], bool],
) -> tuple[Interview, Interview, Interview] | None:
    """(the interview's new place, the interview moved aside, its new place), booked on `board`, for the
    nearest time (same day first) where moving one `movable` interview makes room; None if no chain of two
    moves saves it. `interview` must not be on `board`."""
    frame = board.frame
    candidate_id, company_id = interview.pair
    site_id = frame.candidates[candidate_id].site_id
    options = [t for t in frame.options(candidate_id, company_id) if starts(frame, t) >= earliest]
    options.sort(
        key=lambda t: (frame.slots[t][0] != interview.day, abs(frame.slots[t][1] - interview.start), t)
    )
    roomy: dict[str, bool] = {}  # nothing stays booked until a chain is found: valid for the whole call
    for t in options:
        for blocker in _in_the_way(board, candidate_id, company_id, site_id, t):
            if blocker.begins < earliest or not movable(blocker):
                continue
            if blocker.site_id not in roomy:
                roomy[blocker.site_id] = _has_room(board, blocker.site_id, earliest)
            if not roomy[blocker.site_id]:
                continue  # a full site has nowhere to move anyone aside to
            board.remove(blocker)
            placed = _place(board, candidate_id, company_id, site_id, t, interview)
            if placed is not None:
                aside = relocate(board, blocker, earliest)
                if aside is not None:
                    return placed, blocker, aside
                board.remove(placed)
            board.add(blocker)
    return None


def _has_room(board: Board, site_id: str, earliest: Moment) -> bool:
    """Some computer of the site is free at some time from `earliest` on."""
    frame = board.frame
    return any(
        (computer_id, t) not in board.seat and starts(frame, t) >= earliest
        for computer_id in frame.site_computers(site_id)
        for t in frame.computer_slots(computer_id)
    )


def _place(
    board: Board, candidate_id: str, company_id: str, site_id: str, t: int, interview: Interview
) -> Interview | None:
    if not (board.candidate_free(candidate_id, t) and board.company_free(company_id, t)):
        return None
    same = site_id == interview.site_id
    computer_id = board.free_computer(site_id, t, prefer=interview.computer_id if same else None)
    if computer_id is None:
        return None
    placed = board.interview_at(candidate_id, company_id, t, computer_id)
    board.add(placed)
    return placed


def _in_the_way(
    board: Board, candidate_id: str, company_id: str, site_id: str, t: int
) -> Iterator[Interview]:
    """The interviews whose place at `t` (or near it, for the candidate's buffer) blocks the pair: the
    candidate's own, the company's recruiters', the site's computers'; each once, in that order."""
    frame = board.frame
    seen: set[Interview] = set()
    own = board.busy.get(candidate_id, {})
    found = [own[u] for u in (t, *frame.conflicts[t]) if u in own]
    found += board.running.get((company_id, t), ())
    found += [i for computer_id in frame.site_computers(site_id) if (i := board.seat.get((computer_id, t)))]
    for blocker in found:
        if blocker not in seen:
            seen.add(blocker)
            yield blocker
