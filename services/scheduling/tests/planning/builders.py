"""Small hand-made events for the planning tests: a morning at Faches with a bakery (and a garage), and
interviews placed by hand."""

from __future__ import annotations

from jobdating.scheduling.planning import model as m

MORNING = m.Window(day=0, start=540, end=600)  # three slots: 9:00, 9:20, 9:40


def tiny(*candidates: m.Candidate, computers: int = 1, recruiters: int = 1) -> m.Instance:
    return m.Instance(
        days=(m.Day(index=0, start=540, end=600),),
        grid=m.SlotGrid(length=20, buffer=10),
        sites=(m.Site(id="faches", opening=(MORNING,)),),
        computers=tuple(m.Computer(id=f"pc-{n}", site_id="faches") for n in range(computers)),
        companies=(m.Company(id="bakery", recruiters=recruiters, windows=(MORNING,)),),
        candidates=candidates,
    )


def person(name: str, available: m.Window = MORNING) -> m.Candidate:
    return m.Candidate(
        id=name, site_id="faches", available=(available,), wishes=("bakery",), max_interviews=1
    )


def two_sites(*candidates: m.Candidate) -> m.Instance:
    """Faches with one computer, Seclin with one; two companies with one recruiter each; 9:00-10:00."""
    return m.Instance(
        days=(m.Day(index=0, start=540, end=600),),
        grid=m.SlotGrid(length=20, buffer=0),
        sites=(m.Site(id="faches", opening=(MORNING,)), m.Site(id="seclin", opening=(MORNING,))),
        computers=(
            m.Computer(id="pc-faches", site_id="faches"),
            m.Computer(id="pc-seclin", site_id="seclin"),
        ),
        companies=(
            m.Company(id="bakery", recruiters=1, windows=(MORNING,)),
            m.Company(id="garage", recruiters=1, windows=(MORNING,)),
        ),
        candidates=candidates,
    )


def wishing(
    name: str, site_id: str = "faches", wishes: tuple[str, ...] = ("bakery", "garage")
) -> m.Candidate:
    return m.Candidate(id=name, site_id=site_id, available=(MORNING,), wishes=wishes, max_interviews=2)


def at(candidate: str, company: str, computer: str, start: int, site: str = "faches") -> m.Interview:
    """An interview on the first day, placed by hand."""
    return m.Interview(
        candidate_id=candidate, company_id=company, site_id=site, computer_id=computer, day=0, start=start
    )


FIRST_DAY = m.Window(day=0, start=540, end=560)
SECOND_DAY = m.Window(day=1, start=540, end=560)


def two_days(*candidates: m.Candidate) -> m.Instance:
    """The bakery (one recruiter) and one computer at Faches, 9:00 on two days: two segments of one slot."""
    return m.Instance(
        days=(m.Day(index=0, start=540, end=560), m.Day(index=1, start=540, end=560)),
        grid=m.SlotGrid(length=20, buffer=10),
        sites=(m.Site(id="faches", opening=(FIRST_DAY, SECOND_DAY)),),
        computers=(m.Computer(id="pc-0", site_id="faches"),),
        companies=(m.Company(id="bakery", recruiters=1, windows=(FIRST_DAY, SECOND_DAY)),),
        candidates=candidates,
    )


def one_wish(name: str, *available: m.Window) -> m.Candidate:
    return m.Candidate(id=name, site_id="faches", available=available, wishes=("bakery",), max_interviews=1)


def on_day_two(name: str) -> m.Interview:
    """The bakery meets `name` at 9:00 on the second day."""
    return m.Interview(
        candidate_id=name, company_id="bakery", site_id="faches", computer_id="pc-0", day=1, start=540
    )
