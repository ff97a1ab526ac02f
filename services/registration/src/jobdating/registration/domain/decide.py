"""The rules of registration: given a command, the stream's state and the facts looked up, which events.

Commands arrive validated (`validation.validate_*`) and with their personal fields already sealed by the
application, which holds the keys and the randomness; nothing here does I/O.
"""

from __future__ import annotations

from typing import Final, cast

import msgspec
from msgspec import UNSET, UnsetType

from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import (
    Accessibility,
    CandidateErased,
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWithdrew,
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
    Position,
    Wish,
)
from jobdating.contracts.sealed import Sealed
from jobdating.registration.domain.commands import (
    CandidateCommand,
    CompanyCommand,
    EraseCandidate,
    PositionRequest,
    RegisterCandidate,
    RegisterCompany,
    UpdateCandidate,
    UpdateCompany,
    WithdrawCandidate,
    WithdrawCompany,
)
from jobdating.registration.domain.errors import Conflict, DomainError, NotFound, Rejected, reject_if
from jobdating.registration.domain.fields import (
    InvalidValue,
    check_contract,
    check_window,
    check_withdrawal_reason,
    required_text,
)
from jobdating.registration.domain.state import CandidateFacts, CandidateState, CompanyFacts, CompanyState

UNKNOWN_CANDIDATE = "candidat inconnu"
UNKNOWN_COMPANY = "entreprise inconnue"
UNKNOWN_SITE = "site inconnu ou fermé : choisir un site ouvert"
# The reason does not name the other record: it may be followed by another organisation.
DUPLICATE_REASONS: Final = {
    "phone": "un candidat est déjà inscrit avec ce numéro de téléphone",
    "email": "un candidat est déjà inscrit avec cette adresse e-mail",
    "siret": "une entreprise est déjà inscrite avec ce SIRET",
    "import_key": "cette ligne a déjà été importée",
}


def duplicate(field: str) -> Conflict:
    """The refusal of a phone, e-mail, SIRET or import key another record holds: found by the facts before
    the decision, or by the store's unique key when a concurrent command won the race."""
    return Conflict(field, DUPLICATE_REASONS[field])


def register_candidate(
    cmd: RegisterCandidate, state: CandidateState, sealed: Sealed, facts: CandidateFacts
) -> list[Event]:
    """A new candidate, once: on an open site, wishing live companies, with their own phone and e-mail."""
    if state.registered:
        raise Rejected([Conflict("candidate_id", "ce candidat est déjà inscrit")])
    errors = _site_errors(cmd.site_id, facts) + _wish_errors(cmd.wishes, facts)
    errors += _contact_errors(cmd.candidate_id, cmd.phone, cmd.email, facts)
    reject_if(errors)
    profile = CandidateProfile(
        referring_org=cmd.referring_org,
        counsellor_id=cmd.counsellor_id,
        site_id=cmd.site_id,
        postcode=cmd.postcode,
        commune=cmd.commune,
        sectors=cmd.sectors,
        wishes=_by_rank(cmd.wishes),
        availability=cmd.availability,
        accessibility=cast(tuple[Accessibility, ...], cmd.accessibility),
        consent_data=cmd.consent_data,
        consent_sms=cmd.consent_sms,
        consent_email=cmd.consent_email,
    )
    return [
        CandidateRegistered(
            candidate_id=cmd.candidate_id, profile=profile, personal=sealed, import_key=cmd.import_key
        )
    ]


def update_candidate(
    cmd: UpdateCandidate, state: CandidateState, sealed: Sealed | None, facts: CandidateFacts
) -> list[Event]:
    """A live candidate's changes; `sealed` is given only when their personal fields changed."""
    profile = _live_candidate(state)
    errors: list[DomainError] = []
    if not isinstance(cmd.site_id, UnsetType) and cmd.site_id != profile.site_id:
        errors += _site_errors(cmd.site_id, facts)
    if not isinstance(cmd.wishes, UnsetType):
        errors += _wish_errors(cmd.wishes, facts)
    phone = None if isinstance(cmd.phone, UnsetType) else cmd.phone
    email = None if isinstance(cmd.email, UnsetType) else cmd.email
    errors += _contact_errors(cmd.candidate_id, phone, email, facts)
    reject_if(errors)
    changes = {
        name: value
        for name in CandidateProfile.__struct_fields__
        if (value := getattr(cmd, name, UNSET)) is not UNSET
    }
    if "wishes" in changes:
        changes["wishes"] = _by_rank(cast(tuple[Wish, ...], changes["wishes"]))
    updated = msgspec.structs.replace(profile, **changes)
    if updated == profile and sealed is None:
        return []
    return [
        CandidateUpdated(
            candidate_id=cmd.candidate_id, profile=None if updated == profile else updated, personal=sealed
        )
    ]


def withdraw_candidate(cmd: WithdrawCandidate, state: CandidateState) -> list[Event]:
    """A live candidate withdraws, for one of the listed reasons."""
    _live_candidate(state)
    try:
        reason = check_withdrawal_reason(cmd.reason)
    except InvalidValue as exc:
        raise Rejected([DomainError("reason", exc.reason)]) from None
    return [CandidateWithdrew(candidate_id=cmd.candidate_id, reason=reason)]


def erase_candidate(cmd: EraseCandidate, state: CandidateState) -> list[Event]:
    """Any registered candidate, withdrawn or not, can be erased, once."""
    if not state.registered:
        raise Rejected([NotFound("candidate_id", UNKNOWN_CANDIDATE)])
    if state.erased:
        raise Rejected([Conflict("candidate_id", "les données de ce candidat sont déjà effacées")])
    return [CandidateErased(candidate_id=cmd.candidate_id)]


def decide_candidate(
    cmd: CandidateCommand,
    state: CandidateState,
    sealed: Sealed | None = None,
    facts: CandidateFacts | None = None,
) -> list[Event]:
    """Dispatch a candidate command to its rule."""
    facts = facts or CandidateFacts()
    match cmd:
        case RegisterCandidate():
            if sealed is None:
                raise ValueError("a registration needs its sealed personal fields")
            return register_candidate(cmd, state, sealed, facts)
        case UpdateCandidate():
            return update_candidate(cmd, state, sealed, facts)
        case WithdrawCandidate():
            return withdraw_candidate(cmd, state)
        case EraseCandidate():
            return erase_candidate(cmd, state)


def register_company(
    cmd: RegisterCompany, state: CompanyState, sealed: Sealed, facts: CompanyFacts
) -> list[Event]:
    """A new company, once per SIRET among live companies."""
    if state.registered:
        raise Rejected([Conflict("company_id", "cette entreprise est déjà inscrite")])
    reject_if(_siret_errors(cmd.company_id, cmd.siret, facts))
    profile = CompanyProfile(
        name=cmd.name,
        siret=cmd.siret,
        sector=cmd.sector,
        positions=_positions(cmd.positions),
        parallel_recruiters=cmd.parallel_recruiters,
        window_start=cmd.window_start,
        window_end=cmd.window_end,
        day=cmd.day,
    )
    return [
        CompanyRegistered(
            company_id=cmd.company_id,
            registering_org=cmd.registering_org,
            profile=profile,
            contact=sealed,
            import_key=cmd.import_key,
        )
    ]


def update_company(
    cmd: UpdateCompany, state: CompanyState, sealed: Sealed | None, facts: CompanyFacts
) -> list[Event]:
    """A live company's changes; its window must still end after it starts once merged."""
    profile = _live_company(state)
    changes = {
        name: value
        for name in CompanyProfile.__struct_fields__
        if (value := getattr(cmd, name, UNSET)) is not UNSET
    }
    if "positions" in changes:
        changes["positions"] = _positions(cast(tuple[PositionRequest, ...], changes["positions"]))
    updated = msgspec.structs.replace(profile, **changes)
    errors: list[DomainError] = []
    try:
        check_window(updated.window_start, updated.window_end)
    except InvalidValue as exc:
        errors.append(DomainError("window_end", exc.reason))
    if updated.siret != profile.siret:
        errors += _siret_errors(cmd.company_id, updated.siret, facts)
    reject_if(errors)
    if updated == profile and sealed is None:
        return []
    return [
        CompanyUpdated(
            company_id=cmd.company_id, profile=None if updated == profile else updated, contact=sealed
        )
    ]


def withdraw_company(cmd: WithdrawCompany, state: CompanyState) -> list[Event]:
    """A live company withdraws; its reason is kept (companies are not vulnerable people)."""
    _live_company(state)
    try:
        reason = required_text(cmd.reason, "le motif", 200)
    except InvalidValue as exc:
        raise Rejected([DomainError("reason", exc.reason)]) from None
    return [CompanyWithdrew(company_id=cmd.company_id, reason=reason)]


def decide_company(
    cmd: CompanyCommand,
    state: CompanyState,
    sealed: Sealed | None = None,
    facts: CompanyFacts | None = None,
) -> list[Event]:
    """Dispatch a company command to its rule."""
    facts = facts or CompanyFacts()
    match cmd:
        case RegisterCompany():
            if sealed is None:
                raise ValueError("a company sign-up needs its sealed contact")
            return register_company(cmd, state, sealed, facts)
        case UpdateCompany():
            return update_company(cmd, state, sealed, facts)
        case WithdrawCompany():
            return withdraw_company(cmd, state)


def _live_candidate(state: CandidateState) -> CandidateProfile:
    if not state.registered or state.profile is None:
        raise Rejected([NotFound("candidate_id", UNKNOWN_CANDIDATE)])
    if state.erased:
        raise Rejected([Conflict("candidate_id", "les données de ce candidat ont été effacées")])
    if state.withdrawn:
        raise Rejected([Conflict("candidate_id", "ce candidat s'est déjà retiré")])
    return state.profile


def _live_company(state: CompanyState) -> CompanyProfile:
    if not state.registered or state.profile is None:
        raise Rejected([NotFound("company_id", UNKNOWN_COMPANY)])
    if state.withdrawn:
        raise Rejected([Conflict("company_id", "cette entreprise s'est déjà retirée")])
    return state.profile


def _site_errors(site_id: str, facts: CandidateFacts) -> list[DomainError]:
    if site_id in facts.open_sites:
        return []
    return [DomainError("site_id", UNKNOWN_SITE)]


def _wish_errors(wishes: tuple[Wish, ...], facts: CandidateFacts) -> list[DomainError]:
    return [
        DomainError(f"wishes[{i}].company_id", "entreprise inconnue ou retirée du job dating")
        for i, wish in enumerate(wishes)
        if wish.company_id is not None and wish.company_id not in facts.live_companies
    ]


def _contact_errors(
    candidate_id: str, phone: str | None, email: str | None, facts: CandidateFacts
) -> list[DomainError]:
    errors: list[DomainError] = []
    if phone is not None and facts.phone_owner not in (None, candidate_id):
        errors.append(duplicate("phone"))
    if email is not None and facts.email_owner not in (None, candidate_id):
        errors.append(duplicate("email"))
    return errors


def _siret_errors(company_id: str, siret: str, facts: CompanyFacts) -> list[DomainError]:
    if facts.siret_owner in (None, company_id):
        return []
    return [duplicate("siret")]


def _by_rank(wishes: tuple[Wish, ...]) -> tuple[Wish, ...]:
    return tuple(sorted(wishes, key=lambda w: w.rank))


def _positions(requests: tuple[PositionRequest, ...]) -> tuple[Position, ...]:
    return tuple(
        Position(title=p.title, contract=check_contract(p.contract), count=p.count) for p in requests
    )
