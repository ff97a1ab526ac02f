"""Mending a published plan after a disruption, with the fewest changes people must be told about.

Rules, in order:
- an interview that started before `now` never changes (past or running);
- an interview the disruption does not make impossible never changes;
- an affected interview is moved, at the same site, to another free computer at the same time if there is
  one, else to the nearest time (same day first) when the candidate, a recruiter and a computer are free
  (and not before `now` + `lead`); else, when moving one other interview of the site that has not begun
  to another free place makes room for it, both move (a chain: two moves, never more, and only when no
  single move exists); otherwise it is cancelled with the disruption's reason. A candidate who
  changed site moves with their interviews to their new site; one with a company they no longer ask for
  is cancelled;
- capacity the disruption freed (computers at the times of the cancelled or moved interviews) goes to
  candidates of that site still wishing more interviews: fewest interviews first, then the sites'
  explicit waiting lists in their order (`Instance.waiting`), then their best wish still open, then id
  (earliest first; several sites' computers free at one time are pooled).

The repair is local: it reads the plan once and only indexes the sites, candidates and companies it may
touch, so it costs milliseconds on a 5,000-candidate fair. A full re-solve would move thousands of
interviews people were already told about.
"""

from __future__ import annotations

from collections.abc import Callable

from jobdating.scheduling.planning.affected import fits_for, not_allowed, touching, why_cancelled
from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.chains import relocate_by_moving_one
from jobdating.scheduling.planning.disruption import (
    CandidateChanged,
    CandidateNoShow,
    CandidateWithdrew,
    CompanyChanged,
    Disruption,
    apply_disruption,
    reason,
)
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Company, Instance, Interview, Moment, Plan
from jobdating.scheduling.planning.rebooking import give_to_waiting_list, may_meet, relocate
from jobdating.scheduling.planning.repair_diff import Cancellation, Move, Repair, apply_repair

# The diff and its application live in `repair_diff`; callers of the repair read them from here too.
__all__ = ["Cancellation", "Move", "Repair", "apply_repair", "repair"]


def repair(
    instance: Instance, plan: Plan, disruption: Disruption, now: Moment, *, lead: int = 0, chains: bool = True
) -> Repair:
    """The fewest changes to `plan` once `disruption` is known at `now` (see the module docstring).

    With `chains`, an affected interview with no free place may still be saved by moving one other
    interview of its site out of its way (`chains.relocate_by_moving_one`), never more.

    `instance` is the event as planned (or already updated: disruptions apply idempotently); new times
    start no earlier than `now` + `lead` minutes. The instance after the disruption is
    `apply_disruption(instance, disruption, now)`; check the repaired plan against it."""
    after = apply_disruption(instance, disruption, now)
    frame = Frame(after)
    why = reason(disruption)
    earliest = Moment(day=now.day, minute=now.minute + lead)
    touches = touching(disruption)
    fits = fits_for(frame, disruption)
    impossible = {i for i in plan.interviews if touches(i) and i.begins >= now and not fits(i)}
    if isinstance(disruption, CompanyChanged):
        impossible |= _beyond_recruiters(frame, plan, disruption.company, now, impossible)
    affected = sorted(impossible, key=lambda i: (i.day, i.start, i.computer_id))
    if not affected:
        return Repair()
    sites = {i.site_id for i in affected}
    if isinstance(disruption, CandidateChanged) and disruption.candidate is not None:
        sites.add(disruption.candidate.site_id)  # where their interviews move to
    waiting = [c.id for c in after.candidates if c.site_id in sites]
    people = {i.candidate_id for i in affected} | set(waiting)
    companies = {i.company_id for i in affected} | {k for c in waiting for k, _ in frame.allowed(c)}
    # Only what the repair may touch is indexed: their interviews are exactly the ones that matter.
    board = Board(
        frame,
        (
            i
            for i in plan.interviews
            if i.candidate_id in people or i.company_id in companies or i.site_id in sites
        ),
    )
    gone = isinstance(disruption, CandidateWithdrew | CandidateNoShow) or (
        isinstance(disruption, CandidateChanged) and disruption.candidate is None
    )
    cancelled: list[Cancellation] = []
    moved: list[Move] = []
    freed: list[tuple[str, int]] = []
    # What this repair already placed, and what it must still place, never moves aside for another.
    frozen: set[Interview] = set(affected)
    for interview in affected:
        board.remove(interview)
        freed.append((interview.computer_id, board.slot(interview)))
        unwished = not gone and not may_meet(frame, interview)
        new = None if gone or unwished else relocate(board, interview, earliest)
        chain = None
        if new is None and chains and not (gone or unwished):
            chain = relocate_by_moving_one(board, interview, earliest, _movable(frozen, sites, companies))
        if chain is not None:
            new, blocker, aside = chain
            frozen.update((new, aside))
            freed.append((blocker.computer_id, board.slot(blocker)))
            moved.append(Move(before=interview, after=new, reason=why))
            moved.append(Move(before=blocker, after=aside, reason=why, making_room_for=interview.pair))
        elif new is None:
            detail = not_allowed(frame, interview) if unwished else why_cancelled(disruption, interview)
            cancelled.append(Cancellation(interview=interview, reason=why, detail=detail))
        else:
            frozen.add(new)
            moved.append(Move(before=interview, after=new, reason=why))
    assigned = give_to_waiting_list(board, freed, waiting, earliest)
    return Repair(cancelled=tuple(cancelled), moved=tuple(moved), assigned=tuple(assigned))


def _movable(frozen: set[Interview], sites: set[str], companies: set[str]) -> Callable[[Interview], bool]:
    """An interview may move aside when the repair has not placed it and all it needs to move is indexed:
    its site's computers and candidates, and its company's interviews."""
    return lambda i: i not in frozen and i.site_id in sites and i.company_id in companies


def _beyond_recruiters(
    frame: Frame, plan: Plan, company: Company, now: Moment, leaving: set[Interview]
) -> set[Interview]:
    """A company with fewer recruiters now: at each slot to come, the interviews beyond that number (the
    last by computer id), among those that stay otherwise."""
    at_slot: dict[int, list[Interview]] = {}
    for i in plan.interviews:
        t = frame.slot(i.day, i.start)
        if i.company_id == company.id and i.begins >= now and i not in leaving and t is not None:
            at_slot.setdefault(t, []).append(i)
    extra: set[Interview] = set()
    for interviews in at_slot.values():
        extra.update(sorted(interviews, key=lambda i: (i.computer_id, i.candidate_id))[company.recruiters :])
    return extra
