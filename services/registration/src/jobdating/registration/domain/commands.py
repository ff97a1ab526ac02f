"""What people ask the registration service to do. Personal fields travel here in clear, never further.

Update commands leave a field `UNSET` when it does not change; `None` clears an optional field.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from jobdating.contracts.registration import Availability, Wish


class RegisterCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """Register a candidate followed by `referring_org`, who chose `site_id` (nearest home)."""

    candidate_id: str
    referring_org: str
    counsellor_id: str
    first_name: str
    last_name: str
    phone: str
    email: str | None = None
    address: str | None = None
    postcode: str
    commune: str
    site_id: str
    sectors: tuple[str, ...] = ()
    wishes: tuple[Wish, ...] = ()
    availability: tuple[Availability, ...] = ()
    accessibility: tuple[str, ...] = ()
    consent_data: bool = False
    consent_sms: bool = False
    consent_email: bool = False
    import_key: str | None = None
    # The counsellor's short note companies read with the anonymous profile (see `fields.check_note`).
    note: str | None = None
    # Registered on the spot at `site_id` on the day (a walk-in), at this instant: scheduling checks them in.
    walk_in_at: datetime | None = None


class UpdateCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """Change some fields of a registered candidate."""

    candidate_id: str
    counsellor_id: str | UnsetType = UNSET
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    phone: str | UnsetType = UNSET
    email: str | UnsetType | None = UNSET
    address: str | UnsetType | None = UNSET
    postcode: str | UnsetType = UNSET
    commune: str | UnsetType = UNSET
    site_id: str | UnsetType = UNSET
    sectors: tuple[str, ...] | UnsetType = UNSET
    wishes: tuple[Wish, ...] | UnsetType = UNSET
    availability: tuple[Availability, ...] | UnsetType = UNSET
    accessibility: tuple[str, ...] | UnsetType = UNSET
    consent_data: bool | UnsetType = UNSET
    consent_sms: bool | UnsetType = UNSET
    consent_email: bool | UnsetType = UNSET
    note: str | UnsetType | None = UNSET


class WithdrawCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """The candidate will not take part; `reason` is one of `WITHDRAWAL_REASONS`."""

    candidate_id: str
    reason: str


class EraseCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """Erase the candidate's personal data for good (GDPR); anonymous facts stay."""

    candidate_id: str


class OpenCandidateContact(msgspec.Struct, frozen=True, kw_only=True):
    """A coordinator opens a candidate's contact for `purpose` (one of `permissions.CONTACT_PURPOSES`);
    `opened_by` is their account id, `opened_by_org` their organisation (another instance's, when the
    question came over the bus)."""

    candidate_id: str
    purpose: str
    opened_by: str
    opened_by_org: str


class PositionRequest(msgspec.Struct, frozen=True, kw_only=True):
    """An open position as typed: the contract is checked against the known contract types."""

    title: str
    contract: str
    count: int


class RegisterCompany(msgspec.Struct, frozen=True, kw_only=True):
    """Sign a recruiting company up, with its positions, its window and a contact person."""

    company_id: str
    registering_org: str
    name: str
    siret: str
    sector: str
    positions: tuple[PositionRequest, ...]
    parallel_recruiters: int
    window_start: time
    window_end: time
    day: date | None = None
    contact_name: str
    contact_phone: str | None = None
    contact_email: str | None = None
    import_key: str | None = None


class UpdateCompany(msgspec.Struct, frozen=True, kw_only=True):
    """Change some fields of a registered company."""

    company_id: str
    name: str | UnsetType = UNSET
    siret: str | UnsetType = UNSET
    sector: str | UnsetType = UNSET
    positions: tuple[PositionRequest, ...] | UnsetType = UNSET
    parallel_recruiters: int | UnsetType = UNSET
    window_start: time | UnsetType = UNSET
    window_end: time | UnsetType = UNSET
    day: date | UnsetType | None = UNSET
    contact_name: str | UnsetType = UNSET
    contact_phone: str | UnsetType | None = UNSET
    contact_email: str | UnsetType | None = UNSET


class WithdrawCompany(msgspec.Struct, frozen=True, kw_only=True):
    """The company will not recruit at this job dating."""

    company_id: str
    reason: str


CandidateCommand = RegisterCandidate | UpdateCandidate | WithdrawCandidate | EraseCandidate
CompanyCommand = RegisterCompany | UpdateCompany | WithdrawCompany


def given(command: msgspec.Struct, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields among `names` an update command sets (those it leaves `UNSET` do not change)."""
    return {name: value for name in names if (value := getattr(command, name, UNSET)) is not UNSET}
