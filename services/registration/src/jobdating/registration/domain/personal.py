"""The personal fields sealed inside events: what erasure makes unreadable."""

from __future__ import annotations

import msgspec
from msgspec import UNSET

from jobdating.registration.domain.commands import (
    RegisterCandidate,
    RegisterCompany,
    UpdateCandidate,
    UpdateCompany,
)
from jobdating.registration.domain.errors import DomainError, Rejected


class CandidatePersonal(msgspec.Struct, frozen=True, kw_only=True):
    """Who the candidate is, where they live and who follows them (phone in E.164, e-mail in lower case).

    The counsellor, postcode and commune were in the clear profile before `CandidateRegistered` v3: a
    payload sealed then has them None (the event's `legacy` holds them)."""

    first_name: str
    last_name: str
    phone: str
    email: str | None = None
    address: str | None = None
    counsellor_id: str | None = None
    postcode: str | None = None
    commune: str | None = None


class CompanyContact(msgspec.Struct, frozen=True, kw_only=True):
    """The person at the company the coordinator talks to."""

    name: str
    phone: str | None = None
    email: str | None = None


def candidate_personal(cmd: RegisterCandidate) -> CandidatePersonal:
    """The personal part of a (validated) registration: what gets sealed."""
    return msgspec.convert(cmd, CandidatePersonal, from_attributes=True)


def merged_personal(current: CandidatePersonal, cmd: UpdateCandidate) -> CandidatePersonal:
    """The personal fields after a (validated) update: the fields it sets replace the current ones."""
    changes = {
        name: value
        for name in CandidatePersonal.__struct_fields__
        if (value := getattr(cmd, name)) is not UNSET
    }
    return msgspec.structs.replace(current, **changes)


def company_contact(cmd: RegisterCompany) -> CompanyContact:
    """The contact person of a (validated) company sign-up."""
    return CompanyContact(name=cmd.contact_name, phone=cmd.contact_phone, email=cmd.contact_email)


def merged_contact(current: CompanyContact, cmd: UpdateCompany) -> CompanyContact:
    """The contact after a (validated) update; a contact must stay reachable by phone or e-mail."""
    changes = {
        field: value
        for field, name in (("name", "contact_name"), ("phone", "contact_phone"), ("email", "contact_email"))
        if (value := getattr(cmd, name)) is not UNSET
    }
    contact = msgspec.structs.replace(current, **changes)
    if contact.phone is None and contact.email is None:
        raise Rejected([DomainError("contact_phone", "un téléphone ou un e-mail du contact est nécessaire")])
    return contact
