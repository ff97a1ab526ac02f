"""What makes one plan better than another, in two levels: who meets whom first, then when.

Level 1 (maximised, an integer: `score`) is fairness, then wish ranks:

    sum over candidates c of  W_1 + ... + W_{n_c}   +   sum over interviews (c, k) of rho(rank(c, k))

- n_c is the number of interviews of candidate c;
- rho(r) = R + 1 - r for a wish of rank r, R the longest wish list (rank 1 earns R); a pinned company
  outside the wishes earns 0;
- W_J = 2R + 1 and W_j = 2 (W_{j+1} + R) + 1 for j < J, J the largest maximum of interviews.

Why this is fair: W_j > 2 (W_{j+1} + R). Giving a candidate one more interview blocks at most two
interviews of other people (one recruiter of that company and one computer of that site at that time), so
an optimal plan never keeps two interviews that are someone's (j+1)-th or later when cancelling them would
give another candidate a j-th one: nobody gets a third interview while cancelling third interviews could
give someone a first. With equal counts, better ranks win (one rank better on one interview is worth 1).

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
    """The constants of level 1 for one instance (see the module docstring)."""

    tiers: tuple[int, ...]
    longest_wishes: int

    def tier(self, j: int) -> int:
        """W_j, the worth of a candidate's j-th interview (j from 1)."""
        return self.tiers[j - 1] if j <= len(self.tiers) else 0

    def interview(self, rank: int | None) -> int:
        """rho(rank): the worth of meeting a company of that rank (None: pinned, not wished)."""
        return 0 if rank is None else self.longest_wishes + 1 - rank


def weights(instance: Instance) -> Weights:
    """Level 1 constants for `instance`."""
    longest = max((len(c.wishes) for c in instance.candidates), default=0)
    most = max((c.max_interviews for c in instance.candidates), default=0)
    tiers: list[int] = []
    w = 2 * longest + 1
    for _ in range(most):
        tiers.append(w)
        w = 2 * (w + longest) + 1
    return Weights(tiers=tuple(reversed(tiers)), longest_wishes=longest)


def score(instance: Instance, plan: Plan, frame: Frame | None = None) -> int:
    """Level 1 of the objective for `plan` (validity is the checker's business)."""
    return score_interviews(frame or Frame(instance), weights(instance), plan.interviews)


def score_interviews(frame: Frame, w: Weights, interviews: Iterable[Interview]) -> int:
    """Level 1 of the objective for some interviews (a whole plan, or one component's)."""
    counts: dict[str, int] = {}
    total = 0
    for interview in interviews:
        counts[interview.candidate_id] = counts.get(interview.candidate_id, 0) + 1
        total += w.interview(frame.rank(interview.candidate_id, interview.company_id))
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
