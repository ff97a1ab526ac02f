"""When: give every chosen (candidate, company) pair a slot and a computer, earliest first.

Slots are filled in time order. At each slot, candidates are matched to companies like in a bipartite
matching: candidates with the least slack first (slack: how many more interviews their remaining usable
slots could hold than they still need), each through an augmenting path, so a candidate already matched
at that slot may switch company to make room but is never dropped. Companies with the least slack are
tried first. A pair may be tied to a segment (the relaxation's choice) so the per-segment totals the
relaxation checked stay consistent. Pairs that find no slot this way are tried once more anywhere they
fit, then by moving one interview in their way; whatever is left is returned to the caller. Past its
deadline it stops where it is (every interview placed so far stands) and returns the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.deadline import Deadline
from jobdating.scheduling.planning.model import Interview


def timetable(
    board: Board,
    pairs: Iterable[tuple[str, str]],
    segment_of: list[int] | None = None,
    segment: dict[tuple[str, str], int] | None = None,
    until: Deadline | None = None,
) -> list[tuple[str, str]]:
    """Place `pairs` on `board` (which may already hold interviews), each in its `segment` when given,
    by `until`; return the pairs left unplaced."""
    frame = board.frame
    remaining: dict[str, set[str]] = {}
    pending: dict[str, set[str]] = {}
    usable: dict[tuple[str, str], tuple[int, ...]] = {}
    for pair in sorted(pairs):
        candidate_id, company_id = pair
        options = frame.options(candidate_id, company_id)
        if segment is not None and segment_of is not None and pair in segment:
            options = tuple(t for t in options if segment_of[t] == segment[pair])
        usable[pair] = options
        remaining.setdefault(candidate_id, set()).add(company_id)
        pending.setdefault(company_id, set()).add(candidate_id)
    wanted_at: dict[int, list[tuple[str, str]]] = {}
    for pair, options in usable.items():
        for t in options:
            wanted_at.setdefault(t, []).append(pair)
    for t in sorted(wanted_at):
        if until is not None and until.passed():
            break
        _fill_slot(board, t, wanted_at[t], remaining, pending, usable)
    left = sorted((c, k) for c, companies in remaining.items() for k in companies)
    return [
        pair
        for pair in left
        if (until is not None and until.passed())
        or not (_place_anywhere(board, *pair) or _place_by_moving_one(board, *pair))
    ]


def _fill_slot(
    board: Board,
    t: int,
    wanted: list[tuple[str, str]],
    remaining: dict[str, set[str]],
    pending: dict[str, set[str]],
    usable: dict[tuple[str, str], tuple[int, ...]],
) -> None:
    frame = board.frame
    choices: dict[str, list[str]] = {}
    for candidate_id, company_id in wanted:
        if company_id in remaining[candidate_id] and t in frame.company_slots(company_id):
            choices.setdefault(candidate_id, []).append(company_id)
    ready = [c for c in choices if board.candidate_free(c, t)]
    if not ready:
        return
    company_slack = _company_slack(board, t, {k for ks in choices.values() for k in ks}, pending, usable)
    for companies in choices.values():
        companies.sort(key=lambda k: (company_slack.get(k, 0), k))
    spare = {k: frame.recruiters(k, t) - board.load.get((k, t), 0) for cs in choices.values() for k in cs}
    computers: dict[str, int] = {}
    match: dict[str, str] = {}
    users: dict[str, list[str]] = {}
    for candidate_id in sorted(ready, key=lambda c: (_slack(board, c, remaining[c], usable, t), c)):
        site_id = frame.candidates[candidate_id].site_id
        if site_id not in computers:
            computers[site_id] = _free_computers(board, site_id, t)
        if computers[site_id] > 0 and _augment(candidate_id, choices, spare, match, users):
            computers[site_id] -= 1
    for candidate_id, company_id in sorted(match.items()):
        computer_id = board.free_computer(frame.candidates[candidate_id].site_id, t)
        assert computer_id is not None
        board.add(board.interview_at(candidate_id, company_id, t, computer_id))
        remaining[candidate_id].discard(company_id)
        pending[company_id].discard(candidate_id)


def _augment(
    start: str,
    choices: dict[str, list[str]],
    spare: dict[str, int],
    match: dict[str, str],
    users: dict[str, list[str]],
) -> bool:
    # Breadth-first over alternating paths: start -> company -> a candidate using it -> another company...
    taken_by: dict[str, str] = {}
    queue: deque[str] = deque()
    for company_id in choices[start]:
        if company_id not in taken_by:
            taken_by[company_id] = start
            queue.append(company_id)
    while queue:
        company_id = queue.popleft()
        if spare[company_id] > 0:
            spare[company_id] -= 1
            while True:
                candidate_id = taken_by[company_id]
                previous = match.get(candidate_id)
                match[candidate_id] = company_id
                users.setdefault(company_id, []).append(candidate_id)
                if previous is None:
                    return True
                users[previous].remove(candidate_id)
                company_id = previous
        for user in users.get(company_id, ()):
            for other in choices[user]:
                if other not in taken_by:
                    taken_by[other] = user
                    queue.append(other)
    return False


def _free_computers(board: Board, site_id: str, t: int) -> int:
    frame = board.frame
    return sum(
        1
        for computer_id in frame.site_computers(site_id)
        if t in frame.computer_slots(computer_id) and (computer_id, t) not in board.seat
    )


def _company_slack(
    board: Board,
    t: int,
    companies: set[str],
    pending: dict[str, set[str]],
    usable: dict[tuple[str, str], tuple[int, ...]],
) -> dict[str, int]:
    """How many more interviews each company's free recruiter-slots from `t` on could hold than its
    pairs still waiting need."""
    slack: dict[str, int] = {}
    for company_id in companies:
        future = {u for c in pending[company_id] for u in usable[(c, company_id)] if u >= t}
        room = sum(board.frame.recruiters(company_id, u) - board.load.get((company_id, u), 0) for u in future)
        slack[company_id] = room - len(pending[company_id])
    return slack


def _slack(
    board: Board,
    candidate_id: str,
    companies: set[str],
    usable: dict[tuple[str, str], tuple[int, ...]],
    t: int,
) -> int:
    future = sorted({u for k in companies for u in usable[(candidate_id, k)] if u >= t})
    return len(board.frame.pack(u for u in future if board.candidate_free(candidate_id, u))) - len(companies)


def _fits(board: Board, candidate_id: str, company_id: str, t: int) -> str | None:
    """A computer for this pair at `t` when the candidate and a recruiter are free, else None."""
    if board.candidate_free(candidate_id, t) and board.company_free(company_id, t):
        return board.free_computer(board.frame.candidates[candidate_id].site_id, t)
    return None


def _place_anywhere(board: Board, candidate_id: str, company_id: str) -> bool:
    for t in board.frame.options(candidate_id, company_id):
        computer_id = _fits(board, candidate_id, company_id, t)
        if computer_id is not None:
            board.add(board.interview_at(candidate_id, company_id, t, computer_id))
            return True
    return False


def _place_by_moving_one(board: Board, candidate_id: str, company_id: str) -> bool:
    """Make room at some slot by moving one interview (the candidate's own, one of the company's, or one on
    a computer of the site) to another slot where it fits."""
    frame = board.frame
    site_id = frame.candidates[candidate_id].site_id
    for t in frame.options(candidate_id, company_id):
        for blocker in _blockers(board, candidate_id, company_id, site_id, t):
            board.remove(blocker)
            computer_id = _fits(board, candidate_id, company_id, t)
            if computer_id is not None:
                placed = board.interview_at(candidate_id, company_id, t, computer_id)
                board.add(placed)
                if _reseat(board, blocker, t):
                    return True
                board.remove(placed)
            board.add(blocker)
    return False


def _blockers(board: Board, candidate_id: str, company_id: str, site_id: str, t: int) -> list[Interview]:
    frame = board.frame
    found: list[Interview] = []
    own = board.busy.get(candidate_id, {})
    found.extend(own[u] for u in (t, *frame.conflicts[t]) if u in own)
    found.extend(board.running.get((company_id, t), ()))
    found.extend(
        i for computer_id in frame.site_computers(site_id) if (i := board.seat.get((computer_id, t)))
    )
    return found


def _reseat(board: Board, interview: Interview, avoid: int) -> bool:
    candidate_id, company_id = interview.pair
    for u in board.frame.options(candidate_id, company_id):
        if u == avoid:
            continue
        computer_id = _fits(board, candidate_id, company_id, u)
        if computer_id is not None:
            board.add(board.interview_at(candidate_id, company_id, u, computer_id))
            return True
    return False
