"""The rule of opening a candidate's contact for a stated purpose (see `permissions` for who may ask)."""

from __future__ import annotations

from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import CandidateContactOpened, ContactPurpose
from jobdating.registration.domain.candidate_rules import UNKNOWN_CANDIDATE
from jobdating.registration.domain.commands import OpenCandidateContact
from jobdating.registration.domain.errors import Conflict, DomainError, NotFound, Rejected
from jobdating.registration.domain.permissions import CONTACT_PURPOSES
from jobdating.registration.domain.state import CandidateState

PURPOSE_REQUIRED = "indiquer pourquoi : " + " ; ".join(
    f"{code} ({meaning})" for code, meaning in CONTACT_PURPOSES.items()
)


def check_purpose(purpose: str | None) -> ContactPurpose:
    """The purpose, when it is one of the list; else the refusal naming `purpose`."""
    if purpose not in CONTACT_PURPOSES:
        raise Rejected([DomainError("purpose", PURPOSE_REQUIRED)])
    return purpose


def open_contact(cmd: OpenCandidateContact, state: CandidateState) -> list[Event]:
    """A live candidate's contact, opened for one of the listed purposes: the opening is recorded.

    Withdrawn and erased candidates are not to be contacted any more: nothing is opened.
    """
    purpose = check_purpose(cmd.purpose)
    if not state.registered:
        raise Rejected([NotFound("candidate_id", UNKNOWN_CANDIDATE)])
    if state.erased:
        raise Rejected([Conflict("candidate_id", "les données de ce candidat ont été effacées")])
    if state.withdrawn:
        raise Rejected([Conflict("candidate_id", "ce candidat s'est retiré : il ne doit plus être contacté")])
    return [
        CandidateContactOpened(
            candidate_id=cmd.candidate_id,
            purpose=purpose,
            opened_by=cmd.opened_by,
            opened_by_org=cmd.opened_by_org,
        )
    ]
