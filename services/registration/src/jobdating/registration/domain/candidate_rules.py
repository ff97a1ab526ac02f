"""The rules of registration for candidates: given a command, the stream's state and the facts looked up,
which events (see `decide`)."""

from __future__ import annotations

from typing import cast

import msgspec
from msgspec import UnsetType

from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import (
    Accessibility,
    CandidateConfirmedAttendance,
    CandidateErased,
    CandidateNoteWritten,
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWalkedIn,
    CandidateWithdrew,
    Wish,
)
from jobdating.contracts.sealed import Sealed
from jobdating.registration.domain.commands import (
    CandidateCommand,
    EraseCandidate,
    RegisterCandidate,
    UpdateCandidate,
    WithdrawCandidate,
    given,
)
from jobdating.registration.domain.errors import (
    Conflict,
    DomainError,
    NotFound,
    Rejected,
    duplicate,
    reject_if,
)
from jobdating.registration.domain.fields import check_withdrawal_reason, checked_reason
from jobdating.registration.domain.profile_rules import live_profile, sealed_sign_up
from jobdating.registration.domain.state import CandidateFacts, CandidateState

UNKNOWN_CANDIDATE = "candidat inconnu"
UNKNOWN_SITE = "site inconnu ou fermé : choisir un site ouvert"


def register_candidate(
    cmd: RegisterCandidate, state: CandidateState, sealed: Sealed, facts: CandidateFacts
) -> list[Event]:
    """A new candidate, once: on an open site, wishing live companies, with their own phone and e-mail; a
    walk-in (`walk_in_at`) is also said to be at their site now."""
    if state.registered:
        raise Rejected([Conflict("candidate_id", "ce candidat est déjà inscrit")])
    errors = _site_errors(cmd.site_id, facts) + _wish_errors(cmd.wishes, facts)
    errors += _contact_errors(cmd.candidate_id, cmd.phone, cmd.email, facts)
    reject_if(errors)
    profile = CandidateProfile(
        referring_org=cmd.referring_org,
        site_id=cmd.site_id,
        sectors=cmd.sectors,
        wishes=_by_rank(cmd.wishes),
        availability=cmd.availability,
        accessibility=cast(tuple[Accessibility, ...], cmd.accessibility),
        consent_data=cmd.consent_data,
        consent_sms=cmd.consent_sms,
        consent_email=cmd.consent_email,
    )
    registered: list[Event] = [
        CandidateRegistered(
            candidate_id=cmd.candidate_id, profile=profile, personal=sealed, import_key=cmd.import_key
        )
    ]
    if cmd.note:
        registered.append(CandidateNoteWritten(candidate_id=cmd.candidate_id, note=cmd.note))
    if cmd.walk_in_at is not None:
        registered.append(
            CandidateWalkedIn(candidate_id=cmd.candidate_id, site_id=cmd.site_id, at=cmd.walk_in_at)
        )
    return registered


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
    changes = given(cmd, CandidateProfile.__struct_fields__)
    if "wishes" in changes:
        changes["wishes"] = _by_rank(cast(tuple[Wish, ...], changes["wishes"]))
    updated = msgspec.structs.replace(profile, **changes)
    events: list[Event] = []
    if updated != profile or sealed is not None:
        events.append(
            CandidateUpdated(
                candidate_id=cmd.candidate_id,
                profile=None if updated == profile else updated,
                personal=sealed,
            )
        )
    note = state.note if isinstance(cmd.note, UnsetType) else cmd.note or ""
    if note != state.note:
        events.append(CandidateNoteWritten(candidate_id=cmd.candidate_id, note=note))
    return events


def withdraw_candidate(cmd: WithdrawCandidate, state: CandidateState) -> list[Event]:
    """A live candidate withdraws, for one of the listed reasons."""
    _live_candidate(state)
    reason = checked_reason(check_withdrawal_reason, cmd.reason)
    return [CandidateWithdrew(candidate_id=cmd.candidate_id, reason=reason)]


def confirm_attendance(candidate_id: str, state: CandidateState) -> list[Event]:
    """A live candidate says they will come (from their personal link); said again, it is said again."""
    _live_candidate(state)
    return [CandidateConfirmedAttendance(candidate_id=candidate_id)]


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
            personal = sealed_sign_up(sealed, "a registration needs its sealed personal fields")
            return register_candidate(cmd, state, personal, facts)
        case UpdateCandidate():
            return update_candidate(cmd, state, sealed, facts)
        case WithdrawCandidate():
            return withdraw_candidate(cmd, state)
        case EraseCandidate():
            return erase_candidate(cmd, state)


def _live_candidate(state: CandidateState) -> CandidateProfile:
    return live_profile(
        state,
        "candidate_id",
        UNKNOWN_CANDIDATE,
        (state.erased, "les données de ce candidat ont été effacées"),
        (state.withdrawn, "ce candidat s'est déjà retiré"),
    )


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


def _by_rank(wishes: tuple[Wish, ...]) -> tuple[Wish, ...]:
    return tuple(sorted(wishes, key=lambda w: w.rank))
