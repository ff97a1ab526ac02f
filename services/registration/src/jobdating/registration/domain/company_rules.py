"""The rules of registration for companies: given a command, the stream's state and the facts looked up,
which events (see `decide`)."""

from __future__ import annotations

from typing import Any, cast

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import (
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
    Position,
)
from jobdating.contracts.sealed import Sealed
from jobdating.registration.domain.commands import (
    CompanyCommand,
    PositionRequest,
    RegisterCompany,
    UpdateCompany,
    WithdrawCompany,
    given,
)
from jobdating.registration.domain.errors import (
    Conflict,
    DomainError,
    Rejected,
    duplicate,
    reject_if,
)
from jobdating.registration.domain.fields import (
    InvalidValue,
    check_contract,
    check_window,
    checked_reason,
    required_text,
)
from jobdating.registration.domain.profile_rules import live_profile, sealed_sign_up
from jobdating.registration.domain.state import CompanyFacts, CompanyState

UNKNOWN_COMPANY = "entreprise inconnue"


def register_company(
    cmd: RegisterCompany, state: CompanyState, sealed: Sealed, facts: CompanyFacts
) -> list[Event]:
    """A new company, once per SIRET among live companies."""
    if state.registered:
        raise Rejected([Conflict("company_id", "cette entreprise est déjà inscrite")])
    reject_if(_siret_errors(cmd.company_id, cmd.siret, facts))
    profile = CompanyProfile(**_profile_fields(cmd))
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
    updated = msgspec.structs.replace(profile, **_profile_fields(cmd))
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
    reason = checked_reason(lambda raw: required_text(raw, "le motif", 200), cmd.reason)
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
            contact = sealed_sign_up(sealed, "a company sign-up needs its sealed contact")
            return register_company(cmd, state, contact, facts)
        case UpdateCompany():
            return update_company(cmd, state, sealed, facts)
        case WithdrawCompany():
            return withdraw_company(cmd, state)


def _profile_fields(cmd: RegisterCompany | UpdateCompany) -> dict[str, Any]:
    """The profile's fields a command sets (all of them for a sign-up), its positions checked."""
    fields = given(cmd, CompanyProfile.__struct_fields__)
    if "positions" in fields:
        fields["positions"] = _positions(cast(tuple[PositionRequest, ...], fields["positions"]))
    return fields


def _live_company(state: CompanyState) -> CompanyProfile:
    return live_profile(
        state, "company_id", UNKNOWN_COMPANY, (state.withdrawn, "cette entreprise s'est déjà retirée")
    )


def _siret_errors(company_id: str, siret: str, facts: CompanyFacts) -> list[DomainError]:
    if facts.siret_owner in (None, company_id):
        return []
    return [duplicate("siret")]


def _positions(requests: tuple[PositionRequest, ...]) -> tuple[Position, ...]:
    return tuple(
        Position(title=p.title, contract=check_contract(p.contract), count=p.count) for p in requests
    )
