"""The time-indexed integer program of level 1 of the objective for one component, as plain arrays that
either engine (HiGHS, CP-SAT) can load. The segment relaxation (`relax.py`) uses the same container.

Columns:
- x[c, k, t] in {0, 1}: candidate c meets company k at slot t, for every option (both available, the site
  open with a working computer, the pair allowed). Cost: v(c, k), both sides' wishes (see `objective.py`).
- z[c, j] in [0, 1], j = 1 .. most interviews of c: "c has at least j interviews". Cost: W_j. Since W_j
  decreases in j, an optimum sets z[c, 1..n_c] = 1 and the rest 0, so continuous z are enough for HiGHS.

Rows:
- pair: sum_t x[c, k, t] <= 1 (= 1 for a pin): each pair meets at most once.
- count: sum_{k, t} x[c, k, t] - sum_j z[c, j] = 0: ties the tiers to the interviews (and caps them).
- buffer: for each maximal set of c's slots that pairwise overlap once the buffer is added,
  sum x[c, k, t] over that set <= 1: one interview at a time, with the buffer between two.
- recruiters: sum_c x[c, k, t] <= recruiters of k free at t (not held by other job datings), for each
  company and slot.
- computers: sum x[c, k, t] over candidates of site s <= working computers of s at t.
Rows that cannot bind are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.objective import Weights


@dataclass
class Formulation:
    """One component's program: columns [x..., z...] and rows lower <= A x <= upper (row-wise, sparse)."""

    options: list[tuple[str, str, int]] = field(default_factory=list)
    tiers: list[tuple[str, int]] = field(default_factory=list)
    cost: list[int] = field(default_factory=list)
    lower: list[int] = field(default_factory=list)
    rows_lower: list[int] = field(default_factory=list)
    rows_upper: list[int] = field(default_factory=list)
    rows: list[list[int]] = field(default_factory=list)
    coefficients: list[list[int]] = field(default_factory=list)
    pinned: set[tuple[str, str]] = field(default_factory=set)

    @property
    def columns(self) -> int:
        """x and z columns together."""
        return len(self.options) + len(self.tiers)

    def add_row(self, columns: list[int], coefficients: list[int], lower: int, upper: int) -> None:
        """Append lower <= sum coefficients * columns <= upper."""
        self.rows.append(columns)
        self.coefficients.append(coefficients)
        self.rows_lower.append(lower)
        self.rows_upper.append(upper)

    def add_option(self, option: tuple[str, str, int], cost: int) -> int:
        """Append an x column (candidate, company, slot or segment) at `cost`; its number."""
        self.options.append(option)
        self.cost.append(cost)
        self.lower.append(0)
        return len(self.options) - 1

    def add_pair(self, candidate_id: str, company_id: str, columns: list[int], pinned: bool) -> None:
        """The pair's columns: they meet at most once, exactly once when pinned (a lone unpinned column
        needs no row)."""
        if pinned:
            self.pinned.add((candidate_id, company_id))
        if len(columns) > 1 or pinned:
            self.add_row(columns, [1] * len(columns), 1 if pinned else 0, 1)

    def add_tiers(self, frame: Frame, weights: Weights, count_rows: list[tuple[list[int], str]]) -> None:
        """The z columns and the count rows tying them to each candidate's own x columns. Tier columns
        follow every x column, so they are numbered once all options are known."""
        for own, candidate_id in count_rows:
            tier_columns = []
            for j in range(1, frame.most_interviews(candidate_id) + 1):
                tier_columns.append(len(self.options) + len(self.tiers))
                self.tiers.append((candidate_id, j))
                self.cost.append(weights.tier(j))
                self.lower.append(0)
            self.add_row(own + tier_columns, [1] * len(own) + [-1] * len(tier_columns), 0, 0)


def formulate(
    frame: Frame, weights: Weights, candidate_ids: list[str], fixed: Board | None = None
) -> Formulation:
    """The program of the candidates `candidate_ids`: a component (nobody outside shares a constraint), or
    a neighbourhood whose outside interviews stay `fixed` and only leave the recruiters and computers they
    do not use."""
    f = Formulation()
    pins = frame.pins
    by_company: dict[tuple[str, int], list[int]] = {}
    by_site: dict[tuple[str, int], list[int]] = {}
    count_rows: list[tuple[list[int], str]] = []
    left: dict[tuple[str, int], int] = {}
    for candidate_id in candidate_ids:
        site_id = frame.candidates[candidate_id].site_id
        own: list[int] = []
        by_slot: dict[int, list[int]] = {}
        for company_id, rank, slots in frame.open_options(candidate_id):
            pair_columns: list[int] = []
            for t in slots:
                if fixed is not None and not (
                    fixed.company_free(company_id, t) and computers_left(fixed, site_id, t, left) > 0
                ):
                    continue
                column = f.add_option(
                    (candidate_id, company_id, t), weights.pair(candidate_id, company_id, rank)
                )
                pair_columns.append(column)
                by_slot.setdefault(t, []).append(column)
                by_company.setdefault((company_id, t), []).append(column)
                by_site.setdefault((site_id, t), []).append(column)
            if not pair_columns:
                continue
            own.extend(pair_columns)
            f.add_pair(candidate_id, company_id, pair_columns, company_id in pins.get(candidate_id, ()))
        if not own:
            continue
        count_rows.append((own, candidate_id))
        buffer_rows(f, frame, by_slot)
    f.add_tiers(frame, weights, count_rows)
    for (company_id, t), columns in by_company.items():
        recruiters = frame.recruiters(company_id, t)
        if fixed is not None:
            recruiters -= fixed.load.get((company_id, t), 0)
        if len(columns) > recruiters:
            f.add_row(columns, [1] * len(columns), 0, recruiters)
    for (site_id, t), columns in by_site.items():
        computers = frame.site_capacity(site_id)[t]
        if fixed is not None:
            computers = computers_left(fixed, site_id, t, left)
        if len(columns) > computers:
            f.add_row(columns, [1] * len(columns), 0, computers)
    return f


def buffer_rows(f: Formulation, frame: Frame, by_slot: dict[int, list[int]]) -> None:
    slots = sorted(by_slot)
    last_end = -1
    for i, t in enumerate(slots):
        clique = [t]
        for u in slots[i + 1 :]:
            if u in frame.conflicts[t]:
                clique.append(u)
            else:
                break
        end = clique[-1]
        if end <= last_end:
            continue  # contained in the previous maximal set
        last_end = end
        columns = [c for u in clique for c in by_slot[u]]
        if len(columns) > 1:
            f.add_row(columns, [1] * len(columns), 0, 1)


def computers_left(board: Board, site_id: str, t: int, cache: dict[tuple[str, int], int]) -> int:
    """Working computers of a site nobody fixed uses at `t` (cached: asked once per column)."""
    key = (site_id, t)
    found = cache.get(key)
    if found is None:
        frame = board.frame
        found = sum(
            1
            for computer_id in frame.site_computers(site_id)
            if t in frame.computer_slots(computer_id) and (computer_id, t) not in board.seat
        )
        cache[key] = found
    return found
