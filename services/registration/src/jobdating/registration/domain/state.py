"""What a candidate's or a company's stream says so far: the state `decide` checks commands against."""

from __future__ import annotations

import msgspec

from jobdating.contracts.registration import CandidateProfile, CompanyProfile
from jobdating.contracts.sealed import Sealed


class CandidateState(msgspec.Struct, frozen=True, kw_only=True):
    """A candidate as folded from their stream; `personal` is None once erased."""

    registered: bool = False
    withdrawn: bool = False
    erased: bool = False
    profile: CandidateProfile | None = None
    personal: Sealed | None = None
    note: str = ""  # the counsellor's note companies read (`CandidateNoteWritten`)


class CompanyState(msgspec.Struct, frozen=True, kw_only=True):
    """A company as folded from its stream."""

    registered: bool = False
    withdrawn: bool = False
    registering_org: str = ""
    profile: CompanyProfile | None = None
    contact: Sealed | None = None


class CandidateFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What other records say, looked up by the application before deciding (the domain has no I/O).

    `phone_owner`/`email_owner` is the live candidate already holding that phone or e-mail, if any;
    `open_sites` and `live_companies` are the sites and companies a candidate may choose.
    """

    open_sites: frozenset[str] = frozenset()
    live_companies: frozenset[str] = frozenset()
    phone_owner: str | None = None
    email_owner: str | None = None


class CompanyFacts(msgspec.Struct, frozen=True, kw_only=True):
    """`siret_owner` is the live company already registered with that SIRET, if any."""

    siret_owner: str | None = None
