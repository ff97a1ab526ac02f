"""Seeded fairs that do not split: every company meets candidates of every site (issue 19).

`generate.regional_fair` keeps each company in one area, so a 5,000-candidate fair falls apart into 40
small independent problems. Here any company reaches any site, a few companies draw most of the wishes
(Zipf popularity) and, in the "computer_bound" shape, the computers are the binding constraint: each
computer is lent for two of the six half-days. "loose" lends every computer for all six. The same seed
always gives the same instance.
"""

from __future__ import annotations

import itertools
import random
from typing import Literal

from jobdating.scheduling.planning.model import (
    Candidate,
    Company,
    Computer,
    Day,
    Instance,
    Site,
    SlotGrid,
    Window,
)

Shape = Literal["loose", "computer_bound"]

_DAYS = 3
_SLOTS_PER_DAY = 19
_MOST_RECRUITERS = 12
# Candidates who come two half-days (on two days) tie the days together: the fair is one component.
_TWO_HALF_DAYS = 0.3
_MORNING = (9 * 60, 12 * 60)
_AFTERNOON = (13 * 60 + 30, 17 * 60)


def open_fair(
    seed: int = 2026,
    *,
    candidates: int = 5000,
    companies: int | None = None,
    sites: int | None = None,
    computers: int | None = None,
    shape: Shape = "computer_bound",
    zipf: float = 0.8,
) -> Instance:
    """A fair over three days (six half-days): `candidates` (each there one half-day, 3 to 5 wishes drawn
    with Zipf popularity of exponent `zipf`, at most 3 to 5 interviews), `companies` (default one per five
    candidates, 1 to 3 recruiters, one to three days), `sites` (default one per hundred candidates) and
    `computers` (default 1,029 per 5,000 candidates), spread evenly over the sites."""
    rng = random.Random(seed)
    companies = companies if companies is not None else max(candidates // 5, 1)
    sites = sites if sites is not None else max(candidates // 100, 1)
    computers = computers if computers is not None else max(candidates * 1029 // 5000, sites)
    days = tuple(Day(index=d, start=_MORNING[0], end=_AFTERNOON[1]) for d in range(_DAYS))
    grid = SlotGrid(
        length=20,
        buffer=10,
        breaks=tuple(Window(day=d, start=_MORNING[1], end=_AFTERNOON[0]) for d in range(_DAYS)),
    )
    opening = tuple(Window(day=d, start=8 * 60 + 30, end=17 * 60 + 30) for d in range(_DAYS))
    site_list = tuple(Site(id=f"site-{i:03d}", opening=opening) for i in range(sites))
    half_days = [_half_day(d, morning) for d in range(_DAYS) for morning in (True, False)]
    computer_list = []
    for n in range(computers):
        site_id = site_list[n % sites].id
        available = None if shape == "loose" else tuple(sorted(rng.sample(half_days, 2), key=_order))
        computer_list.append(Computer(id=f"{site_id}-pc-{n // sites}", site_id=site_id, available=available))
    weights = [1.0 / (i + 1) ** zipf for i in range(companies)]
    popularity = list(itertools.accumulate(weights))
    company_list = []
    for i in range(companies):
        windows = _company_windows(rng)
        # Popular companies bring more recruiters, about enough for half the wishes they draw.
        wished = 4 * candidates * weights[i] / popularity[-1]
        needed = round(wished / (2 * _SLOTS_PER_DAY * len(windows)))
        recruiters = max(rng.randint(1, 3), min(needed, _MOST_RECRUITERS))
        company_list.append(Company(id=f"company-{i:04d}", recruiters=recruiters, windows=windows))
    candidate_list = []
    for i in range(candidates):
        wishes: list[str] = []
        count = min(rng.randint(3, 5), companies)
        while len(wishes) < count:
            company_id = company_list[rng.choices(range(companies), cum_weights=popularity)[0]].id
            if company_id not in wishes:
                wishes.append(company_id)
        candidate_list.append(
            Candidate(
                id=f"candidate-{i:05d}",
                site_id=rng.choice(site_list).id,
                available=_availability(rng, half_days),
                wishes=tuple(wishes),
                max_interviews=rng.randint(3, 5),
            )
        )
    return Instance(
        days=days,
        grid=grid,
        sites=site_list,
        computers=tuple(computer_list),
        companies=tuple(company_list),
        candidates=tuple(candidate_list),
    )


def _half_day(day: int, morning: bool) -> Window:
    start, end = _MORNING if morning else _AFTERNOON
    return Window(day=day, start=start, end=end)


def _availability(rng: random.Random, half_days: list[Window]) -> tuple[Window, ...]:
    first = rng.choice(half_days)
    if rng.random() >= _TWO_HALF_DAYS:
        return (first,)
    second = rng.choice([w for w in half_days if w.day != first.day])
    return tuple(sorted((first, second), key=_order))


def _order(window: Window) -> tuple[int, int]:
    return window.day, window.start


def _company_windows(rng: random.Random) -> tuple[Window, ...]:
    present = sorted(rng.sample(range(_DAYS), rng.randint(1, _DAYS)))
    return tuple(Window(day=d, start=_MORNING[0], end=_AFTERNOON[1]) for d in present)
