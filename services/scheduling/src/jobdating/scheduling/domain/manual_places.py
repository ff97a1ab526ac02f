"""Where an interview changed by hand goes, on the published plan as the checker sees it: the instance a
repair would build, the interviews kept, the site and a free working computer at the time asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec

from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.changes import interview_of
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound
from jobdating.scheduling.domain.facts import Facts
from jobdating.scheduling.domain.instance import build_instance
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.model import Elsewhere, Instance, Interview, Plan, Window, overlaps


@dataclass(frozen=True)
class PublishedPlan:
    """A job dating as the checker sees it now: its planning instance, its active slots (any kind)."""

    job_dating: JobDatingState
    facts: Facts
    instance: Instance
    active: tuple[SlotState, ...]
    now: datetime

    @property
    def cal(self) -> Calendar:
        """The job dating's days and slot grid."""
        return Calendar(self.job_dating)


def published_plan(
    job_dating: JobDatingState,
    facts: Facts,
    active: Sequence[SlotState],
    now: datetime,
    *,
    absent: dict[str, datetime] | None = None,
    elsewhere: Sequence[SlotState] = (),
) -> PublishedPlan:
    """The instance a repair would build, where second interviews also hold a recruiter of their company
    (the checker knows recruiters through other job datings' interviews: an anonymous one does it)."""
    seconds = [s for s in active if s.kind == "second_interview"]
    instance = build_instance(
        job_dating, facts, absent=absent, second_interviews=seconds, elsewhere=elsewhere
    )
    cal = Calendar(job_dating)
    holds: list[Elsewhere] = []
    for s in seconds:
        if s.starts_at is None or s.ends_at is None or (at := cal.slot_of(s.starts_at)) is None:
            continue
        end = at[1] + round((s.ends_at - s.starts_at).total_seconds() / 60)
        holds.append(Elsewhere(candidate_id="", company_id=s.company_id, day=at[0], start=at[1], end=end))
    instance = msgspec.structs.replace(instance, elsewhere=instance.elsewhere + tuple(holds))
    return PublishedPlan(job_dating=job_dating, facts=facts, instance=instance, active=tuple(active), now=now)


def site_of(plan: PublishedPlan, site_id: str | None, computer_id: str | None, default: str) -> str:
    """The site asked for, else the named computer's, else `default`."""
    if computer_id is not None:
        computer = next((c for c in plan.instance.computers if c.id == computer_id), None)
        if computer is None:
            raise NotFound.on("computer_id", "ordinateur inconnu sur les sites de ce job dating")
        if site_id is not None and computer.site_id != site_id:
            raise Invalid.on("computer_id", "cet ordinateur n'est pas sur ce site")
        return computer.site_id
    chosen = site_id or default
    if chosen not in plan.job_dating.site_ids:
        raise NotFound.on("site_id", "ce site ne participe pas à ce job dating")
    return chosen


def kept(
    plan: PublishedPlan, cal: Calendar, leaving: str | None, booked: tuple[str, str, str]
) -> list[Interview]:
    """The plan's interviews that may meet the change (`booked`: its candidate, company and site, where
    its computer is), as the planner knows them, but the one being moved. Only those are converted: on a
    fair of thousands of candidates, the others cost time and change no verdict."""
    candidate_id, company_id, site_id = booked
    return [
        i
        for s in plan.active
        if s.slot_id != leaving
        and (s.site_id == site_id or s.candidate_id == candidate_id or s.company_id == company_id)
        and (i := interview_of(s, cal)) is not None
    ]


def around(instance: Instance, others: Sequence[Interview], changed: Interview) -> tuple[Instance, Plan]:
    """The part of the instance and of the plan the checker reads to judge `changed`: its candidate, its
    company, its computer and site, their interviews and their holds elsewhere. Every rule about an
    interview looks no further, so the verdicts that involve `changed` are the whole plan's, in
    milliseconds instead of seconds on the regional fair (bench/planning/manual.py)."""
    pair = changed.pair
    local = msgspec.structs.replace(
        instance,
        sites=tuple(s for s in instance.sites if s.id == changed.site_id),
        computers=tuple(c for c in instance.computers if c.id == changed.computer_id),
        companies=tuple(k for k in instance.companies if k.id == changed.company_id),
        candidates=tuple(c for c in instance.candidates if c.id == changed.candidate_id),
        pins=tuple(p for p in instance.pins if (p.candidate_id, p.company_id) == pair),
        forbids=tuple(f for f in instance.forbids if (f.candidate_id, f.company_id) == pair),
        elsewhere=tuple(
            h
            for h in instance.elsewhere
            if h.candidate_id == changed.candidate_id or h.company_id == changed.company_id
        ),
    )
    near = tuple(
        i
        for i in others
        if i.candidate_id == changed.candidate_id
        or i.company_id == changed.company_id
        or i.computer_id == changed.computer_id
    )
    return local, Plan(interviews=(*near, changed))


def placed(
    plan: PublishedPlan,
    cal: Calendar,
    kept: Sequence[Interview],
    booked: tuple[str, str, str],
    starts_at: datetime,
    computer_id: str | None,
    prefer: str | None,
) -> Interview:
    """The interview on the computer asked for, else on a free working one of the site (`prefer` first)."""
    try:
        at = cal.slot_of(starts_at)
    except OverflowError:  # the last hours of year 9999, past the calendar's end in local time
        at = None
    if at is None:
        raise Conflict.on("starts_at", "ce jour ne fait pas partie du job dating")
    day, start = at
    candidate_id, company_id, site_id = booked
    if computer_id is None:
        computer_id = _free_computer(plan.instance, kept, site_id, day, start, prefer)
    return Interview(
        candidate_id=candidate_id,
        company_id=company_id,
        site_id=site_id,
        computer_id=computer_id,
        day=day,
        start=start,
    )


def _free_computer(
    instance: Instance, kept: Sequence[Interview], site_id: str, day: int, start: int, prefer: str | None
) -> str:
    end = start + instance.grid.length
    taken = {
        i.computer_id
        for i in kept
        if i.day == day and overlaps((i.start, i.start + instance.grid.length), (start, end))
    }
    opening = next((s.opening for s in instance.sites if s.id == site_id), ())
    here = sorted(
        (c for c in instance.computers if c.site_id == site_id), key=lambda c: (c.id != prefer, c.id)
    )
    for c in here:
        windows = opening if c.available is None else c.available
        if c.id not in taken and _fits(windows, day, start, end):
            return c.id
    # None works then: the first one not taken, so that the checker says why (closed, out of order).
    free = next((c.id for c in here if c.id not in taken), None)
    if free is None:
        raise Conflict.on("computer_id", "aucun ordinateur de ce site n'est libre à cette heure-là")
    return free


def _fits(windows: Sequence[Window], day: int, start: int, end: int) -> bool:
    return any(w.day == day and w.start <= start and end <= w.end for w in windows)
