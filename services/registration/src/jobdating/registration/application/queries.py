"""Reads: candidates, companies and sites as each caller may see them, statistics, contact rows.

What decisions are checked against (facts, who holds a phone or a SIRET) is `lookups`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from jobdating.contracts.registration import CandidateProfile, CompanyProfile
from jobdating.eventstore.reading import columns, struct_of
from jobdating.registration.application.rows import Db, fetch_all, fetch_one, placeholders
from jobdating.registration.domain.permissions import may_see_company_contact, may_see_personal
from jobdating.registration.domain.personal import CandidatePersonal, CompanyContact
from jobdating.runtime.auth import Principal

MAX_PAGE = 1000
REGISTERED: Final = "registered"
WITHDRAWN: Final = "withdrawn"
"""A candidate's or company's `status` in the read model."""


class CandidateProfileView(CandidateProfile, frozen=True, kw_only=True):
    """The anonymous profile as registration's API shows it: with the counsellor and the home's postcode and
    commune, which are sealed on the bus but kept here by their owner (empty once erased)."""

    counsellor_id: str
    postcode: str
    commune: str


class CandidateView(msgspec.Struct, frozen=True, kw_only=True):
    """A candidate as one caller sees them: `personal` is None unless they follow the candidate."""

    candidate_id: str
    status: str
    erased: bool
    withdrawal_reason: str | None
    profile: CandidateProfileView
    personal: CandidatePersonal | None
    registered_at: str
    updated_at: str


class CompanyView(msgspec.Struct, frozen=True, kw_only=True):
    """A company as one caller sees it: `contact` is None outside the registering organisation."""

    company_id: str
    registering_org: str
    status: str
    withdrawal_reason: str | None
    profile: CompanyProfile
    contact: CompanyContact | None
    registered_at: str
    updated_at: str


@dataclass(frozen=True, kw_only=True)
class SiteView:
    """A site published by the sites service."""

    site_id: str
    name: str
    host_org: str
    commune: str
    postcode: str
    open: bool


@dataclass(frozen=True, kw_only=True)
class Statistics:
    """Anonymous counts: erased candidates still count, only who they were is gone."""

    candidates: int
    candidates_by_status: dict[str, int]
    candidates_erased: int
    candidates_by_site: dict[str, int]
    candidates_by_referring_org: dict[str, int]
    companies: int
    companies_by_status: dict[str, int]
    open_positions: int


_CANDIDATE_COLUMNS = (
    "candidate_id, referring_org, counsellor_id, postcode, commune, status, erased, withdrawal_reason, "
    "profile, first_name, last_name, phone, email, address, registered_at, updated_at"
)
_COMPANY_COLUMNS = (
    "company_id, registering_org, status, withdrawal_reason, profile, contact_name, contact_phone, "
    "contact_email, registered_at, updated_at"
)
_candidate_profile = msgspec.json.Decoder(CandidateProfile)
_view_fields = CandidateProfile.__struct_fields__
_company_profile = msgspec.json.Decoder(CompanyProfile)


def candidate(db: Db, principal: Principal, candidate_id: str) -> CandidateView | None:
    """One candidate, or None when unknown."""
    row = fetch_one(
        db, f"SELECT {_CANDIDATE_COLUMNS} FROM candidates WHERE candidate_id = ?", (candidate_id,)
    )
    return None if row is None else _candidate_view(row, principal)


def candidates(
    db: Db,
    principal: Principal,
    *,
    site_id: str | None = None,
    status: str | None = None,
    referring_org: str | None = None,
    counsellor_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[CandidateView], int]:
    """A page of candidates (oldest first) and how many match in all."""
    where, params = _filters(
        site_id=site_id, status=status, referring_org=referring_org, counsellor_id=counsellor_id
    )
    total = int(fetch_all(db, f"SELECT COUNT(*) FROM candidates{where}", params)[0][0])
    rows = fetch_all(
        db,
        f"SELECT {_CANDIDATE_COLUMNS} FROM candidates{where} "
        "ORDER BY registered_at, candidate_id LIMIT ? OFFSET ?",
        [*params, min(max(limit, 1), MAX_PAGE), max(offset, 0)],
    )
    return [_candidate_view(r, principal) for r in rows], total


def company(db: Db, principal: Principal, company_id: str) -> CompanyView | None:
    """One company, or None when unknown."""
    row = fetch_one(db, f"SELECT {_COMPANY_COLUMNS} FROM companies WHERE company_id = ?", (company_id,))
    return None if row is None else _company_view(row, principal)


def companies(
    db: Db, principal: Principal, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[CompanyView], int]:
    """A page of companies (by name) and how many match in all."""
    where, params = _filters(status=status)
    total = int(fetch_all(db, f"SELECT COUNT(*) FROM companies{where}", params)[0][0])
    rows = fetch_all(
        db,
        f"SELECT {_COMPANY_COLUMNS} FROM companies{where} ORDER BY name_key, company_id LIMIT ? OFFSET ?",
        [*params, min(max(limit, 1), MAX_PAGE), max(offset, 0)],
    )
    return [_company_view(r, principal) for r in rows], total


def sites(db: Db, *, open_only: bool = False) -> list[SiteView]:
    """Known sites, by name."""
    where = " WHERE open = 1" if open_only else ""
    rows = fetch_all(
        db,
        f"SELECT {columns(SiteView)} FROM known_sites{where} ORDER BY name_key",
    )
    return [struct_of(SiteView, r) for r in rows]


def statistics(db: Db) -> Statistics:
    """Counts over the anonymous columns only."""

    def counts(sql: str) -> dict[str, int]:
        return {str(k): int(n) for k, n in fetch_all(db, sql)}

    by_status = counts("SELECT status, COUNT(*) FROM candidates GROUP BY status")
    company_status = counts("SELECT status, COUNT(*) FROM companies GROUP BY status")
    positions = 0
    for (profile,) in fetch_all(db, "SELECT profile FROM companies WHERE status = ?", (REGISTERED,)):
        positions += sum(p.count for p in _company_profile.decode(profile).positions)
    return Statistics(
        candidates=sum(by_status.values()),
        candidates_by_status=by_status,
        candidates_erased=int(fetch_all(db, "SELECT COUNT(*) FROM candidates WHERE erased = 1")[0][0]),
        candidates_by_site=counts("SELECT site_id, COUNT(*) FROM candidates GROUP BY site_id"),
        candidates_by_referring_org=counts(
            "SELECT referring_org, COUNT(*) FROM candidates GROUP BY referring_org"
        ),
        companies=sum(company_status.values()),
        companies_by_status=company_status,
        open_positions=positions,
    )


def _filters(**conditions: str | None) -> tuple[str, list[Any]]:
    set_ = {k: v for k, v in conditions.items() if v is not None}
    if not set_:
        return "", []
    return " WHERE " + " AND ".join(f"{k} = ?" for k in set_), list(set_.values())


def _candidate_view(row: Any, principal: Principal) -> CandidateView:
    (cid, org, counsellor, postcode, commune, status, erased, reason, profile, *rest) = row
    first, last, phone, email, address, registered, updated = rest
    personal = None
    if may_see_personal(principal, org, counsellor) and first is not None:
        personal = CandidatePersonal(
            first_name=first, last_name=last, phone=phone, email=email, address=address
        )
    anonymous = _candidate_profile.decode(profile)
    shown = CandidateProfileView(
        **{f: getattr(anonymous, f) for f in _view_fields},
        counsellor_id=counsellor,
        postcode=postcode,
        commune=commune,
    )
    return CandidateView(
        candidate_id=cid,
        status=status,
        erased=bool(erased),
        withdrawal_reason=reason,
        profile=shown,
        personal=personal,
        registered_at=registered,
        updated_at=updated,
    )


def _company_view(row: Any, principal: Principal) -> CompanyView:
    (cid, org, status, reason, profile, name, phone, email, registered, updated) = row
    contact = None
    if may_see_company_contact(principal, org) and name is not None:
        contact = CompanyContact(name=name, phone=phone, email=email)
    return CompanyView(
        company_id=cid,
        registering_org=org,
        status=status,
        withdrawal_reason=reason,
        profile=_company_profile.decode(profile),
        contact=contact,
        registered_at=registered,
        updated_at=updated,
    )


def candidate_contact_row(db: Db, candidate_id: str) -> Any | None:
    """(status, erased, first_name, last_name, phone, email, profile, counsellor_id) of a candidate, or
    None."""
    return fetch_one(
        db,
        "SELECT status, erased, first_name, last_name, phone, email, profile, counsellor_id FROM candidates "
        "WHERE candidate_id = ?",
        (candidate_id,),
    )


def nameable_first_names(db: Db, candidate_ids: Sequence[str]) -> dict[str, str]:
    """The first names of those of `candidate_ids` who may be named to a recruiter: registered here,
    neither withdrawn nor erased; nothing else of them is read."""
    if not candidate_ids:
        return {}
    found = fetch_all(
        db,
        "SELECT candidate_id, first_name FROM candidates "
        f"WHERE candidate_id IN ({placeholders(len(candidate_ids))}) "
        "AND status <> ? AND erased = 0 AND first_name IS NOT NULL AND first_name <> ''",
        (*candidate_ids, WITHDRAWN),
    )
    return {str(candidate_id): str(first_name) for candidate_id, first_name in found}


def candidate_postal_row(db: Db, candidate_id: str) -> Any | None:
    """(address, postcode, commune) of a candidate, or None: for a letter only."""
    return fetch_one(
        db, "SELECT address, postcode, commune FROM candidates WHERE candidate_id = ?", (candidate_id,)
    )


def company_contact_row(db: Db, company_id: str) -> Any | None:
    """(status, contact_name, contact_phone, contact_email) of a company, or None."""
    return fetch_one(
        db,
        "SELECT status, contact_name, contact_phone, contact_email FROM companies WHERE company_id = ?",
        (company_id,),
    )
