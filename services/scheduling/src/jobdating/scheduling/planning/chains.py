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
    # Free places only shrink while a chain is tried (it is undone unless it works), so the ones free now
    # bound where anything may move aside to, for the whole call.
    room: dict[str, set[int]] = {}
    for t in options:
        for blocker in _in_the_way(board, candidate_id, company_id, site_id, t):
            if blocker.begins < earliest or not movable(blocker):
                continue
            if blocker.site_id not in room:
                room[blocker.site_id] = _free_slots(board, blocker.site_id, earliest)
            free = room[blocker.site_id]
            if not any(u in free for u in frame.options(*blocker.pair)):
                continue  # nowhere it could go
            board.remove(blocker)
            placed = _place(board, candidate_id, company_id, site_id, t, interview)
            if placed is not None:
                aside = relocate(board, blocker, earliest)
                if aside == blocker:  # back on its own seat: no room was made
                    board.remove(aside)
                    aside = None
                if aside is not None:
                    return placed, blocker, aside
                board.remove(placed)
            board.add(blocker)
    return None


def _free_slots(board: Board, site_id: str, earliest: Moment) -> set[int]:
    """The slots from `earliest` on when some computer of the site is free."""
    frame = board.frame
    return {
        t
        for computer_id in frame.site_computers(site_id)
        for t in frame.computer_slots(computer_id)
        if (computer_id, t) not in board.seat and starts(frame, t) >= earliest
    }


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
