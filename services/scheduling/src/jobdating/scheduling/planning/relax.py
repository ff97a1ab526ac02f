"""Who meets whom, without the clock: the segment relaxation of the first level of the objective.

A segment is a run of back-to-back slots of a day (breaks and gaps cut segments). The relaxation forgets
which slot of its segment an interview takes and keeps, per segment, the totals the slots allow:

- y[c, k, s] in {0, 1}: candidate c meets company k in segment s (an option exists there);
  z[c, j] in [0, 1] the fairness tiers, as in the time-indexed program;
- pair: sum_s y[c, k, s] <= 1 (= 1 for a pin);  count: sum y[c, ., .] - sum_j z[c, j] = 0;
- candidate: sum_k y[c, k, s] <= how many of c's usable slots in s fit together with the buffer;
- recruiters: sum_c y[c, k, s] <= recruiters of k x slots of s where k could meet one of them;
- computers: sum y over candidates of site p in s <= computer-slots of p in s where any could be used.

Each row is a sum of rows of the time-indexed program, so its optimum bounds the first level of the
objective from above. When a timetable places every chosen pair, that plan is optimal for the first level.
The program is small (pairs x segments) and close to a transportation problem: it solves in milliseconds.
"""

from __future__ import annotations

from jobdating.scheduling.planning.formulation import Formulation
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.objective import Weights


def segments(frame: Frame) -> list[int]:
    """The segment number of every slot: a new segment starts after a break or any gap in the grid."""
    out: list[int] = []
    current = -1
    for t, (day, start) in enumerate(frame.slots):
        if t == 0 or frame.slots[t - 1][0] != day or start - frame.slots[t - 1][1] > frame.length:
            current += 1
        out.append(current)
    return out


def relax(frame: Frame, weights: Weights, candidate_ids: list[str], segment_of: list[int]) -> Formulation:
    """The segment relaxation of a component; its options are (candidate, company, segment)."""
    f = Formulation()
    by_company: dict[tuple[str, int], list[int]] = {}
    company_reach: dict[tuple[str, int], set[int]] = {}
    by_site: dict[tuple[str, int], list[int]] = {}
    site_reach: dict[tuple[str, int], set[int]] = {}
    count_rows: list[tuple[list[int], str]] = []
    for candidate_id in candidate_ids:
        site_id = frame.candidates[candidate_id].site_id
        own: list[int] = []
        usable: dict[int, set[int]] = {}
        by_segment: dict[int, list[int]] = {}
        for company_id, rank, slots in frame.open_options(candidate_id):
            pair_columns: list[int] = []
            for s in sorted({segment_of[t] for t in slots}):
                in_segment = {t for t in slots if segment_of[t] == s}
                column = f.add_option(
                    (candidate_id, company_id, s), weights.pair(candidate_id, company_id, rank)
                )
                pair_columns.append(column)
                by_segment.setdefault(s, []).append(column)
                usable.setdefault(s, set()).update(in_segment)
                by_company.setdefault((company_id, s), []).append(column)
                company_reach.setdefault((company_id, s), set()).update(in_segment)
                by_site.setdefault((site_id, s), []).append(column)
                site_reach.setdefault((site_id, s), set()).update(in_segment)
            own.extend(pair_columns)
            f.add_pair(candidate_id, company_id, pair_columns, company_id in frame.pins.get(candidate_id, ()))
        for s, columns in by_segment.items():
            room = len(frame.pack(sorted(usable[s])))
            if len(columns) > room:
                f.add_row(columns, [1] * len(columns), 0, room)
        if own:
            count_rows.append((own, candidate_id))
    f.add_tiers(frame, weights, count_rows)
    for (company_id, s), columns in by_company.items():
        room = frame.companies[company_id].recruiters * len(company_reach[(company_id, s)])
        if len(columns) > room:
            f.add_row(columns, [1] * len(columns), 0, room)
    for (site_id, s), columns in by_site.items():
        capacity = frame.site_capacity(site_id)
        room = sum(capacity[t] for t in site_reach[(site_id, s)])
        if len(columns) > room:
            f.add_row(columns, [1] * len(columns), 0, room)
    return f
