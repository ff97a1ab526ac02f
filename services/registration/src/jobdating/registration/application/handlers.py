"""Registration's commands, one method each of `RegistrationHandlers`: validate, look the facts up, seal,
then fold -> decide -> append -> project.

All of it runs inside the write (a unit of work of the runtime's `CommandBus`): the facts are read in the
transaction that appends, and the append, the projections and the key (when one is created or forgotten)
commit together; a refusal raises `Rejected` and leaves nothing behind. The steps around each decision
(the write, sealing, append, projections, counting the outcome) are `command_steps.CommandSteps`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Final, TypeVar

import msgspec
from msgspec import UnsetType

from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.application import lookups
from jobdating.registration.application.command_steps import CommandSteps, Sealing, SignUpRule
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
    may_register_walk_in,
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
from jobdating.runtime.commands import Aggregate, Meta, UnitOfWork
from jobdating.runtime.ids import new_id

T = TypeVar("T")
WALK_IN_ELSEWHERE: Final = (
    "seuls la coordination, les conseillers et l'accueil de ce site inscrivent un candidat sur place"
)
CANDIDATES: Final = Aggregate(CandidateState, evolve_candidate)
COMPANIES: Final = Aggregate(CompanyState, evolve_company)
PERSONAL_FIELDS: Final = CandidatePersonal.__struct_fields__
CONTACT_FIELDS: Final = ("contact_name", "contact_phone", "contact_email")
OTHER_ORG_CANDIDATE = "ce candidat est suivi par une autre structure"
OTHER_ORG_COMPANY = "cette entreprise a été inscrite par une autre structure"

CANDIDATE_SEALING: Final[Sealing[CandidateState, CandidatePersonal, UpdateCandidate]] = Sealing(
    lambda state: None if state.erased else state.personal,
    PERSONAL_FIELDS,
    msgspec.json.Decoder(CandidatePersonal),
    merged_personal,
)
COMPANY_SEALING: Final[Sealing[CompanyState, CompanyContact, UpdateCompany]] = Sealing(
    lambda state: None if state.withdrawn else state.contact,
    CONTACT_FIELDS,
    msgspec.json.Decoder(CompanyContact),
    merged_contact,
)


def meta_for(svc: RegistrationService, principal: Principal, correlation_id: str | None = None) -> Meta:
    """Envelope metadata: the instance's org publishes, the caller's opaque id is the actor."""
    return Meta(org=svc.org, actor_id=principal.actor_id, correlation_id=correlation_id or new_id())


class RegistrationHandlers:
    """Runs registration's commands: each is a unit of work (validate, read the facts, seal, fold, decide,
    append, project) the command bus runs in one transaction."""

    def __init__(self, service: RegistrationService) -> None:
        self.service = service
        self.bus = service.bus
        self.keyring = service.keyring
        self.steps = CommandSteps(service)

    # ---- candidates ---------------------------------------------------------------------------------

    def register_candidate(
        self, principal: Principal, cmd: RegisterCandidate, correlation_id: str | None = None
    ) -> str:
        """Register a candidate referred by the caller's organisation; returns their id."""
        cmd = msgspec.structs.replace(
            cmd, referring_org=principal.org, counsellor_id=cmd.counsellor_id or principal.actor_id
        )
        meta = meta_for(self.service, principal, correlation_id)

        def decision(w: UnitOfWork) -> tuple[CandidatePersonal, SignUpRule[CandidateState]]:
            valid = validate_candidate(cmd)
            facts = lookups.candidate_facts(
                w.tx,
                site_id=valid.site_id,
                wishes=valid.wishes,
                phone=valid.phone,
                email=valid.email,
                opening=(cmd.candidate_id, w.new_stream),
            )
            return candidate_personal(valid), partial(rules.register_candidate, valid, facts=facts)

        self.steps.sign_up("RegisterCandidate", CANDIDATES, cmd.candidate_id, meta, decision)
        return cmd.candidate_id

    def register_walk_in(
        self, principal: Principal, cmd: RegisterCandidate, correlation_id: str | None = None
    ) -> str:
        """Register a candidate on the spot at their site, now (a walk-in): a coordinator or counsellor, or
        a host of that site; scheduling then checks them in and books them where capacity is free."""
        # An unknown or closed site is refused by the registration's own rules, with its reason.
        host_org = lookups.site_host(self.service.store, cmd.site_id)
        if host_org is not None and not may_register_walk_in(principal, host_org):
            raise Rejected([NotAllowed("site_id", WALK_IN_ELSEWHERE)])
        now = self.service.clock.now()
        return self.register_candidate(
            principal, msgspec.structs.replace(cmd, walk_in_at=now), correlation_id
        )

    def update_candidate(
        self, principal: Principal, cmd: UpdateCandidate, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """Change a candidate followed by the caller's organisation; no event when nothing changes."""
        meta = meta_for(self.service, principal, correlation_id)

        def work(w: UnitOfWork) -> list[StoredEvent]:
            valid = validate_candidate_update(cmd)
            facts = lookups.candidate_facts(
                w.tx,
                site_id=_or_none(valid.site_id),
                wishes=_or_none(valid.wishes) or (),
                phone=_or_none(valid.phone),
                email=_or_none(valid.email),
            )
            state = w.fold(CANDIDATES, cmd.candidate_id)
            _check_candidate_access(state, principal, may_change_candidate)
            decide = partial(rules.update_candidate, valid, state, facts=facts)
            return self.steps.update(w, cmd.candidate_id, state, valid, CANDIDATE_SEALING, decide, meta)

        return self.steps.run("UpdateCandidate", cmd.candidate_id, work, meta)

    def withdraw_candidate(
        self, principal: Principal, cmd: WithdrawCandidate, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """A candidate followed by the caller's organisation withdraws."""

        def decide(state: CandidateState) -> Sequence[Event]:
            _check_candidate_access(state, principal, may_change_candidate)
            return rules.withdraw_candidate(cmd, state)

        meta = meta_for(self.service, principal, correlation_id)
        return self.steps.execute("WithdrawCandidate", CANDIDATES, cmd.candidate_id, decide, meta)

    def erase_candidate(
        self, principal: Principal, cmd: EraseCandidate, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """GDPR erasure: forget the key, null the personal columns, drop lookups, append CandidateErased."""

        def decide(state: CandidateState) -> Sequence[Event]:
            _check_candidate_access(state, principal, may_erase_candidate)
            return rules.erase_candidate(cmd, state)

        def forget(tx: Transaction) -> None:
            self.keyring.forget(tx, cmd.candidate_id)

        return self.steps.execute(
            "EraseCandidate",
            CANDIDATES,
            cmd.candidate_id,
            decide,
            meta_for(self.service, principal, correlation_id),
            forget,
        )

    # ---- companies ----------------------------------------------------------------------------------

    def register_company(
        self, principal: Principal, cmd: RegisterCompany, correlation_id: str | None = None
    ) -> str:
        """Sign a company up for the caller's organisation; returns its id."""
        cmd = msgspec.structs.replace(cmd, registering_org=principal.org)
        meta = meta_for(self.service, principal, correlation_id)

        def decision(w: UnitOfWork) -> tuple[CompanyContact, SignUpRule[CompanyState]]:
            valid = validate_company(cmd)
            facts = lookups.company_facts(w.tx, valid.siret)
            return company_contact(valid), partial(rules.register_company, valid, facts=facts)

        self.steps.sign_up("RegisterCompany", COMPANIES, cmd.company_id, meta, decision)
        return cmd.company_id

    def update_company(
        self, principal: Principal, cmd: UpdateCompany, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """Change a company registered by the caller's organisation."""
        meta = meta_for(self.service, principal, correlation_id)

        def work(w: UnitOfWork) -> list[StoredEvent]:
            valid = validate_company_update(cmd)
            facts = lookups.company_facts(w.tx, _or_none(valid.siret))
            state = w.fold(COMPANIES, cmd.company_id)
            _check_company_access(state, principal)
            decide = partial(rules.update_company, valid, state, facts=facts)
            return self.steps.update(w, cmd.company_id, state, valid, COMPANY_SEALING, decide, meta)

        return self.steps.run("UpdateCompany", cmd.company_id, work, meta)

    def withdraw_company(
        self, principal: Principal, cmd: WithdrawCompany, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """A company registered by the caller's organisation withdraws."""

        def decide(state: CompanyState) -> Sequence[Event]:
            _check_company_access(state, principal)
            return rules.withdraw_company(cmd, state)

        meta = meta_for(self.service, principal, correlation_id)
        return self.steps.execute("WithdrawCompany", COMPANIES, cmd.company_id, decide, meta)


def _check_candidate_access(
    state: CandidateState, principal: Principal, allowed: Callable[[Principal, str], bool]
) -> None:
    if state.profile is not None and not allowed(principal, state.profile.referring_org):
        raise Rejected([NotAllowed("candidate_id", OTHER_ORG_CANDIDATE)])


def _check_company_access(state: CompanyState, principal: Principal) -> None:
    if state.registered and not may_change_company(principal, state.registering_org):
        raise Rejected([NotAllowed("company_id", OTHER_ORG_COMPANY)])


def _or_none(value: T | UnsetType) -> T | None:
    return None if isinstance(value, UnsetType) else value
