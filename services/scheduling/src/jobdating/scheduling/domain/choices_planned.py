"""The companies' choices of a job dating as the planner takes them (see `company_choices.py`)."""

from __future__ import annotations

from jobdating.scheduling.domain.state import JobDatingState
from jobdating.scheduling.planning.model import Choice


def planner_choices(
    state: JobDatingState, candidate_ids: set[str], company_ids: set[str]
) -> tuple[Choice, ...]:
    """The companies' choices in the planner's terms, for the candidates and companies of the instance."""
    out: list[Choice] = []
    for mine in state.choices:
        if mine.company_id not in company_ids:
            continue
        must = set(mine.must_meet)
        rank = {c: q for q, c in enumerate(mine.ranked, start=1)}
        for candidate_id in sorted(set(rank) | must, key=lambda c: (rank.get(c, len(rank) + 1), c)):
            if candidate_id in candidate_ids:
                out.append(
                    Choice(
                        company_id=mine.company_id,
                        candidate_id=candidate_id,
                        rank=rank.get(candidate_id),
                        must_meet=candidate_id in must,
                    )
                )
    return tuple(out)
