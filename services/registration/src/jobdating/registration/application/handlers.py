"""One function per command: validate, look the facts up, seal, then load -> fold -> decide -> append.

All of it runs inside the write (`CommandBus.execute_prepared`): the facts are read in the transaction
that appends, and the append, the projections and the key (when one is created or forgotten) commit
together; a refusal raises `Rejected` and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from jobdating.contracts.envelope import Event, decode_envelope
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.application import queries
from jobdating.registration.application.ports import NOTHING_JUST_SEALED, DuplicateKey, PersonKey
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
from jobdating.registration.domain.errors import NotAllowed, Rejected
from jobdating.registration.domain.evolve import evolve_candidate, evolve_company
from jobdating.registration.domain.permissions import (
    may_change_candidate,
    may_change_company,
    may_erase_candidate,
)
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
from jobdating.runtime.commands import Aggregate, Extra, Meta, Prepared
from jobdating.runtime.ids import new_id

S = TypeVar("S")
T = TypeVar("T")
P = TypeVar("P", CandidatePersonal, CompanyContact)
CANDIDATES: Final = Aggregate(CandidateState, evolve_candidate)
COMPANIES: Final = Aggregate(CompanyState, evolve_company)
PERSONAL_FIELDS: Final = ("first_name", "last_name", "phone", "email", "address")
CONTACT_FIELDS: Final = ("contact_name", "contact_phone", "contact_email")
OTHER_ORG_CANDIDATE = "ce candidat est suivi par une autre structure"
OTHER_ORG_COMPANY = "cette entreprise a été inscrite par une autre structure"

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

    def prepare(tx: Transaction) -> Prepared[CandidateState]:
        valid = validate_candidate(cmd)
        facts = queries.candidate_facts(
            tx, site_id=valid.site_id, wishes=valid.wishes, phone=valid.phone, email=valid.email
        )
        key = svc.keyring.new_key(valid.candidate_id)
        plaintext = _encode(candidate_personal(valid))
        sealed = svc.keyring.seal(key, plaintext)
        return (
            lambda state: rules.register_candidate(valid, state, sealed, facts),
            _projecting(svc, lambda tx: svc.keyring.save(tx, key), {sealed: plaintext}),
        )

    _run(
        svc,
        "RegisterCandidate",
        CANDIDATES,
        cmd.candidate_id,
        prepare,
        meta_for(svc, principal, correlation_id),
    )
    return cmd.candidate_id


def update_candidate(
    svc: RegistrationService, principal: Principal, cmd: UpdateCandidate, correlation_id: str | None = None
) -> list[StoredEvent]:
    """Change a candidate followed by the caller's organisation; no event when nothing changes."""

    def prepare(tx: Transaction) -> Prepared[CandidateState]:
        valid = validate_candidate_update(cmd)
        facts = queries.candidate_facts(
            tx,
            site_id=_or_none(valid.site_id),
            wishes=_or_none(valid.wishes) or (),
            phone=_or_none(valid.phone),
            email=_or_none(valid.email),
        )
        touches_personal = any(getattr(valid, f) is not UNSET for f in PERSONAL_FIELDS)
        key = svc.keyring.key_of(tx, valid.candidate_id) if touches_personal else None
        just_sealed: dict[Sealed, bytes] = {}

        def decide(state: CandidateState) -> Sequence[Event]:
            _check_candidate_access(state, principal, may_change_candidate)
            sealed = None
            if touches_personal and state.personal is not None and not state.erased:
                sealed = _resealed(
                    svc, key, state.personal, _personal, lambda p: merged_personal(p, valid), just_sealed
                )
            return rules.update_candidate(valid, state, sealed, facts)

        return decide, _projecting(svc, just_sealed=just_sealed)

    return _run(
        svc,
        "UpdateCandidate",
        CANDIDATES,
        cmd.candidate_id,
        prepare,
        meta_for(svc, principal, correlation_id),
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
        lambda _tx: (decide, _projecting(svc)),
        meta_for(svc, principal, correlation_id),
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
        lambda _tx: (decide, _projecting(svc, forget)),
        meta_for(svc, principal, correlation_id),
    )


def register_company(
    svc: RegistrationService, principal: Principal, cmd: RegisterCompany, correlation_id: str | None = None
) -> str:
    """Sign a company up for the caller's organisation; returns its id."""
    cmd = msgspec.structs.replace(cmd, registering_org=principal.org)

    def prepare(tx: Transaction) -> Prepared[CompanyState]:
        valid = validate_company(cmd)
        facts = queries.company_facts(tx, valid.siret)
        key = svc.keyring.new_key(valid.company_id)
        plaintext = _encode(company_contact(valid))
        sealed = svc.keyring.seal(key, plaintext)
        return (
            lambda state: rules.register_company(valid, state, sealed, facts),
            _projecting(svc, lambda tx: svc.keyring.save(tx, key), {sealed: plaintext}),
        )

    _run(svc, "RegisterCompany", COMPANIES, cmd.company_id, prepare, meta_for(svc, principal, correlation_id))
    return cmd.company_id


def update_company(
    svc: RegistrationService, principal: Principal, cmd: UpdateCompany, correlation_id: str | None = None
) -> list[StoredEvent]:
    """Change a company registered by the caller's organisation."""

    def prepare(tx: Transaction) -> Prepared[CompanyState]:
        valid = validate_company_update(cmd)
        facts = queries.company_facts(tx, _or_none(valid.siret))
        touches_contact = any(getattr(valid, f) is not UNSET for f in CONTACT_FIELDS)
        key = svc.keyring.key_of(tx, valid.company_id) if touches_contact else None
        just_sealed: dict[Sealed, bytes] = {}

        def decide(state: CompanyState) -> Sequence[Event]:
            if state.registered and not may_change_company(principal, state.registering_org):
                raise Rejected([NotAllowed("company_id", OTHER_ORG_COMPANY)])
            sealed = None
            if touches_contact and state.contact is not None and not state.withdrawn:
                sealed = _resealed(
                    svc, key, state.contact, _contact, lambda c: merged_contact(c, valid), just_sealed
                )
            return rules.update_company(valid, state, sealed, facts)

        return decide, _projecting(svc, just_sealed=just_sealed)

    return _run(
        svc, "UpdateCompany", COMPANIES, cmd.company_id, prepare, meta_for(svc, principal, correlation_id)
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
        lambda _tx: (decide, _projecting(svc)),
        meta_for(svc, principal, correlation_id),
    )


def project(
    svc: RegistrationService,
    tx: Transaction,
    stored: Sequence[StoredEvent],
    just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED,
) -> None:
    """Apply freshly appended events to the projections, in their transaction (`just_sealed`: plaintexts
    the command sealed into them, which the projections then need not re-open)."""
    for event in stored:
        recorded = svc.bus.registry.decode(decode_envelope(event.body), event.position)
        svc.project(tx, recorded, just_sealed)


def _projecting(
    svc: RegistrationService,
    before: Callable[[Transaction], None] | None = None,
    just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED,
) -> Extra:
    def extra(tx: Transaction, stored: list[StoredEvent]) -> None:
        svc.keyring.protect(tx)
        if before is not None:
            before(tx)
        project(svc, tx, stored, just_sealed)

    return extra


def _run(
    svc: RegistrationService,
    name: str,
    aggregate: Aggregate[S],
    stream_id: str,
    prepare: Callable[[Transaction], Prepared[S]],
    meta: Meta,
) -> list[StoredEvent]:
    """Validation, facts, sealing and decision all run inside the write (`CommandBus.execute_prepared`)."""
    try:
        stored = svc.bus.execute_prepared(aggregate, stream_id, prepare, meta)
    except Rejected as exc:
        _refused(svc, name, stream_id, exc)
        raise
    except DuplicateKey as exc:
        # Another command took the phone, e-mail or SIRET between our look-up and our commit.
        refusal = Rejected([rules.duplicate(exc.field)])
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


def _resealed(
    svc: RegistrationService,
    key: PersonKey | None,
    current: Sealed,
    decoder: msgspec.json.Decoder[P],
    merge: Callable[[P], P],
    just_sealed: dict[Sealed, bytes],
) -> Sealed | None:
    """The personal fields an update leaves, sealed again (their plaintext kept in `just_sealed` for the
    projections), or None when the update leaves them as they were."""
    before = decoder.decode(svc.keyring.unseal(_require(key), current))
    after = merge(before)
    if after == before:
        return None
    plaintext = _encode(after)
    sealed = svc.keyring.seal(_require(key), plaintext)
    just_sealed[sealed] = plaintext
    return sealed


def _require(key: PersonKey | None) -> PersonKey:
    if key is None:
        # The stream holds sealed fields but the keyring has no key: the two were not written together.
        raise RuntimeError("personal key missing for a live record")
    return key


def _or_none(value: T | UnsetType) -> T | None:
    return None if isinstance(value, UnsetType) else value
