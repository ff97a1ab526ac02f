"""Mending a published plan after a disruption, with the fewest changes people must be told about.

Rules, in order:
- an interview that started before `now` never changes (past or running);
- an interview the disruption does not make impossible never changes;
- an affected interview is moved, at the same site, to another free computer at the same time if there is
  one, else to the nearest time (same day first) when the candidate, a recruiter and a computer are free
  (and not before `now` + `lead`); otherwise it is cancelled with the disruption's reason. A candidate who
  changed site moves with their interviews to their new site; one with a company they no longer ask for
  is cancelled;
- capacity the disruption freed (computers at the times of the cancelled or moved interviews) goes to
  candidates of that site still wishing more interviews: fewest interviews first, then their best wish
  still open, then id.

The repair is local: it reads the plan once and only indexes the sites, candidates and companies it may
touch, so it costs milliseconds on a 5,000-candidate fair. A full re-solve would move thousands of
interviews people were already told about.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from jobdating.contracts.scheduling import CancelReason
from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.disruption import (
    CandidateChanged,
    CandidateNoShow,
    CandidateWithdrew,
    CompanyChanged,
    CompanyLate,
    CompanyLeft,
    ComputerBroke,
    Disruption,
    SiteClosed,
    apply_disruption,
    reason,
)
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Company, Instance, Interview, Moment, Plan


class Cancellation(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An interview that will not take place, why (the contracts' reason) and a sentence for people."""

    interview: Interview
    reason: CancelReason
    detail: str


class Move(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An interview that changes computer or time; same candidate, company and site."""

    before: Interview
    after: Interview
    reason: CancelReason


class Repair(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The diff a repair makes to a plan: nothing else changes."""

    cancelled: tuple[Cancellation, ...] = ()
    moved: tuple[Move, ...] = ()
    assigned: tuple[Interview, ...] = ()


def apply_repair(plan: Plan, diff: Repair) -> Plan:
    """The plan once `diff` is applied."""
    gone = {c.interview.pair for c in diff.cancelled} | {m.before.pair for m in diff.moved}
    kept = [i for i in plan.interviews if i.pair not in gone]
    return Plan(interviews=(*kept, *(m.after for m in diff.moved), *diff.assigned))


def repair(instance: Instance, plan: Plan, disruption: Disruption, now: Moment, *, lead: int = 0) -> Repair:
    """The fewest changes to `plan` once `disruption` is known at `now` (see the module docstring).

    `instance` is the event as planned (or already updated: disruptions apply idempotently); new times
    start no earlier than `now` + `lead` minutes. The instance after the disruption is
    `apply_disruption(instance, disruption, now)`; check the repaired plan against it."""
    after = apply_disruption(instance, disruption, now)
    frame = Frame(after)
    why = reason(disruption)
    earliest = Moment(day=now.day, minute=now.minute + lead)
    touches = _touching(disruption)
    fits = _fits_for(frame, disruption)
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
    for interview in affected:
        board.remove(interview)
        freed.append((interview.computer_id, board.slot(interview)))
        unwished = not gone and not may_meet(frame, interview)
        new = None if gone or unwished else relocate(board, interview, earliest)
        if new is None:
            detail = _not_allowed(frame, interview) if unwished else _detail(disruption, interview)
            cancelled.append(Cancellation(interview=interview, reason=why, detail=detail))
        else:
            moved.append(Move(before=interview, after=new, reason=why))
    assigned = give_to_waiting_list(board, freed, waiting, earliest)
    return Repair(cancelled=tuple(cancelled), moved=tuple(moved), assigned=tuple(assigned))


def _touching(disruption: Disruption) -> Callable[[Interview], bool]:
    """Whether an interview concerns the disruption's candidate, company (that day), computer or site;
    one closure per disruption, since it runs over every interview of the plan."""
    if isinstance(disruption, CandidateWithdrew):
        candidate_id = disruption.candidate_id
        return lambda i: i.candidate_id == candidate_id
    if isinstance(disruption, CandidateNoShow):
        candidate_id, day = disruption.candidate_id, disruption.day
        return lambda i: i.candidate_id == candidate_id and i.day == day
    if isinstance(disruption, CandidateChanged):
        candidate_id = disruption.candidate_id
        return lambda i: i.candidate_id == candidate_id
    if isinstance(disruption, CompanyLate | CompanyLeft):
        company_id, day = disruption.company_id, disruption.day
        return lambda i: i.company_id == company_id and i.day == day
    if isinstance(disruption, CompanyChanged):
        company_id = disruption.company_id
        return lambda i: i.company_id == company_id
    if isinstance(disruption, ComputerBroke):
        computer_id = disruption.computer_id
        return lambda i: i.computer_id == computer_id
    site_id = disruption.site_id
    return lambda i: i.site_id == site_id


def _fits_for(frame: Frame, disruption: Disruption) -> Callable[[Interview], bool]:
    """Whether an interview the disruption touches can stay as it is. A changed candidate's interview
    must also be at their site now and with a company they may still meet; one who left the job
    dating's sites keeps none."""
    if not isinstance(disruption, CandidateChanged):
        return lambda i: _still_fits(frame, i)
    if disruption.candidate is None:
        return lambda i: False
    site_id = disruption.candidate.site_id
    return lambda i: i.site_id == site_id and may_meet(frame, i) and _still_fits(frame, i)


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


def may_meet(frame: Frame, interview: Interview) -> bool:
    """Whether the candidate still asks for the company (or is pinned to it) and may meet it at their
    site."""
    return any(company_id == interview.company_id for company_id, _ in frame.allowed(interview.candidate_id))


def _still_fits(frame: Frame, interview: Interview) -> bool:
    t = frame.slot(interview.day, interview.start)
    return (
        t is not None
        and t in frame.candidate_slots(interview.candidate_id)
        and t in frame.company_slots(interview.company_id)
        and t in frame.computer_slots(interview.computer_id)
    )


def _starts(frame: Frame, t: int) -> Moment:
    day, start = frame.slots[t]
    return Moment(day=day, minute=start)


def relocate(board: Board, interview: Interview, earliest: Moment) -> Interview | None:
    """The interview on another free computer at the same time, else at the nearest time (same day first)
    when the candidate and a recruiter are free, not before `earliest`; booked on `board`; None if
    nowhere."""
    frame = board.frame
    candidate_id, company_id = interview.pair
    here = board.slot(interview)
    options = [t for t in frame.options(candidate_id, company_id) if _starts(frame, t) >= earliest]
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
    """Give each freed computer-slot still free to the waiting candidate of its site who deserves it most."""
    frame = board.frame
    assigned: list[Interview] = []
    for computer_id, t in sorted(freed, key=lambda s: (s[1], s[0])):
        if (
            (computer_id, t) in board.seat
            or t not in frame.computer_slots(computer_id)
            or _starts(frame, t) < earliest
        ):
            continue
        site_id = frame.computers[computer_id].site_id
        best: tuple[tuple[int, int, str], str] | None = None
        for candidate_id in waiting:
            candidate = frame.candidates[candidate_id]
            if candidate.site_id != site_id or board.count(candidate_id) >= candidate.max_interviews:
                continue
            if t not in frame.candidate_slots(candidate_id) or not board.candidate_free(candidate_id, t):
                continue
            for company_id, rank in frame.allowed(candidate_id):
                if (candidate_id, company_id) in board.met or t not in frame.options(
                    candidate_id, company_id
                ):
                    continue
                if board.company_free(company_id, t):
                    key = (
                        board.count(candidate_id),
                        rank if rank is not None else len(candidate.wishes) + 1,
                        candidate_id,
                    )
                    if best is None or key < best[0]:
                        best = (key, company_id)
                    break  # the candidate's best open wish at this slot
        if best is not None:
            new = board.interview_at(best[0][2], best[1], t, computer_id)
            board.add(new)
            assigned.append(new)
    return assigned


def _not_allowed(frame: Frame, interview: Interview) -> str:
    """Why a changed candidate may no longer meet the company of this interview."""
    candidate = frame.candidates[interview.candidate_id]
    company = frame.companies.get(interview.company_id)
    if interview.company_id in frame.forbids.get(candidate.id, set()):
        return "the coordinator ruled this pairing out"
    if company is not None and company.sites is not None and candidate.site_id not in company.sites:
        return f"the company does not meet candidates at {candidate.site_id}"
    return "the candidate no longer asks for this company"


def _detail(disruption: Disruption, interview: Interview) -> str:
    if isinstance(disruption, CandidateWithdrew):
        return "the candidate withdrew"
    if isinstance(disruption, CandidateNoShow):
        return "the candidate did not come"
    if isinstance(disruption, CandidateChanged):
        if disruption.candidate is None:
            return "the candidate chose a site outside this job dating"
        site = disruption.candidate.site_id
        return (
            "the candidate changed their site or availability; no time when they, a recruiter and a "
            f"computer at {site} are free"
        )
    what = {
        CompanyChanged: "the company changed its hours or its number of recruiters",
        CompanyLate: "the company arrives later",
        CompanyLeft: "the company left",
        ComputerBroke: "the computer broke",
        SiteClosed: "the site closed",
    }[type(disruption)]
    site = interview.site_id
    return f"{what}; no other time when the candidate, a recruiter and a computer at {site} are free"
