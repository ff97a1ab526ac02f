"""Which candidates a site's reception expects, from what registration knows.

Registration does not hold the job datings (scheduling does): what it knows is, for each candidate, the site
they chose and the days (with a time window) they said they can attend, which the partners fill in with the
job dating's day. So "the day's candidates" of a site are, here:

- the day: the first day, today or later (in the service's time zone), on which a live candidate who chose
  the site is available: today during a job dating held today, else the next one;
- the candidates: the live ones (registered, neither withdrawn nor erased) who chose the site and are
  available that day, each with the window they gave for it.

A candidate with no availability is expected on no day. Whether scheduling gave them an interview is not
known here; reception greets whoever comes among those expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import msgspec

from jobdating.contracts.registration import Availability


class Arrival(msgspec.Struct, frozen=True, kw_only=True):
    """A live candidate of the site, with the days they can attend."""

    candidate_id: str
    availability: tuple[Availability, ...]


def expected_day(arrivals: Iterable[Arrival], today: date) -> date | None:
    """The first day from `today` on which one of `arrivals` is available; None when there is none."""
    days = [a.day for arrival in arrivals for a in arrival.availability if a.day >= today]
    return min(days, default=None)


def expected_on(arrivals: Sequence[Arrival], day: date) -> list[tuple[Arrival, Availability]]:
    """The arrivals available on `day`, each with their window that day, earliest window first."""
    first_windows = []
    for arrival in arrivals:
        windows = sorted((a for a in arrival.availability if a.day == day), key=lambda a: a.start)
        if windows:
            first_windows.append((arrival, windows[0]))
    return sorted(first_windows, key=lambda pair: (pair[1].start, pair[0].candidate_id))
