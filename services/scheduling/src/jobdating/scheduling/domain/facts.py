"""What scheduling knows of the other services' records: anonymous, and only what a schedule needs.

Registration and the sites service publish these facts; scheduling's consumers keep them in its own
tables, and the decisions receive them as these structs. A `*_at` time says since when a person or thing
is gone, so that interviews before it stay valid.
"""

from __future__ import annotations

from datetime import date, datetime, time

import msgspec

from jobdating.contracts.registration import Availability, Wish
from jobdating.contracts.sites import OpeningHours


class _TakingPart(msgspec.Struct, frozen=True, kw_only=True):
    """A candidate or a company: it takes part until `withdrawn_at` (a candidate erased has withdrawn too)."""

    withdrawn_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Still taking part (not withdrawn, nor erased for a candidate)."""
        return self.withdrawn_at is None


class CandidateFacts(_TakingPart, frozen=True, kw_only=True):
    """A candidate without anything that identifies them: site, ranked wishes, availability."""

    candidate_id: str
    referring_org: str
    site_id: str
    wishes: tuple[Wish, ...] = ()
    availability: tuple[Availability, ...] = ()


class CompanyFacts(_TakingPart, frozen=True, kw_only=True):
    """A recruiting company as a schedule sees it."""

    company_id: str
    sector: str
    recruiters: int
    window_start: time
    window_end: time
    day: date | None = None


class SiteFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A site lent for job datings; `closed_at` is set once it closed."""

    site_id: str
    host_org: str
    hours: tuple[OpeningHours, ...] = ()
    closed_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Opened and not closed since."""
        return self.closed_at is None


class Outage(msgspec.Struct, frozen=True, kw_only=True):
    """A computer out of order from `since` until `until` (None: still out of order, or removed)."""

    since: datetime
    until: datetime | None = None


class ComputerFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A computer lent to a site, and its outages."""

    computer_id: str
    site_id: str
    visio_ready: bool = True
    outages: tuple[Outage, ...] = ()

    def works_at(self, at: datetime) -> bool:
        """In service at `at`."""
        return not any(o.since <= at and (o.until is None or at < o.until) for o in self.outages)


class RoomFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A workshop room of a site and how many people it seats."""

    site_id: str
    room_id: str
    capacity: int


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a plan of one job dating is built from besides the job dating itself."""

    candidates: tuple[CandidateFacts, ...] = ()
    companies: tuple[CompanyFacts, ...] = ()
    sites: tuple[SiteFacts, ...] = ()
    computers: tuple[ComputerFacts, ...] = ()
