"""A job dating and the facts around it, in the planning core's terms (and its interviews back in ours).

Things that are gone (a withdrawn or absent candidate, a company that left, a closed site, a computer out of
order) stay in the instance with their windows ending when they went: the planner's checker treats the
interviews that started before `now` as history, so those stay valid. A late company's windows start at its
arrival. Candidates stay at their chosen site; a sector wish stands for every company of that sector. Only
computers set up for video interviews (`visio_ready`) host interviews. Second interviews are not part of
the planner's plan (it knows one interview per candidate and company): the time they take is carved out of
their candidate's availability (with the buffer) and of their computer's. Interviews of other published
job datings on the same days go to the instance's `elsewhere`: a company or a candidate is not tied to one
job dating, and is never booked twice at once across them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import msgspec

from jobdating.scheduling.domain.calendar import Calendar, minute_of
from jobdating.scheduling.domain.facts import CandidateFacts, CompanyFacts, ComputerFacts, Facts, SiteFacts
from jobdating.scheduling.domain.state import JobDatingState, Pairing, SlotState
from jobdating.scheduling.planning.model import (
    Candidate,
    Company,
    Computer,
    Elsewhere,
    Instance,
    Pair,
    Site,
    Window,
    busy,
)

WHOLE_DAY = (0, 24 * 60)


def build_instance(
    job_dating: JobDatingState,
    facts: Facts,
    *,
    absent: Mapping[str, datetime] | None = None,
    second_interviews: Sequence[SlotState] = (),
    elsewhere: Sequence[SlotState] = (),
    waiting: Sequence[str] = (),
) -> Instance:
    """The planning instance of a job dating with what scheduling knows now (see the module docstring).

    `absent` gives when each candidate marked as a no-show was found absent: they lose the rest of that day.
    `elsewhere` are the active slots of the other published job datings (the ones off its days are left out).
    `waiting` are the sites' waiting lists in their order (`queries_waiting.waiting_order`).
    """
    cal = Calendar(job_dating)
    absent = absent or {}
    busy_candidates: dict[str, list[SlotState]] = {}
    busy_computers: dict[str, list[SlotState]] = {}
    for s in second_interviews:
        busy_candidates.setdefault(s.candidate_id, []).append(s)
        if s.computer_id is not None:
            busy_computers.setdefault(s.computer_id, []).append(s)
    sites = _sites(job_dating, cal, {s.site_id: s for s in facts.sites})
    opening = {s.id: s.opening for s in sites}
    computers = tuple(
        _computer(cal, f, opening[f.site_id], busy_computers.get(f.computer_id, ()))
        for f in sorted(facts.computers, key=lambda c: c.computer_id)
        if f.site_id in opening and f.visio_ready
    )
    companies = tuple(
        _company(job_dating, cal, f) for f in sorted(facts.companies, key=lambda c: c.company_id)
    )
    company_ids = {c.id for c in companies}
    by_sector: dict[str, list[str]] = {}
    for f in sorted(facts.companies, key=lambda c: c.company_id):
        by_sector.setdefault(f.sector, []).append(f.company_id)
    buffer = timedelta(minutes=job_dating.buffer_minutes)
    candidates = tuple(
        _candidate(
            job_dating,
            cal,
            f,
            company_ids,
            by_sector,
            absent.get(f.candidate_id),
            [
                busy(s.starts_at, s.ends_at, buffer)
                for s in busy_candidates.get(f.candidate_id, ())
                if s.starts_at and s.ends_at
            ],
        )
        for f in sorted(facts.candidates, key=lambda c: c.candidate_id)
        if f.site_id in opening
    )
    candidate_ids = {c.id for c in candidates}

    def present(pairs: Iterable[Pairing]) -> tuple[Pair, ...]:
        # A pin on someone no longer there would make the whole plan infeasible: it no longer applies.
        return tuple(
            Pair(candidate_id=p.candidate_id, company_id=p.company_id)
            for p in pairs
            if p.candidate_id in candidate_ids and p.company_id in company_ids
        )

    live = {c.id for c in candidates if c.available}
    return Instance(
        days=cal.days,
        grid=cal.grid,
        sites=sites,
        computers=computers,
        companies=companies,
        candidates=candidates,
        pins=tuple(p for p in present(job_dating.pins) if p.candidate_id in live),
        forbids=present(job_dating.forbids),
        elsewhere=_elsewhere(cal, elsewhere, candidate_ids, company_ids, job_dating.job_dating_id),
        waiting=tuple(c for c in waiting if c in candidate_ids),
    )


def _elsewhere(
    cal: Calendar, slots: Sequence[SlotState], candidate_ids: set[str], company_ids: set[str], own: str
) -> tuple[Elsewhere, ...]:
    held: list[Elsewhere] = []
    for s in slots:
        if s.job_dating_id == own or not s.active or s.starts_at is None or s.ends_at is None:
            continue
        if s.candidate_id not in candidate_ids and s.company_id not in company_ids:
            continue
        at = cal.slot_of(s.starts_at)
        if at is None:
            continue
        day, start = at
        end = start + round((s.ends_at - s.starts_at).total_seconds() / 60)
        held.append(
            Elsewhere(candidate_id=s.candidate_id, company_id=s.company_id, day=day, start=start, end=end)
        )
    # In a fixed order, so that the fingerprint does not depend on how they were read.
    return tuple(sorted(held, key=lambda h: (h.day, h.start, h.company_id, h.candidate_id, h.end)))


def fingerprint(instance: Instance) -> str:
    """A digest of everything a plan depends on: a plan computed from another instance is stale."""
    return hashlib.sha256(msgspec.json.encode(instance)).hexdigest()


def wished_companies(
    candidate: CandidateFacts, by_sector: Mapping[str, Sequence[str]], known: set[str]
) -> tuple[str, ...]:
    """A candidate's wishes as company ids by rank; a sector wish stands for every company of that sector."""
    out: dict[str, None] = {}
    for wish in sorted(candidate.wishes, key=lambda w: w.rank):
        if wish.company_id is not None:
            if wish.company_id in known:
                out[wish.company_id] = None
        elif wish.sector is not None:
            for company_id in by_sector.get(wish.sector, ()):
                if company_id in known:
                    out[company_id] = None
    return tuple(out)


def wish_rank(candidate: CandidateFacts | None, company: CompanyFacts | None) -> int | None:
    """The rank the candidate gave to this company (directly or through its sector), None if not wished."""
    if candidate is None or company is None:
        return None
    for wish in sorted(candidate.wishes, key=lambda w: w.rank):
        by_sector = wish.company_id is None and wish.sector == company.sector
        if wish.company_id == company.company_id or by_sector:
            return wish.rank
    return None


def _sites(job_dating: JobDatingState, cal: Calendar, known: dict[str, SiteFacts]) -> tuple[Site, ...]:
    sites: list[Site] = []
    for site_id in job_dating.site_ids:
        facts = known.get(site_id)
        if facts is None:
            continue  # not announced by the sites service yet: nobody can be planned there
        windows: list[Window] = []
        for w in job_dating.site_windows:
            if w.site_id != site_id:
                continue
            hours = [(minute_of(h.start), minute_of(h.end)) for h in facts.hours if h.day == w.day]
            start, end = minute_of(w.start), minute_of(w.end)
            for lo, hi in hours or [WHOLE_DAY]:
                if min(end, hi) > max(start, lo):
                    windows.append(Window(day=cal.index[w.day], start=max(start, lo), end=min(end, hi)))
        opening = cal.until(sorted(windows, key=lambda w: (w.day, w.start)), facts.closed_at)
        sites.append(Site(id=site_id, opening=opening))
    return tuple(sites)


def _computer(
    cal: Calendar, facts: ComputerFacts, opening: Sequence[Window], seconds: Sequence[SlotState]
) -> Computer:
    if not facts.outages and not seconds:
        return Computer(id=facts.computer_id, site_id=facts.site_id)
    available = tuple(opening)
    for outage in facts.outages:
        before = cal.until(available, outage.since)
        after = cal.since(available, outage.until) if outage.until is not None else ()
        available = tuple(sorted({*before, *after}, key=lambda w: (w.day, w.start)))
    for s in seconds:
        if s.starts_at is not None and s.ends_at is not None:
            available = cal.without(available, s.starts_at, s.ends_at)
    return Computer(id=facts.computer_id, site_id=facts.site_id, available=available)


def _company(job_dating: JobDatingState, cal: Calendar, facts: CompanyFacts) -> Company:
    windows = tuple(
        Window(day=cal.index[day], start=minute_of(facts.window_start), end=minute_of(facts.window_end))
        for day in cal.dates
        if facts.day is None or facts.day == day
    )
    windows = cal.since(windows, job_dating.arrival(facts.company_id))
    gone = [t for t in (facts.withdrawn_at, job_dating.departure(facts.company_id)) if t is not None]
    windows = cal.until(windows, min(gone) if gone else None)
    return Company(
        id=facts.company_id,
        recruiters=max(facts.recruiters, 0),
        windows=tuple(w for w in windows if w.end > w.start),
    )


def _candidate(
    job_dating: JobDatingState,
    cal: Calendar,
    facts: CandidateFacts,
    company_ids: set[str],
    by_sector: Mapping[str, Sequence[str]],
    absent_at: datetime | None,
    busy: Sequence[tuple[datetime, datetime]],
) -> Candidate:
    if facts.availability:
        windows = tuple(
            Window(day=cal.index[a.day], start=minute_of(a.start), end=minute_of(a.end))
            for a in facts.availability
            if a.day in cal.index and a.end > a.start
        )
    else:
        # No availability given: whenever the job dating runs.
        windows = tuple(Window(day=i, start=WHOLE_DAY[0], end=WHOLE_DAY[1]) for i in range(len(cal.dates)))
    windows = cal.until(windows, facts.withdrawn_at)
    if absent_at is not None:
        # A no-show loses the rest of that day only.
        day = cal.moment(absent_at).day
        windows = tuple(w for w in windows if w.day != day) + cal.until(
            [w for w in windows if w.day == day], absent_at
        )
    for start, end in busy:
        windows = cal.without(windows, start, end)
    return Candidate(
        id=facts.candidate_id,
        site_id=facts.site_id,
        available=tuple(sorted(windows, key=lambda w: (w.day, w.start))),
        wishes=wished_companies(facts, by_sector, company_ids),
        max_interviews=job_dating.max_interviews_per_candidate,
    )
