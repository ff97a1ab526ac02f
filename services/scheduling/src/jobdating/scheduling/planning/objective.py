"""What makes one plan better than another, in two levels: who meets whom first, then when.

Level 1 (maximised, an integer: `score`) is fairness, then both sides' wishes:

    sum over candidates c of  W_1 + ... + W_{n_c}   +   sum over interviews (c, k) of v(c, k)

- n_c is the number of interviews of candidate c;
- v(c, k) = rho(rank_c(k)) + sigma_k(rank_k(c)) + M [k must meet c], the worth of one interview:
  - rho(r) = R + 1 - r for a wish of rank r, R the longest wish list (rank 1 earns R); a pinned company
    outside the wishes earns 0 (the candidate's side);
  - sigma_k(q) = R + 1 - ceil(R q / Q_k) when company k ranked c q-th among the Q_k candidates it ranked,
    0 when it did not rank c (the company's side): its list cut into R equal bands, as many levels as a
    candidate's wishes have, so that both sides weigh alike (its first band earns R, as a first wish does).
    A company's list is longer than a candidate's: ranks within one band count the same. With finer
    levels (rank q worth Q + 1 - q, the candidates' side scaled by Q) the reference day took 3 times
    longer to prove and other seeds 4 to 6 times (measured);
  - M = 2R + 1 when k marked c "must meet", else 0: more than the best ranks of both sides together, so a
    must-meet pair goes before any other at equal fairness, but never before someone's earlier interview.
  A company only chooses among candidates who wished for it (the profiles it may see); its other choices
  are ignored. Without choices, v(c, k) = rho(rank_c(k)): the objective is what it was.
- W_J = 2V + 1 and W_j = 2 (W_{j+1} + V) + 1 for j < J, J the largest maximum of interviews and V the
  largest worth of one interview (R without choices, up to 4R + 1 with them).

Why this is fair: W_j > 2 (W_{j+1} + V). Giving a candidate one more interview blocks at most two
interviews of other people (one recruiter of that company and one computer of that site at that time), so
an optimal plan never keeps two interviews that are someone's (j+1)-th or later when cancelling them would
give another candidate a j-th one: nobody gets a third interview while cancelling third interviews could
give someone a first, whatever the companies chose. With equal counts, the greater worth wins.

Level 2 (minimised: `lateness`) compacts mornings: the sum over interviews of pos(t), the position of the
slot in its day (0 for the day's first slot). `solve` proves level 1 optimal (or reports its gap), then
keeps who meets whom and moves interviews earlier while any move helps; `earliest` is the bound it reports
(every candidate's interviews packed from their first usable slot, as if alone).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Instance, Interview, Plan


class Weights(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The constants of level 1 for one instance (see the module docstring); `company` holds
    sigma_k + M of each (candidate, company) pair a company chose."""

    tiers: tuple[int, ...]
    longest_wishes: int
    company: dict[tuple[str, str], int] = msgspec.field(default_factory=dict)

    def tier(self, j: int) -> int:
        """W_j, the worth of a candidate's j-th interview (j from 1)."""
        return self.tiers[j - 1] if j <= len(self.tiers) else 0

    def interview(self, rank: int | None) -> int:
        """rho(rank): the candidate's side of an interview with a company of that rank (None: pinned, not
        wished)."""
        return 0 if rank is None else self.longest_wishes + 1 - rank

    def pair(self, candidate_id: str, company_id: str, rank: int | None) -> int:
        """v(c, k): the worth of this candidate meeting this company, both sides' wishes together (`rank`
        is the company's rank in the candidate's wishes)."""
        return self.interview(rank) + self.company.get((candidate_id, company_id), 0)


def weights(instance: Instance) -> Weights:
    """Level 1 constants for `instance`."""
    longest = max((len(c.wishes) for c in instance.candidates), default=0)
    most = max((c.max_interviews for c in instance.candidates), default=0)
    company = company_worth(instance, longest)
    top = longest + max(company.values(), default=0)
    tiers: list[int] = []
    w = 2 * top + 1
    for _ in range(most):
        tiers.append(w)
        w = 2 * (w + top) + 1
    return Weights(tiers=tuple(reversed(tiers)), longest_wishes=longest, company=company)


def company_worth(instance: Instance, longest: int) -> dict[tuple[str, str], int]:
    """sigma_k(rank_k(c)) + M [must meet] of each pair a company chose among the candidates who wished for
    it (see the module docstring); pairs worth nothing more are left out."""
    if not instance.choices or longest == 0:
        return {}
    wished = {(c.id, k) for c in instance.candidates for k in c.wishes}
    chosen = [x for x in instance.choices if (x.candidate_id, x.company_id) in wished]
    listed: dict[str, int] = {}
    for x in chosen:
        if x.rank is not None and x.rank > 0:
            listed[x.company_id] = max(listed.get(x.company_id, 0), x.rank)
    worth: dict[tuple[str, str], int] = {}
    for x in chosen:
        value = 2 * longest + 1 if x.must_meet else 0
        if x.rank is not None and x.rank > 0:
            # ceil(R q / Q_k) with integers: the band of rank q in a list of Q_k cut into R bands.
            value += longest + 1 - (-(-longest * x.rank // listed[x.company_id]))
        pair = (x.candidate_id, x.company_id)
        if value:
            worth[pair] = max(worth.get(pair, 0), value)
    return worth


def score(instance: Instance, plan: Plan, frame: Frame | None = None) -> int:
    """Level 1 of the objective for `plan` (validity is the checker's business)."""
    return score_interviews(frame or Frame(instance), weights(instance), plan.interviews)


def score_interviews(frame: Frame, w: Weights, interviews: Iterable[Interview]) -> int:
    """Level 1 of the objective for some interviews (a whole plan, or one component's)."""
    counts: dict[str, int] = {}
    total = 0
    for interview in interviews:
        counts[interview.candidate_id] = counts.get(interview.candidate_id, 0) + 1
        total += w.pair(
            interview.candidate_id,
            interview.company_id,
            frame.rank(interview.candidate_id, interview.company_id),
        )
    return total + sum(w.tier(j) for n in counts.values() for j in range(1, n + 1))


def lateness(instance: Instance, plan: Plan, frame: Frame | None = None) -> int:
    """Level 2: the sum of the interviews' slot positions in their days (lower is more compact)."""
    frame = frame or Frame(instance)
    total = 0
    for interview in plan.interviews:
        t = frame.slot(interview.day, interview.start)
        total += frame.position[t] if t is not None else 0
    return total


def earliest(instance: Instance, plan: Plan, frame: Frame | None = None) -> int:
    """A lower bound on level 2 for plans with the same interviews: each candidate alone, their interviews
    on the earliest slots those companies allow, buffer respected, ignoring everybody else."""
    frame = frame or Frame(instance)
    companies: dict[str, list[str]] = {}
    for interview in plan.interviews:
        companies.setdefault(interview.candidate_id, []).append(interview.company_id)
    total = 0
    for candidate_id, met in companies.items():
        usable = sorted({t for k in met for t in frame.options(candidate_id, k)})
        # Packing each day from its first usable slot gives that day's cheapest positions, in order.
        positions = sorted(frame.position[t] for t in frame.pack(usable))
        total += sum(positions[: len(met)])
    return total
