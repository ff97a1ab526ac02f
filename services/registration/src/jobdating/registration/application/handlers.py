"""One function per command: validate, look the facts up, seal, then load -> fold -> decide -> append.

The append and the projections (and the key, when one is created or forgotten) commit in one transaction
through `CommandBus.execute(..., extra=...)`; a refusal raises `Rejected` and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from jobdating.contracts.envelope import Event, decode_envelope
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.adapters import projections
from jobdating.registration.adapters.keyring import PersonKey
from jobdating.registration.application import queries
from jobdating.registration.application.access import (
    may_change_candidate,
    may_change_company,
    may_erase_candidate,
)
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import (
    EraseCandidate,
    RegisterCandidate,
    RegisterCompany,
    UpdateCandidate,
    UpdateCompany,
    WithdrawCandidate,
    WithdrawCompany,
)
from jobdating.registration.domain.errors import Conflict, NotAllowed, Rejected
from jobdating.registration.domain.evolve import evolve_candidate, evolve_company
from jobdating.registration.domain.personal import (
    CandidatePersonal,
    CompanyContact,
    candidate_personal,
    company_contact,
    merged_contact,
    merged_personal,
)
from jobdating.registration.domain.state import CandidateState, CompanyState
from jobdating.registration.domain.validation import (
    validate_candidate,
    validate_candidate_update,
    validate_company,
    validate_company_update,
)
from jobdating.runtime.auth import Principal
from jobdating.runtime.commands import Aggregate, Meta
from jobdating.runtime.ids import new_id

S = TypeVar("S")
C = TypeVar("C")
T = TypeVar("T")
CANDIDATES: Final = Aggregate(CandidateState, evolve_candidate)
COMPANIES: Final = Aggregate(CompanyState, evolve_company)
PERSONAL_FIELDS: Final = ("first_name", "last_name", "phone", "email", "address")
CONTACT_FIELDS: Final = ("contact_name", "contact_phone", "contact_email")
DUPLICATE_REASONS: Final = {
    "phone": "un candidat est déjà inscrit avec ce numéro de téléphone",
    "email": "un candidat est déjà inscrit avec cette adresse e-mail",
    "siret": "une entreprise est déjà inscrite avec ce SIRET",
    "import_key": "cette ligne a déjà été importée",
}
OTHER_ORG_CANDIDATE = "ce candidat est suivi par une autre structure"
OTHER_ORG_COMPANY = "cette entreprise a été inscrite par une autre structure"

Extra = Callable[[Transaction, list[StoredEvent]], None]
_encode = msgspec.json.Encoder().encode
_personal = msgspec.json.Decoder(CandidatePersonal)
_contact = msgspec.json.Decoder(CompanyContact)


def meta_for(svc: RegistrationService, principal: Principal, correlation_id: str | None = None) -> Meta:
    """Envelope metadata: the instance's org publishes, the caller's opaque id is the actor."""
    return Meta(org=svc.org, actor_id=principal.actor_id, correlation_id=correlation_id or new_id())


def register_candidate(
    svc: RegistrationService, principal: Principal, cmd: RegisterCandidate, correlation_id: str | None = None
) -> str:
    """Register a candidate referred by the caller's organisation; returns their id."""
    cmd = msgspec.structs.replace(
        cmd, referring_org=principal.org, counsellor_id=cmd.counsellor_id or principal.actor_id
    )
    cmd = _validated(svc, "RegisterCandidate", validate_candidate, cmd)
    facts = queries.candidate_facts(
        svc.store, site_id=cmd.site_id, wishes=cmd.wishes, phone=cmd.phone, email=cmd.email
    )
    key = svc.keyring.new_key(cmd.candidate_id)
    sealed = svc.keyring.seal(key, _encode(candidate_personal(cmd)))
    _run(
        svc,
        "RegisterCandidate",
        CANDIDATES,
        cmd.candidate_id,
        lambda state: rules.register_candidate(cmd, state, sealed, facts),
        meta_for(svc, principal, correlation_id),
        _projecting(svc, lambda tx: svc.keyring.save(tx, key)),
    )
    return cmd.candidate_id


def update_candidate(
    svc: RegistrationService, principal: Principal, cmd: UpdateCandidate, correlation_id: str | None = None
) -> list[StoredEvent]:
    """Change a candidate followed by the caller's organisation; no event when nothing changes."""
    cmd = _validated(svc, "UpdateCandidate", validate_candidate_update, cmd)
    facts = queries.candidate_facts(
        svc.store,
        site_id=_or_none(cmd.site_id),
        wishes=_or_none(cmd.wishes) or (),
        phone=_or_none(cmd.phone),
        email=_or_none(cmd.email),
    )
    touches_personal = any(getattr(cmd, f) is not UNSET for f in PERSONAL_FIELDS)
    key = svc.keyring.key_of(svc.store, cmd.candidate_id) if touches_personal else None

    def decide(state: CandidateState) -> Sequence[Event]:
        _check_candidate_access(state, principal, may_change_candidate)
        sealed = None
        if touches_personal and state.personal is not None and not state.erased:
            current = _personal.decode(svc.keyring.unseal(_require(key), state.personal))
            merged = merged_personal(current, cmd)
            if merged != current:
                sealed = svc.keyring.seal(_require(key), _encode(merged))
        return rules.update_candidate(cmd, state, sealed, facts)

    return _run(
        svc,
        "UpdateCandidate",
        CANDIDATES,
        cmd.candidate_id,
        decide,
        meta_for(svc, principal, correlation_id),
        _projecting(svc),
    )


def withdraw_candidate(
    svc: RegistrationService, principal: Principal, cmd: WithdrawCandidate, correlation_id: str | None = None
) -> list[StoredEvent]:
    """A candidate followed by the caller's organisation withdraws."""

    def decide(state: CandidateState) -> Sequence[Event]:
        _check_candidate_access(state, principal, may_change_candidate)
        return rules.withdraw_candidate(cmd, state)

    return _run(
        svc,
        "WithdrawCandidate",
        CANDIDATES,
        cmd.candidate_id,
        decide,
        meta_for(svc, principal, correlation_id),
        _projecting(svc),
    )


def erase_candidate(
    svc: RegistrationService, principal: Principal, cmd: EraseCandidate, correlation_id: str | None = None
) -> list[StoredEvent]:
    """GDPR erasure: forget the key, null the personal columns, drop lookups, append CandidateErased."""

    def decide(state: CandidateState) -> Sequence[Event]:
        _check_candidate_access(state, principal, may_erase_candidate)
        return rules.erase_candidate(cmd, state)

    def forget(tx: Transaction) -> None:
        svc.keyring.forget(tx, cmd.candidate_id)

    return _run(
        svc,
        "EraseCandidate",
        CANDIDATES,
        cmd.candidate_id,
        decide,
        meta_for(svc, principal, correlation_id),
        _projecting(svc, forget),
    )


def register_company(
    svc: RegistrationService, principal: Principal, cmd: RegisterCompany, correlation_id: str | None = None
) -> str:
    """Sign a company up for the caller's organisation; returns its id."""
    cmd = msgspec.structs.replace(cmd, registering_org=principal.org)
    cmd = _validated(svc, "RegisterCompany", validate_company, cmd)
    facts = queries.company_facts(svc.store, cmd.siret)
    key = svc.keyring.new_key(cmd.company_id)
    sealed = svc.keyring.seal(key, _encode(company_contact(cmd)))
    _run(
        svc,
        "RegisterCompany",
        COMPANIES,
        cmd.company_id,
        lambda state: rules.register_company(cmd, state, sealed, facts),
        meta_for(svc, principal, correlation_id),
        _projecting(svc, lambda tx: svc.keyring.save(tx, key)),
    )
    return cmd.company_id


def update_company(
    svc: RegistrationService, principal: Principal, cmd: UpdateCompany, correlation_id: str | None = None
) -> list[StoredEvent]:
    """Change a company registered by the caller's organisation."""
    cmd = _validated(svc, "UpdateCompany", validate_company_update, cmd)
    facts = queries.company_facts(svc.store, _or_none(cmd.siret))
    touches_contact = any(getattr(cmd, f) is not UNSET for f in CONTACT_FIELDS)
    key = svc.keyring.key_of(svc.store, cmd.company_id) if touches_contact else None

    def decide(state: CompanyState) -> Sequence[Event]:
        if state.registered and not may_change_company(principal, state.registering_org):
            raise Rejected([NotAllowed("company_id", OTHER_ORG_COMPANY)])
        sealed = None
        if touches_contact and state.contact is not None and not state.withdrawn:
            current = _contact.decode(svc.keyring.unseal(_require(key), state.contact))
            merged = merged_contact(current, cmd)
            if merged != current:
                sealed = svc.keyring.seal(_require(key), _encode(merged))
        return rules.update_company(cmd, state, sealed, facts)

    return _run(
        svc,
        "UpdateCompany",
        COMPANIES,
        cmd.company_id,
        decide,
        meta_for(svc, principal, correlation_id),
        _projecting(svc),
    )


def withdraw_company(
    svc: RegistrationService, principal: Principal, cmd: WithdrawCompany, correlation_id: str | None = None
) -> list[StoredEvent]:
    """A company registered by the caller's organisation withdraws."""

    def decide(state: CompanyState) -> Sequence[Event]:
        if state.registered and not may_change_company(principal, state.registering_org):
            raise Rejected([NotAllowed("company_id", OTHER_ORG_COMPANY)])
        return rules.withdraw_company(cmd, state)

    return _run(
        svc,
        "WithdrawCompany",
        COMPANIES,
        cmd.company_id,
        decide,
        meta_for(svc, principal, correlation_id),
        _projecting(svc),
    )


def project(svc: RegistrationService, tx: Transaction, stored: Sequence[StoredEvent]) -> None:
    """Apply freshly appended events to the projections, in their transaction."""
    for event in stored:
        recorded = svc.bus.registry.decode(decode_envelope(event.body), event.position)
        projections.apply(tx, recorded, svc.keyring)


def _projecting(svc: RegistrationService, before: Callable[[Transaction], None] | None = None) -> Extra:
    def extra(tx: Transaction, stored: list[StoredEvent]) -> None:
        svc.keyring.protect(tx)
        if before is not None:
            before(tx)
        project(svc, tx, stored)

    return extra


def _run(
    svc: RegistrationService,
    name: str,
    aggregate: Aggregate[S],
    stream_id: str,
    decide: Callable[[S], Sequence[Event]],
    meta: Meta,
    extra: Extra,
) -> list[StoredEvent]:
    try:
        stored = svc.bus.execute(aggregate, stream_id, decide, meta, extra=extra)
    except Rejected as exc:
        _refused(svc, name, stream_id, exc)
        raise
    except projections.DuplicateKey as exc:
        # Another command took the phone, e-mail or SIRET between our look-up and our commit.
        refusal = Rejected([Conflict(exc.field, DUPLICATE_REASONS[exc.field])])
        _refused(svc, name, stream_id, refusal)
        raise refusal from exc
    svc.counted(name, "accepted" if stored else "unchanged")
    for event in stored:
        svc.log.info(
            "event_recorded",
            command=name,
            event_id=event.event_id,
            event_type=event.event_type,
            stream_id=event.stream_id,
            correlation_id=meta.correlation_id,
        )
    return stored


def _validated(svc: RegistrationService, name: str, validate: Callable[[C], C], cmd: C) -> C:
    try:
        return validate(cmd)
    except Rejected as exc:
        _refused(svc, name, None, exc)
        raise


def _refused(svc: RegistrationService, name: str, stream_id: str | None, exc: Rejected) -> None:
    svc.counted(name, exc.kind)
    # Field names only: the values may be personal.
    svc.log.info(
        "command_refused",
        command=name,
        stream_id=stream_id,
        kind=exc.kind,
        fields=[e.field for e in exc.errors],
    )


def _check_candidate_access(
    state: CandidateState, principal: Principal, allowed: Callable[[Principal, str], bool]
) -> None:
    if state.profile is not None and not allowed(principal, state.profile.referring_org):
        raise Rejected([NotAllowed("candidate_id", OTHER_ORG_CANDIDATE)])


def _require(key: PersonKey | None) -> PersonKey:
    if key is None:
        # The stream holds sealed fields but the keyring has no key: the two were not written together.
        raise RuntimeError("personal key missing for a live record")
    return key


def _or_none(value: T | UnsetType) -> T | None:
    return None if isinstance(value, UnsetType) else value
