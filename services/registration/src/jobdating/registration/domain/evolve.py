"""How each event changes a candidate's or a company's state (the fold)."""

from __future__ import annotations

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened
from jobdating.contracts.registration import (
    CandidateErased,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWithdrew,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
)
from jobdating.registration.domain.state import CandidateState, CompanyState


def evolve_candidate(state: CandidateState, event: Event) -> CandidateState:
    """The candidate after `event`."""
    match event:
        case CandidateRegistered():
            return opened(CandidateState, event, registered=True)
        case CandidateUpdated():
            return msgspec.structs.replace(
                state,
                profile=event.profile or state.profile,
                personal=event.personal or state.personal,
            )
        case CandidateWithdrew():
            return msgspec.structs.replace(state, withdrawn=True)
        case CandidateErased():
            return msgspec.structs.replace(state, erased=True, personal=None)
    return state


def evolve_company(state: CompanyState, event: Event) -> CompanyState:
    """The company after `event`."""
    match event:
        case CompanyRegistered():
            return opened(CompanyState, event, registered=True)
        case CompanyUpdated():
            return msgspec.structs.replace(
                state,
                profile=event.profile or state.profile,
                contact=event.contact or state.contact,
            )
        case CompanyWithdrew():
            return msgspec.structs.replace(state, withdrawn=True)
    return state
