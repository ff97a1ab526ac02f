"""How each event changes a candidate's or a company's state (the fold)."""

from __future__ import annotations

import msgspec

from jobdating.contracts import registration as events
from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened, patched
from jobdating.registration.domain.state import CandidateState, CompanyState

replace = msgspec.structs.replace


def evolve_candidate(state: CandidateState, event: Event) -> CandidateState:
    """The candidate after `event`."""
    match event:
        case events.CandidateRegistered():
            return opened(CandidateState, event, registered=True)
        case events.CandidateUpdated():
            return patched(state, event, "profile", "personal")
        case events.CandidateWithdrew():
            return replace(state, withdrawn=True)
        case events.CandidateNoteWritten():
            return replace(state, note=event.note)
        case events.CandidateErased():
            return replace(state, erased=True, personal=None)
    return state


def evolve_company(state: CompanyState, event: Event) -> CompanyState:
    """The company after `event`."""
    match event:
        case events.CompanyRegistered():
            return opened(CompanyState, event, registered=True)
        case events.CompanyUpdated():
            return patched(state, event, "profile", "contact")
        case events.CompanyWithdrew():
            return replace(state, withdrawn=True)
    return state
