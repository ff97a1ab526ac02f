"""Reading back the facts notifications keeps from registration's and sites' events (tables fed by
`adapters.projections`): who registered each candidate and company, their consents, the premises.

Anonymous: ids, orgs, consent flags and statuses; contact details are asked for at send time, never kept.
"""

from __future__ import annotations

from collections.abc import Collection

import msgspec

from jobdating.eventstore.reading import Source, columns, rows, rows_for, struct_of
from jobdating.notifications.domain.rules import Person, PersonStatus

_STATUSES: dict[str, PersonStatus] = {"active": "active", "withdrawn": "withdrawn", "erased": "erased"}


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    candidate_id: str
    org: str
    site_id: str
    consent_sms: bool
    consent_email: bool
    status: str
    referring_org: str
    reminders: bool
    declined: bool = False

    def person(self) -> Person:
        return Person(
            status=_STATUSES.get(self.status, "unknown"),
            consent_sms=self.consent_sms,
            consent_email=self.consent_email,
            reminders=self.reminders,
            declined=self.declined,
        )


class Company(msgspec.Struct, frozen=True, kw_only=True):
    company_id: str
    org: str
    name: str
    positions: tuple[str, ...]
    status: str


class Site(msgspec.Struct, frozen=True, kw_only=True):
    site_id: str
    name: str
    address: str
    commune: str
    postcode: str
    accessibility: tuple[str, ...]
    phone: str | None


_CANDIDATE = (
    "SELECT candidate_id, org, site_id, consent_sms, consent_email, status, "
    "referring_org, NOT EXISTS (SELECT 1 FROM notif_reminder_opt_out o "
    "WHERE o.candidate_id = c.candidate_id), EXISTS (SELECT 1 FROM notif_declined d "
    "WHERE d.candidate_id = c.candidate_id) FROM notif_candidate c"
)


def candidate(source: Source, candidate_id: str) -> Candidate | None:
    found = rows(source, f"{_CANDIDATE} WHERE candidate_id = ?", (candidate_id,))
    return struct_of(Candidate, found[0]) if found else None


def candidates(source: Source, candidate_ids: Collection[str]) -> dict[str, Candidate]:
    """Several candidates by id, read together (those unknown are missing)."""
    found = rows_for(source, f"{_CANDIDATE} WHERE candidate_id IN ({{keys}})", candidate_ids)
    return {c.candidate_id: c for c in (struct_of(Candidate, r) for r in found)}


def company(source: Source, company_id: str) -> Company | None:
    found = rows(source, f"SELECT {columns(Company)} FROM notif_company WHERE company_id = ?", (company_id,))
    return struct_of(Company, found[0], json=("positions",)) if found else None


def site(source: Source, site_id: str) -> Site | None:
    found = rows(source, f"SELECT {columns(Site)} FROM notif_site WHERE site_id = ?", (site_id,))
    return struct_of(Site, found[0], json=("accessibility",)) if found else None


def computer_label(source: Source, computer_id: str | None) -> str | None:
    if computer_id is None:
        return None
    found = rows(source, "SELECT label FROM notif_computer WHERE computer_id = ?", (computer_id,))
    return str(found[0][0]) if found else None


class Places:
    """Sites, companies and computer labels read once per message: a company's agenda names the same few
    sites and computers for each of its interviews, and a query each made the agendas the service's main
    cost; a candidate's digest names a company and a site per slot, and its calendar entry the computer
    its view already named."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._sites: dict[str, Site | None] = {}
        self._companies: dict[str, Company | None] = {}
        self._labels: dict[str, str | None] = {}

    def company(self, company_id: str) -> Company | None:
        if company_id not in self._companies:
            self._companies[company_id] = company(self._source, company_id)
        return self._companies[company_id]

    def site(self, site_id: str) -> Site | None:
        if site_id not in self._sites:
            self._sites[site_id] = site(self._source, site_id)
        return self._sites[site_id]

    def computer_label(self, computer_id: str | None) -> str | None:
        if computer_id is None:
            return None
        if computer_id not in self._labels:
            self._labels[computer_id] = computer_label(self._source, computer_id)
        return self._labels[computer_id]


def room_name(source: Source, site_id: str, room_id: str) -> str | None:
    found = rows(source, "SELECT name FROM notif_room WHERE site_id = ? AND room_id = ?", (site_id, room_id))
    return str(found[0][0]) if found else None


def wants_reminders(source: Source, candidate_id: str) -> bool:
    found = rows(source, "SELECT 1 FROM notif_reminder_opt_out WHERE candidate_id = ?", (candidate_id,))
    return not found
