"""What a site's reception reads: the names of the candidates expected at its site (see `domain.expected`
for what "expected" means from registration's facts), and nothing else about them."""

from __future__ import annotations

from datetime import date, time

import msgspec

from jobdating.contracts.registration import CandidateProfile
from jobdating.registration.application.queries import REGISTERED
from jobdating.registration.application.rows import Db, fetch_all, fetch_one
from jobdating.registration.domain.errors import NotAllowed, NotFound, Rejected
from jobdating.registration.domain.expected import Arrival, expected_day, expected_on
from jobdating.registration.domain.permissions import Caller, may_greet

UNKNOWN_SITE = "site inconnu"
OTHER_HOST = "ce site est accueilli par une autre structure : seul son accueil voit les candidats attendus"

_profile = msgspec.json.Decoder(CandidateProfile)


class ExpectedCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """A name to greet and check in, with the window the candidate gave for the day: no contact."""

    candidate_id: str
    first_name: str
    last_name: str
    start: time
    end: time


class ExpectedAtSite(msgspec.Struct, frozen=True, kw_only=True):
    """The day's candidates of a site; `day` is None when nobody is expected any more."""

    site_id: str
    site_name: str
    day: date | None
    candidates: list[ExpectedCandidate]


def expected_candidates(db: Db, principal: Caller, site_id: str, today: date) -> ExpectedAtSite:
    """The candidates expected at `site_id` on its next day from `today`, for the site's hosts only."""
    site = fetch_one(db, "SELECT name, host_org FROM known_sites WHERE site_id = ?", (site_id,))
    if site is None:
        raise Rejected([NotFound("site_id", UNKNOWN_SITE)])
    name, host_org = site
    if not may_greet(principal, host_org):
        raise Rejected([NotAllowed("site_id", OTHER_HOST)])
    rows = fetch_all(
        db,
        "SELECT candidate_id, profile, first_name, last_name FROM candidates "
        "WHERE site_id = ? AND status = ? AND erased = 0 AND first_name IS NOT NULL",
        (site_id, REGISTERED),
    )
    names = {cid: (first, last) for cid, _, first, last in rows}
    arrivals = [
        Arrival(candidate_id=cid, availability=_profile.decode(profile).availability)
        for cid, profile, *_ in rows
    ]
    day = expected_day(arrivals, today)
    expected = [] if day is None else expected_on(arrivals, day)
    return ExpectedAtSite(
        site_id=site_id,
        site_name=name,
        day=day,
        candidates=[
            ExpectedCandidate(
                candidate_id=arrival.candidate_id,
                first_name=names[arrival.candidate_id][0],
                last_name=names[arrival.candidate_id][1],
                start=window.start,
                end=window.end,
            )
            for arrival, window in expected
        ],
    )
