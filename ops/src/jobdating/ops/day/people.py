"""How the demo day names people and places in what it says: the demo data's names, never ids alone."""

from __future__ import annotations

from jobdating.testing.demo_data import SITES, candidates, walk_in

_PEOPLE = [*candidates(), walk_in()]  # the day's walk-in comes last (see `hands`)


def candidate_name(candidate_id: str, rank: int | None) -> str:
    """First name and initial of the demo data's candidate at `rank`; the id's start when it is unknown."""
    if rank is None or rank >= len(_PEOPLE):
        return candidate_id[:8]
    person = _PEOPLE[rank]
    return f"{person.first_name} {person.last_name[0]}."


def site_name(site_id: str) -> str:
    """The commune of a demo site."""
    return next(s.commune for s in SITES if f"site-{s.key}" == site_id)
