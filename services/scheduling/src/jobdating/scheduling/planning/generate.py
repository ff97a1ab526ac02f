"""Seeded, deterministic instances for tests, benchmarks and demos: the reference day and regional fairs.

The same seed always gives the same instance (one `random.Random(seed)`, ids in a fixed order).
"""

from __future__ import annotations

import random

from jobdating.scheduling.planning.model import (
    Candidate,
    Company,
    Computer,
    Day,
    Instance,
    Pair,
    Site,
    SlotGrid,
    Window,
)


def _hm(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


def reference_day(seed: int = 2026) -> Instance:
    """The reference job dating: one morning, 4 sites with 18 computers (5, 5, 4, 4), 15 companies with 1 to 3
    recruiters, 50 candidates with 3 to 5 ranked wishes; 20-minute interviews, 10-minute buffer, a break."""
    rng = random.Random(seed)
    day = Day(index=0, start=_hm(9), end=_hm(12, 30))
    grid = SlotGrid(length=20, buffer=10, breaks=(Window(day=0, start=_hm(10, 30), end=_hm(10, 45)),))
    sites = tuple(
        Site(id=f"site-{i}", opening=(Window(day=0, start=_hm(8, 45), end=_hm(12, 30)),)) for i in range(4)
    )
    computers = tuple(
        Computer(id=f"site-{i}-pc-{n}", site_id=f"site-{i}")
        for i, count in enumerate((5, 5, 4, 4))
        for n in range(count)
    )
    companies = []
    for i in range(15):
        start = rng.choice((_hm(9), _hm(9), _hm(9), _hm(9, 30)))
        end = rng.choice((_hm(12, 30), _hm(12, 30), _hm(11, 30)))
        recruiters = rng.choice((1, 1, 2, 2, 3))
        companies.append(
            Company(
                id=f"company-{i:02d}", recruiters=recruiters, windows=(Window(day=0, start=start, end=end),)
            )
        )
    candidates = []
    for i in range(50):
        start = rng.choice((_hm(9), _hm(9), _hm(9), _hm(9, 40)))
        wishes = tuple(k.id for k in rng.sample(companies, rng.randint(3, 5)))
        candidates.append(
            Candidate(
                id=f"candidate-{i:02d}",
                site_id=f"site-{i % 4}",
                available=(Window(day=0, start=start, end=_hm(12, 30)),),
                wishes=wishes,
                max_interviews=5,
            )
        )
    return Instance(
        days=(day,),
        grid=grid,
        sites=sites,
        computers=computers,
        companies=tuple(companies),
        candidates=tuple(candidates),
    )


_MORNING = (_hm(9), _hm(12))
_AFTERNOON = (_hm(13, 30), _hm(17))


def regional_fair(
    seed: int = 2026,
    *,
    candidates: int = 5000,
    companies: int = 500,
    sites: int = 200,
    areas: int = 20,
    computers_per_site: tuple[int, int] = (2, 5),
    recruiters: tuple[int, int] = (1, 3),
    half_days_per_candidate: int = 1,
) -> Instance:
    """A regional fair over two days (9:00-12:00 and 13:30-17:00): sites grouped in areas, every company
    local to one area (it only meets candidates of that area's sites), candidates wishing 3 to 5 companies
    of their area. Each candidate comes for `half_days_per_candidate` half-days (1: one half-day; 2: one
    half-day on each day); companies come for one or both days, all day or half a day."""
    rng = random.Random(seed)
    days = tuple(Day(index=d, start=_MORNING[0], end=_AFTERNOON[1]) for d in range(2))
    grid = SlotGrid(
        length=20,
        buffer=10,
        breaks=tuple(Window(day=d, start=_MORNING[1], end=_AFTERNOON[0]) for d in range(2)),
    )
    site_list = tuple(
        Site(
            id=f"site-{i:03d}",
            opening=tuple(Window(day=d, start=_hm(8, 30), end=_hm(17, 30)) for d in range(2)),
        )
        for i in range(sites)
    )
    computer_list = tuple(
        Computer(id=f"site-{i:03d}-pc-{n}", site_id=f"site-{i:03d}")
        for i in range(sites)
        for n in range(rng.randint(*computers_per_site))
    )
    area_sites = [[s.id for s in site_list[a::areas]] for a in range(areas)]
    company_list: list[Company] = []
    area_companies: list[list[str]] = [[] for _ in range(areas)]
    for i in range(companies):
        area = i % areas
        windows = _company_windows(rng)
        company_id = f"company-{i:03d}"
        company_list.append(
            Company(
                id=company_id,
                recruiters=rng.randint(*recruiters),
                windows=windows,
                sites=tuple(area_sites[area]),
            )
        )
        area_companies[area].append(company_id)
    candidate_list = []
    for i in range(candidates):
        area = i % areas
        site_id = rng.choice(area_sites[area])
        if half_days_per_candidate >= 2:
            available = tuple(_half_day(d, rng.random() < 0.5) for d in range(2))
        else:
            available = (_half_day(rng.randrange(2), rng.random() < 0.6),)
        wishes = tuple(rng.sample(area_companies[area], rng.randint(3, 5)))
        candidate_list.append(
            Candidate(
                id=f"candidate-{i:04d}",
                site_id=site_id,
                available=available,
                wishes=wishes,
                max_interviews=rng.randint(3, 5),
            )
        )
    return Instance(
        days=days,
        grid=grid,
        sites=site_list,
        computers=computer_list,
        companies=tuple(company_list),
        candidates=tuple(candidate_list),
    )


def _half_day(day: int, morning: bool) -> Window:
    start, end = _MORNING if morning else _AFTERNOON
    return Window(day=day, start=start, end=end)


def _company_windows(rng: random.Random) -> tuple[Window, ...]:
    shape = rng.random()
    if shape < 0.5:
        return tuple(Window(day=d, start=_MORNING[0], end=_AFTERNOON[1]) for d in range(2))
    day = rng.randrange(2)
    if shape < 0.8:
        return (Window(day=day, start=_MORNING[0], end=_AFTERNOON[1]),)
    return (_half_day(day, rng.random() < 0.5), _half_day(1 - day, rng.random() < 0.5))


def computer_bound_fair(seed: int = 2026) -> Instance:
    """The regional fair with computers as the bottleneck: about 300 computers (1 or 2 per site), every
    candidate there two half-days (one each day), one recruiter per company."""
    return regional_fair(
        seed,
        computers_per_site=(1, 2),
        recruiters=(1, 1),
        half_days_per_candidate=2,
    )


def small_instance(
    seed: int,
    *,
    candidates: int = 6,
    companies: int = 3,
    sites: int = 2,
    slots: int = 5,
    days: int = 1,
    max_interviews: int = 3,
    pins: bool = True,
) -> Instance:
    """A small random instance for property tests: up to the given sizes, one or more days of `slots`
    20-minute slots, a random buffer (0, 10 or 20 min), sometimes a break, partial availabilities, a local
    company, a pin and a forbid now and then."""
    rng = random.Random(seed)
    start, length = _hm(9), 20
    end = start + slots * length
    buffer = rng.choice((0, 10, 10, 20))
    breaks: list[Window] = []
    day_list = []
    for d in range(days):
        break_at = None
        if slots >= 3 and rng.random() < 0.3:
            break_at = start + rng.randrange(1, slots) * length
            breaks.append(Window(day=d, start=break_at, end=break_at + 10))
        day_list.append(Day(index=d, start=start, end=end + (10 if break_at else 0)))

    def window(day: int) -> Window:
        a = rng.randrange(start, end, 10)
        b = rng.randrange(a + length, end + 20, 10)
        return Window(day=day, start=a, end=b)

    def windows() -> tuple[Window, ...]:
        out = []
        for d in range(days):
            if rng.random() < 0.6:
                out.append(Window(day=d, start=start, end=end + 10))
            elif rng.random() < 0.9:
                out.append(window(d))
        return tuple(out) or (window(0),)

    site_list = tuple(Site(id=f"s{i}", opening=windows()) for i in range(rng.randint(1, sites)))
    computer_list = []
    for site in site_list:
        for n in range(rng.randint(1, 3)):
            available = None if rng.random() < 0.7 else windows()
            computer_list.append(Computer(id=f"{site.id}-pc{n}", site_id=site.id, available=available))
    company_list = []
    for i in range(rng.randint(1, companies)):
        local = (rng.choice(site_list).id,) if len(site_list) > 1 and rng.random() < 0.2 else None
        company_list.append(
            Company(id=f"k{i}", recruiters=rng.choice((1, 1, 2)), windows=windows(), sites=local)
        )
    candidate_list = []
    for i in range(rng.randint(1, candidates)):
        wishes = tuple(k.id for k in rng.sample(company_list, rng.randint(1, len(company_list))))
        candidate_list.append(
            Candidate(
                id=f"c{i}",
                site_id=rng.choice(site_list).id,
                available=windows(),
                wishes=wishes,
                max_interviews=rng.randint(1, max_interviews),
            )
        )
    pin_list: list[Pair] = []
    forbid_list: list[Pair] = []
    if pins and rng.random() < 0.3:
        c = rng.choice(candidate_list)
        pin_list.append(Pair(candidate_id=c.id, company_id=c.wishes[0]))
    if rng.random() < 0.3:
        c = rng.choice(candidate_list)
        forbid_list.append(Pair(candidate_id=c.id, company_id=rng.choice(company_list).id))
    return Instance(
        days=tuple(day_list),
        grid=SlotGrid(length=length, buffer=buffer, breaks=tuple(breaks)),
        sites=site_list,
        computers=tuple(computer_list),
        companies=tuple(company_list),
        candidates=tuple(candidate_list),
        pins=tuple(pin_list),
        forbids=tuple(forbid_list),
    )
