"""Every rule a plan must keep, checked straight from the instance: the planner's own tests use it, and the
service runs it before publishing a plan or a repair.

It shares nothing with the solver but the definition of the slot grid, so a bug in the solver's indexes
cannot hide itself here.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Literal

import msgspec

from jobdating.scheduling.planning.frame import day_starts
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan, Window, busy, overlaps

Rule = Literal[
    "unknown_reference",
    "wrong_site",
    "computer_elsewhere",
    "off_grid",
    "candidate_unavailable",
    "company_closed",
    "company_not_at_site",
    "site_closed",
    "computer_unavailable",
    "not_wished",
    "forbidden",
    "pair_repeated",
    "too_many_interviews",
    "candidate_overlap",
    "candidate_busy_elsewhere",
    "recruiters_exceeded",
    "computer_double_booked",
    "pin_missing",
]


class Violation(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A broken rule, the interviews involved (none for a missing pin) and a sentence for people."""

    rule: Rule
    detail: str
    interviews: tuple[Interview, ...] = ()


def check(instance: Instance, plan: Plan, *, now: Moment | None = None) -> tuple[Violation, ...]:
    """Every violated rule of `plan` against `instance`; empty when the plan is valid.

    With `now`, interviews that started before it are history: they are not checked against windows,
    availabilities, the candidate's site and wishes, nor the company's recruiters (a computer that broke
    since, or a candidate who changed site since, does not make them wrong), but they still occupy their
    candidate, recruiter and computer.

    The instance's interviews `elsewhere` (in other job datings) keep their candidate and a recruiter of
    their company busy: a plan booking either at the same time double-books them."""
    found: list[Violation] = []
    found.extend(_each(instance, plan, now))
    found.extend(_pairs(instance, plan))
    found.extend(_overlaps(instance, plan, now))
    found.extend(_busy_elsewhere(instance, plan, now))
    return tuple(found)


def _fits(windows: Iterable[Window], day: int, start: int, end: int) -> bool:
    return any(w.day == day and w.start <= start and end <= w.end for w in windows)


def _each(instance: Instance, plan: Plan, now: Moment | None) -> Iterable[Violation]:
    length = instance.grid.length
    starts = {d.index: set(day_starts(d, instance.grid)) for d in instance.days}
    candidates = {c.id: c for c in instance.candidates}
    companies = {k.id: k for k in instance.companies}
    computers = {p.id: p for p in instance.computers}
    sites = {s.id: s for s in instance.sites}
    forbidden = {(f.candidate_id, f.company_id) for f in instance.forbids}
    pinned = {(p.candidate_id, p.company_id) for p in instance.pins}
    for i in plan.interviews:
        candidate = candidates.get(i.candidate_id)
        company = companies.get(i.company_id)
        computer = computers.get(i.computer_id)
        site = sites.get(i.site_id)
        if candidate is None or company is None or computer is None or site is None:
            yield Violation(
                rule="unknown_reference", detail=f"{i} names something not in the instance", interviews=(i,)
            )
            continue
        end = i.start + length
        if computer.site_id != i.site_id:
            yield Violation(
                rule="computer_elsewhere", detail=f"{i.computer_id} is at {computer.site_id}", interviews=(i,)
            )
        if i.start not in starts.get(i.day, set()):
            yield Violation(
                rule="off_grid", detail=f"no slot starts on day {i.day} at {i.start}", interviews=(i,)
            )
        if now is not None and i.begins < now:
            # History: the windows, and the candidate's site and wishes, may have changed since it started.
            continue
        if candidate.site_id != i.site_id:
            yield Violation(
                rule="wrong_site", detail=f"{i.candidate_id} chose {candidate.site_id}", interviews=(i,)
            )
        if company.sites is not None and i.site_id not in company.sites:
            yield Violation(
                rule="company_not_at_site",
                detail=f"{i.company_id} does not meet {i.site_id}",
                interviews=(i,),
            )
        if i.company_id not in candidate.wishes and i.pair not in pinned:
            yield Violation(
                rule="not_wished", detail=f"{i.candidate_id} did not ask for {i.company_id}", interviews=(i,)
            )
        if i.pair in forbidden:
            yield Violation(
                rule="forbidden", detail=f"{i.candidate_id} must not meet {i.company_id}", interviews=(i,)
            )
        if not _fits(candidate.available, i.day, i.start, end):
            yield Violation(
                rule="candidate_unavailable", detail=f"{i.candidate_id} is not available", interviews=(i,)
            )
        if not _fits(company.windows, i.day, i.start, end):
            yield Violation(rule="company_closed", detail=f"{i.company_id} is not there", interviews=(i,))
        if not _fits(site.opening, i.day, i.start, end):
            yield Violation(rule="site_closed", detail=f"{i.site_id} is closed", interviews=(i,))
        if computer.available is not None and not _fits(computer.available, i.day, i.start, end):
            yield Violation(
                rule="computer_unavailable", detail=f"{i.computer_id} is out of service", interviews=(i,)
            )


def _pairs(instance: Instance, plan: Plan) -> Iterable[Violation]:
    by_pair: dict[tuple[str, str], list[Interview]] = {}
    by_candidate: dict[str, list[Interview]] = {}
    for i in plan.interviews:
        by_pair.setdefault(i.pair, []).append(i)
        by_candidate.setdefault(i.candidate_id, []).append(i)
    for pair, interviews in by_pair.items():
        if len(interviews) > 1:
            yield Violation(
                rule="pair_repeated",
                detail=f"{pair[0]} meets {pair[1]} {len(interviews)} times",
                interviews=tuple(interviews),
            )
    for candidate in instance.candidates:
        interviews = by_candidate.get(candidate.id, [])
        if len(interviews) > candidate.max_interviews:
            detail = f"{candidate.id} has {len(interviews)} interviews, at most {candidate.max_interviews}"
            yield Violation(rule="too_many_interviews", detail=detail, interviews=tuple(interviews))
    for pin in instance.pins:
        if (pin.candidate_id, pin.company_id) not in by_pair:
            yield Violation(rule="pin_missing", detail=f"{pin.candidate_id} must meet {pin.company_id}")


def _overlaps(instance: Instance, plan: Plan, now: Moment | None) -> Iterable[Violation]:
    length, buffer = instance.grid.length, instance.grid.buffer
    by_candidate: dict[tuple[str, int], list[Interview]] = {}
    by_computer: dict[tuple[str, int], list[Interview]] = {}
    by_company: dict[tuple[str, int], list[Interview]] = {}
    for i in plan.interviews:
        by_candidate.setdefault((i.candidate_id, i.day), []).append(i)
        by_computer.setdefault((i.computer_id, i.day), []).append(i)
        by_company.setdefault((i.company_id, i.day), []).append(i)
    # Same length for all: when any two are too close, two neighbours in start order are.
    for (candidate_id, _), interviews in by_candidate.items():
        interviews.sort(key=lambda i: i.start)
        for a, b in pairwise(interviews):
            if overlaps(busy(a.start, a.start + length, buffer), (b.start, b.start + length)):
                detail = (
                    f"{candidate_id} has {b.start - a.start} min between two starts, needs {length + buffer}"
                )
                yield Violation(rule="candidate_overlap", detail=detail, interviews=(a, b))
    for (computer_id, _), interviews in by_computer.items():
        interviews.sort(key=lambda i: i.start)
        for a, b in pairwise(interviews):
            if overlaps((a.start, a.start + length), (b.start, b.start + length)):
                yield Violation(
                    rule="computer_double_booked",
                    detail=f"{computer_id} hosts two at once",
                    interviews=(a, b),
                )
    recruiters = {k.id: k.recruiters for k in instance.companies}
    # A recruiter in an interview of another job dating is not free for ours: it runs too.
    held: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for h in instance.elsewhere:
        held.setdefault((h.company_id, h.day), []).append((h.start, h.end))
    for (company_id, day), interviews in by_company.items():
        limit = recruiters.get(company_id, 0)
        spans = held.get((company_id, day), [])
        events = sorted(
            [(i.start, 1, i) for i in interviews]
            + [(i.start + length, -1, i) for i in interviews]
            + [(start, 1, None) for start, _ in spans]
            + [(end, -1, None) for _, end in spans],
            # Ends first, then the other job datings' starts, so that ours find them running.
            key=lambda e: (e[0], e[1], e[2] is not None),
        )
        running: list[Interview | None] = []
        for _, step, interview in events:
            if step < 0:
                running.remove(interview)
                continue
            running.append(interview)
            # Interviews that began before `now` are history: a company with fewer recruiters since then
            # did not make them wrong.
            if interview is None or len(running) <= limit or (now is not None and interview.begins < now):
                continue
            ours = tuple(i for i in running if i is not None)
            detail = f"{company_id} runs {len(running)} interviews at once with {limit} recruiters"
            if len(ours) < len(running):
                detail += f", {len(running) - len(ours)} of them in other job datings"
            yield Violation(rule="recruiters_exceeded", detail=detail, interviews=ours)


def _busy_elsewhere(instance: Instance, plan: Plan, now: Moment | None) -> Iterable[Violation]:
    length, buffer = instance.grid.length, instance.grid.buffer
    held: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for h in instance.elsewhere:
        held.setdefault((h.candidate_id, h.day), []).append((h.start, h.end))
    for i in plan.interviews:
        if now is not None and i.begins < now:
            continue  # history, as for the recruiters
        for start, end in held.get((i.candidate_id, i.day), ()):
            # The one rule for "at once", whichever job dating holds the other interview.
            if overlaps(busy(start, end, buffer), (i.start, i.start + length)):
                detail = f"{i.candidate_id} has an interview from {start} to {end} in another job dating"
                yield Violation(rule="candidate_busy_elsewhere", detail=detail, interviews=(i,))
