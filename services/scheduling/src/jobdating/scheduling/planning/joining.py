"""A candidate who joins after the plan was published (registered late, or walking in on the day): booked
where capacity is free, and nobody else's interview changes.

Their companies in wish order (pinned ones after), each at the earliest slot from `now` + `lead` when they,
a recruiter and a computer of their site are all free, up to their maximum of interviews; a company with no
such slot is passed over. When nothing is free the service puts them on their site's waiting list, and the
slots freed there later may go to them (`rebooking.give_to_waiting_list`, which serves that list first
among the candidates with as few interviews).
"""

from __future__ import annotations

import msgspec

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan
from jobdating.scheduling.planning.repair_diff import Repair


class CandidateJoined(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A candidate the published plan does not know yet (the instance already has them)."""

    candidate_id: str


def book_newcomer(
    instance: Instance, plan: Plan, joined: CandidateJoined, now: Moment, *, lead: int = 0
) -> Repair:
    """The interviews free capacity gives a candidate who joined late (see the module docstring)."""
    frame = Frame(instance)
    candidate = frame.candidates.get(joined.candidate_id)
    if candidate is None:
        return Repair()  # not at one of the job dating's sites
    earliest = Moment(day=now.day, minute=now.minute + lead)
    allowed = frame.allowed(candidate.id)
    companies = {k for k, _ in allowed}
    # Their site's interviews hold every computer they could sit at; their companies' elsewhere say when a
    # recruiter is busy.
    board = Board(
        frame,
        (
            i
            for i in plan.interviews
            if i.candidate_id == candidate.id or i.site_id == candidate.site_id or i.company_id in companies
        ),
    )
    given: list[Interview] = []
    for company_id, _ in allowed:
        if board.count(candidate.id) >= candidate.max_interviews:
            break
        if (candidate.id, company_id) in board.met:
            continue
        for t in frame.options(candidate.id, company_id):
            day, start = frame.slots[t]
            if Moment(day=day, minute=start) < earliest:
                continue
            if not (board.candidate_free(candidate.id, t) and board.company_free(company_id, t)):
                continue
            computer_id = board.free_computer(candidate.site_id, t)
            if computer_id is not None:
                new = board.interview_at(candidate.id, company_id, t, computer_id)
                board.add(new)
                given.append(new)
                break
    return Repair(assigned=tuple(given))
