"""Capacity that comes back on the day: a computer back in service, or one added to an open site; and a
candidate marked absent who arrives after all.

Unlike a disruption it makes nothing impossible, so no interview changes: the computer's free slots from
`now` + `lead` go to the waiting list of its site, with the same rule as the slots a repair frees (fewest
interviews first, then the waiting list's order, then the best wish still open, then id; several sites'
slots at one time pooled, so the first of the lists gets the earliest wherever they wait). People already
told keep what they were told; only the candidates given a slot hear about it. Time that a second
interview held (which the planner never saw) comes back the same way when it is cancelled (`TimeFreed`).

A late candidate gets back each interview their no-show cancelled that is still to come: the same slot
when its computer and a recruiter are still free, else the nearest free slot at their site with that
company (as a repair moves an interview); otherwise they wait, like anyone of their site still wishing
interviews, for the next slot freed there.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Computer, Instance, Interview, Moment, Plan, Window
from jobdating.scheduling.planning.rebooking import give_to_waiting_list, may_meet, relocate
from jobdating.scheduling.planning.repair_diff import Repair


class ComputerBack(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A computer usable again (or for the first time) from `at`, whenever its site is open."""

    computer_id: str
    at: Moment


def bring_back(instance: Instance, back: ComputerBack) -> Instance:
    """The instance once the computer is usable again from `back.at`; bringing it back twice changes
    nothing more (the service's instance, built from the facts, may already say so)."""
    computers = tuple(
        _restored(p, instance, back.at) if p.id == back.computer_id else p for p in instance.computers
    )
    return msgspec.structs.replace(instance, computers=computers)


class CapacityBack(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Several computers usable again at once (a reopened site, a company giving more): their free slots
    are given together, every site's pooled, so that the earliest of them goes to the first who deserves
    it wherever they wait."""

    computers: tuple[ComputerBack, ...]


class TimeFreed(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Time that something the planner does not see held, freed: a second interview cancelled (its
    candidate, a recruiter of its company and its computer, if at a site, are free again on `day` from
    `start` to `end`). `instance` already has that time back in the candidate's and the computer's
    availability; only the refill runs."""

    candidate_id: str
    company_id: str
    computer_id: str | None
    day: int
    start: int
    end: int


def refill(instance: Instance, plan: Plan, computer_id: str, now: Moment, *, lead: int = 0) -> Repair:
    """The interviews the computer's free slots give to its site's waiting list (`instance` already has
    the computer usable); nothing is cancelled or moved."""
    return refill_all(instance, plan, (computer_id,), now, lead=lead)


def refill_all(
    instance: Instance,
    plan: Plan,
    computer_ids: Sequence[str],
    now: Moment,
    *,
    lead: int = 0,
    during: Sequence[TimeFreed] = (),
) -> Repair:
    """`refill` for several computers: their free computer-slots pooled across their sites, in time order
    (only those overlapping one of `during`, buffer included, when given)."""
    return _pooled(Frame(instance), plan, computer_ids, now, lead, during)


def _pooled(
    frame: Frame, plan: Plan, computer_ids: Sequence[str], now: Moment, lead: int, during: Sequence[TimeFreed]
) -> Repair:
    computers = [frame.computers[c] for c in computer_ids if c in frame.computers]
    sites = {c.site_id for c in computers}
    if not sites:
        return Repair()
    waiting = [c.id for c in frame.instance.candidates if c.site_id in sites]
    companies = {k for c in waiting for k, _ in frame.allowed(c)}
    # Candidates stay at their site, so the sites' interviews hold every interview of the waiting lists;
    # their companies' interviews elsewhere say when a recruiter is busy.
    board = Board(frame, (i for i in plan.interviews if i.site_id in sites or i.company_id in companies))
    earliest = Moment(day=now.day, minute=now.minute + lead)
    reach = frame.length + frame.buffer
    free = [
        (c.id, t)
        for c in computers
        for t in sorted(frame.computer_slots(c.id))
        if not during
        or any(
            frame.slots[t][0] == f.day and f.start - reach < frame.slots[t][1] < f.end + frame.buffer
            for f in during
        )
    ]
    return Repair(assigned=tuple(give_to_waiting_list(board, free, waiting, earliest)))


def refill_freed(
    instance: Instance, plan: Plan, freed: Sequence[TimeFreed], now: Moment, *, lead: int = 0
) -> Repair:
    """The interviews the freed time gives to the waiting lists, as a computer back gives its slots: the
    computers of every site where it can serve (the freed computer's, the candidate's, and those where
    the company meets candidates), at the times that overlap it; nothing is cancelled or moved."""
    frame = Frame(instance)
    sites: set[str] = set()
    for f in freed:
        computer = frame.computers.get(f.computer_id) if f.computer_id is not None else None
        candidate = frame.candidates.get(f.candidate_id)
        company = frame.companies.get(f.company_id)
        sites |= {x.site_id for x in (computer, candidate) if x is not None}
        if company is not None:
            sites |= set(frame.sites) if company.sites is None else set(company.sites)
    computer_ids = [c.id for c in instance.computers if c.site_id in sites]
    return _pooled(frame, plan, computer_ids, now, lead, freed)


class CandidateBack(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A candidate marked absent who arrived after all, and the interviews their no-show cancelled."""

    candidate_id: str
    interviews: tuple[Interview, ...] = ()


def give_back(instance: Instance, plan: Plan, back: CandidateBack, now: Moment, *, lead: int = 0) -> Repair:
    """The interviews given back to a late candidate (`instance` already has them available again; see
    the module docstring); nobody else's interview changes."""
    frame = Frame(instance)
    candidate = frame.candidates.get(back.candidate_id)
    if candidate is None:
        return Repair()
    earliest = Moment(day=now.day, minute=now.minute + lead)
    wanted = sorted(
        (i for i in back.interviews if i.candidate_id == candidate.id and i.begins >= earliest),
        key=lambda i: (i.day, i.start, i.company_id),
    )
    companies = {i.company_id for i in wanted}
    board = Board(
        frame,
        (
            i
            for i in plan.interviews
            if i.candidate_id == candidate.id or i.site_id == candidate.site_id or i.company_id in companies
        ),
    )
    given: list[Interview] = []
    for interview in wanted:
        if interview.pair in board.met or board.count(candidate.id) >= candidate.max_interviews:
            continue
        if not may_meet(frame, interview):
            continue  # they no longer ask for this company
        new = _same_slot(board, interview) or relocate(board, interview, earliest)
        if new is not None:
            given.append(new)
    return Repair(assigned=tuple(given))


def _same_slot(board: Board, interview: Interview) -> Interview | None:
    """The interview as it was, booked on `board`, if its computer, a recruiter and the candidate are free."""
    frame = board.frame
    t = frame.slot(interview.day, interview.start)
    candidate_id, company_id = interview.pair
    if (
        t is None
        or frame.candidates[candidate_id].site_id != interview.site_id
        or t not in frame.options(candidate_id, company_id)
        or not board.candidate_free(candidate_id, t)
        or not board.company_free(company_id, t)
        or board.free_computer(interview.site_id, t, prefer=interview.computer_id) != interview.computer_id
    ):
        return None
    board.add(interview)
    return interview


def _restored(computer: Computer, instance: Instance, at: Moment) -> Computer:
    if computer.available is None:
        return computer  # usable whenever its site is open: nothing was taken away
    site = next((s for s in instance.sites if s.id == computer.site_id), None)
    regained = _since(site.opening, at) if site is not None else ()
    return msgspec.structs.replace(computer, available=_union(computer.available, regained))


def _since(windows: tuple[Window, ...], at: Moment) -> tuple[Window, ...]:
    """The parts of `windows` from `at` on."""
    kept: list[Window] = []
    for w in windows:
        if w.day > at.day or (w.day == at.day and w.start >= at.minute):
            kept.append(w)
        elif w.day == at.day and w.end > at.minute:
            kept.append(Window(day=w.day, start=at.minute, end=w.end))
    return tuple(kept)


def _union(a: tuple[Window, ...], b: tuple[Window, ...]) -> tuple[Window, ...]:
    """Both sets of windows, overlapping or touching ones merged, in time order."""
    merged: list[Window] = []
    for w in sorted((*a, *b), key=lambda w: (w.day, w.start)):
        last = merged[-1] if merged else None
        if last is not None and last.day == w.day and w.start <= last.end:
            merged[-1] = Window(day=w.day, start=last.start, end=max(last.end, w.end))
        else:
            merged.append(w)
    return tuple(merged)
