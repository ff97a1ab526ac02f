"""The slot grid of an instance and which slots suit whom, derived once and cached per person or thing.

Slots are numbered over the whole event in time order; a slot is a possible interview start. Everything is
computed lazily, so that a repair on a 5,000-candidate event only pays for the few people it touches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from jobdating.scheduling.planning.model import (
    Candidate,
    Company,
    Computer,
    Day,
    Elsewhere,
    Instance,
    Site,
    SlotGrid,
    Window,
    busy,
    overlaps,
)


def day_starts(day: Day, grid: SlotGrid) -> list[int]:
    """Interview starts of one day: back to back from the day's start, restarting after each break."""
    breaks = sorted((b.start, b.end) for b in grid.breaks if b.day == day.index)
    starts: list[int] = []
    t = day.start
    while t + grid.length <= day.end:
        blocking = next((end for start, end in breaks if start < t + grid.length and t < end), None)
        if blocking is not None:
            t = blocking
            continue
        starts.append(t)
        t += grid.length
    return starts


class Frame:
    """The instance's slots and admissible (candidate, company, slot) options, with lookups by id."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.length = instance.grid.length
        self.buffer = instance.grid.buffer
        slots: list[tuple[int, int]] = []
        positions: list[int] = []
        self.day_slots: dict[int, tuple[int, list[int]]] = {}
        for day in sorted(instance.days, key=lambda d: d.index):
            starts = day_starts(day, instance.grid)
            self.day_slots[day.index] = (len(slots), starts)
            positions.extend(range(len(starts)))
            slots.extend((day.index, s) for s in starts)
        self.slots: tuple[tuple[int, int], ...] = tuple(slots)
        self.position: tuple[int, ...] = tuple(positions)
        self.slot_of: dict[tuple[int, int], int] = {s: i for i, s in enumerate(slots)}
        self.conflicts: tuple[tuple[int, ...], ...] = tuple(self._conflicts(i) for i in range(len(slots)))
        self.candidates: dict[str, Candidate] = {c.id: c for c in instance.candidates}
        self.companies: dict[str, Company] = {k.id: k for k in instance.companies}
        self.computers: dict[str, Computer] = {p.id: p for p in instance.computers}
        self.sites: dict[str, Site] = {s.id: s for s in instance.sites}
        self.pins: dict[str, set[str]] = {}
        for pin in instance.pins:
            self.pins.setdefault(pin.candidate_id, set()).add(pin.company_id)
        self.forbids: dict[str, set[str]] = {}
        for forbid in instance.forbids:
            self.forbids.setdefault(forbid.candidate_id, set()).add(forbid.company_id)
        self.elsewhere: dict[str, list[Elsewhere]] = {}
        self.elsewhere_companies: dict[str, list[Elsewhere]] = {}
        for held in instance.elsewhere:
            self.elsewhere.setdefault(held.candidate_id, []).append(held)
            self.elsewhere_companies.setdefault(held.company_id, []).append(held)
        self._recruiters: dict[str, dict[int, int]] = {}
        self._candidate_slots: dict[str, frozenset[int]] = {}
        self._company_slots: dict[str, frozenset[int]] = {}
        self._computer_slots: dict[str, frozenset[int]] = {}
        self._site_computers: dict[str, tuple[str, ...]] | None = None
        self._site_capacity: dict[str, dict[int, int]] = {}
        self._allowed: dict[str, tuple[tuple[str, int | None], ...]] = {}
        self._options: dict[tuple[str, str], tuple[int, ...]] = {}

    def _conflicts(self, i: int) -> tuple[int, ...]:
        day, start = self.slots[i]
        mine = busy(start, start + self.length, self.buffer)

        # The solver's constraints are these conflicts, so they say the rule the checker says: `busy`.
        def near(j: int) -> bool:
            other = self.slots[j][1]
            return self.slots[j][0] == day and overlaps(mine, (other, other + self.length))

        before, after = i - 1, i + 1
        while before >= 0 and near(before):
            before -= 1
        while after < len(self.slots) and near(after):
            after += 1
        return tuple(j for j in range(before + 1, after) if j != i)

    def fitting(self, windows: Iterable[Window]) -> frozenset[int]:
        """Slots whose whole interview lies inside one of `windows`."""
        found: set[int] = set()
        for w in windows:
            if w.day not in self.day_slots:
                continue
            first, starts = self.day_slots[w.day]
            lo = bisect_left(starts, w.start)
            hi = bisect_right(starts, w.end - self.length)
            found.update(range(first + lo, first + hi))
        return frozenset(found)

    def slot(self, day: int, start: int) -> int | None:
        """The slot number of an interview starting at `start` on `day`, None when off the grid."""
        return self.slot_of.get((day, start))

    def candidate_slots(self, candidate_id: str) -> frozenset[int]:
        """Slots a candidate is available for."""
        return _kept(self._candidate_slots, candidate_id, self._fit_candidate)

    def company_slots(self, company_id: str) -> frozenset[int]:
        """Slots inside a company's windows."""
        return _kept(self._company_slots, company_id, self._fit_company)

    def computer_slots(self, computer_id: str) -> frozenset[int]:
        """Slots when a computer works and its site is open."""
        return _kept(self._computer_slots, computer_id, self._fit_computer)

    def recruiters(self, company_id: str, t: int) -> int:
        """Recruiters of a company free for this job dating at slot `t`: its own number, less the most of
        them its interviews in other job datings hold at once during the slot."""
        taken = self._recruiters.get(company_id)
        if taken is None:
            taken = self._recruiters[company_id] = self._taken_elsewhere(company_id)
        return self.companies[company_id].recruiters - taken.get(t, 0)

    def _taken_elsewhere(self, company_id: str) -> dict[int, int]:
        held = self.elsewhere_companies.get(company_id, [])
        taken: dict[int, int] = {}
        for t in {t for h in held for t in self._during(h, 0)}:
            day, start = self.slots[t]
            end = start + self.length
            running = [h for h in held if h.day == day and h.start < end and start < h.end]
            # The most at once within the slot: the count peaks at one of their starts (or at the slot's).
            taken[t] = max(
                sum(1 for h in running if h.start <= at < h.end)
                for at in {max(h.start, start) for h in running}
            )
        return taken

    def _during(self, held: Elsewhere, buffer: int) -> list[int]:
        """Slots whose interview overlaps `held` widened by `buffer` on each side."""
        if held.day not in self.day_slots:
            return []
        first, starts = self.day_slots[held.day]
        span = busy(held.start, held.end, buffer)
        return [first + i for i, s in enumerate(starts) if overlaps(span, (s, s + self.length))]

    def _fit_candidate(self, candidate_id: str) -> frozenset[int]:
        fitting = self.fitting(self.candidates[candidate_id].available)
        # Never in two interviews at once, whichever job dating holds the other: `busy`, as for ours.
        taken = {t for held in self.elsewhere.get(candidate_id, ()) for t in self._during(held, self.buffer)}
        return fitting - taken

    def _fit_company(self, company_id: str) -> frozenset[int]:
        fitting = self.fitting(self.companies[company_id].windows)
        return frozenset(t for t in fitting if self.recruiters(company_id, t) > 0)

    def _fit_computer(self, computer_id: str) -> frozenset[int]:
        computer = self.computers[computer_id]
        site = self.sites.get(computer.site_id)
        opening = self.fitting(site.opening) if site is not None else frozenset()
        own = computer.available
        return opening if own is None else opening & self.fitting(own)

    def site_computers(self, site_id: str) -> tuple[str, ...]:
        """Computer ids of a site, sorted."""
        if self._site_computers is None:
            by_site: dict[str, list[str]] = {}
            for computer in self.instance.computers:
                by_site.setdefault(computer.site_id, []).append(computer.id)
            self._site_computers = {s: tuple(sorted(ids)) for s, ids in by_site.items()}
        return self._site_computers.get(site_id, ())

    def site_capacity(self, site_id: str) -> dict[int, int]:
        """How many computers of a site can host an interview, per slot (slots with none are absent)."""
        found = self._site_capacity.get(site_id)
        if found is None:
            found = {}
            for computer_id in self.site_computers(site_id):
                for t in self.computer_slots(computer_id):
                    found[t] = found.get(t, 0) + 1
            self._site_capacity[site_id] = found
        return found

    def rank(self, candidate_id: str, company_id: str) -> int | None:
        """Rank (1 = first wish) of a company in a candidate's wishes, None when not wished."""
        wishes = self.candidates[candidate_id].wishes
        return wishes.index(company_id) + 1 if company_id in wishes else None

    def allowed(self, candidate_id: str) -> tuple[tuple[str, int | None], ...]:
        """Companies a candidate may meet, with their rank, best first; pinned companies outside the
        wishes come last with rank None. Forbidden pairs and companies closed to the site are left out."""
        found = self._allowed.get(candidate_id)
        if found is None:
            candidate = self.candidates[candidate_id]
            forbidden = self.forbids.get(candidate_id, set())
            pinned = self.pins.get(candidate_id, set())
            out: list[tuple[str, int | None]] = []
            seen: set[str] = set()
            for rank, company_id in enumerate(candidate.wishes, start=1):
                if company_id not in seen and self._may_meet(candidate, company_id, forbidden):
                    out.append((company_id, rank))
                seen.add(company_id)
            for company_id in sorted(pinned - seen):
                if self._may_meet(candidate, company_id, forbidden):
                    out.append((company_id, None))
            found = tuple(out)
            self._allowed[candidate_id] = found
        return found

    def _may_meet(self, candidate: Candidate, company_id: str, forbidden: set[str]) -> bool:
        company = self.companies.get(company_id)
        if company is None or company_id in forbidden:
            return False
        return company.sites is None or candidate.site_id in company.sites

    def options(self, candidate_id: str, company_id: str) -> tuple[int, ...]:
        """Slots, in time order, when this candidate and company could meet at the candidate's site,
        ignoring everybody else: both available, the site open with a working computer."""
        key = (candidate_id, company_id)
        found = self._options.get(key)
        if found is None:
            capacity = self.site_capacity(self.candidates[candidate_id].site_id)
            common = self.candidate_slots(candidate_id) & self.company_slots(company_id)
            found = tuple(sorted(t for t in common if t in capacity))
            self._options[key] = found
        return found

    def open_options(self, candidate_id: str) -> list[tuple[str, int | None, tuple[int, ...]]]:
        """The companies a candidate may meet at one slot at least, best first: (company, rank, slots)."""
        found = ((k, rank, self.options(candidate_id, k)) for k, rank in self.allowed(candidate_id))
        return [(k, rank, slots) for k, rank, slots in found if slots]

    def pack(self, slots: Iterable[int]) -> list[int]:
        """The most of these slots one candidate can use with the buffer, earliest first (optimal on a line,
        and the earliest such choice): `slots` in time order."""
        packed: list[int] = []
        for t in slots:
            if not packed or t not in self.conflicts[packed[-1]]:
                packed.append(t)
        return packed

    def most_interviews(self, candidate_id: str) -> int:
        """An upper bound on a candidate's interviews: their maximum, their allowed companies with a common
        slot, and how many of their usable slots fit together with the buffer."""
        candidate = self.candidates[candidate_id]
        open_pairs = self.open_options(candidate_id)
        usable = sorted({t for _, _, slots in open_pairs for t in slots})
        return min(candidate.max_interviews, len(open_pairs), len(self.pack(usable)))


def _kept(kept: dict[str, frozenset[int]], key: str, find: Callable[[str], frozenset[int]]) -> frozenset[int]:
    """`find(key)`, worked out once per frame and kept in `kept`."""
    found = kept.get(key)
    if found is None:
        found = kept[key] = find(key)
    return found
