"""What changes a workshop session after it was scheduled: a seat at another site than the candidate's
(the coordination's override, with its reason), a seat given back, the session called off."""

from __future__ import annotations

from datetime import datetime

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateUnenrolledFromWorkshop,
    WorkshopCancelled,
    WorkshopEnrolmentOverridden,
)
from jobdating.scheduling.domain.commands import CancelWorkshop, UnenrolFromWorkshop
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid, NotFound
from jobdating.scheduling.domain.facts import CandidateFacts
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE
from jobdating.scheduling.domain.permissions import Actor, may_enrol, may_run_workshop
from jobdating.scheduling.domain.state import WorkshopState

_UNKNOWN = "atelier inconnu"
_CANCELLED = "cet atelier est annulé"
_STARTED = "l'atelier a déjà commencé"


def elsewhere(
    reason: str | None, state: WorkshopState, actor: Actor, candidate: CandidateFacts
) -> list[Event]:
    """A seat at a session of another site than the candidate's: the coordination's decision, with a
    reason, since candidates far from work go to the site nearest home."""
    if reason is None:
        raise Conflict.on(
            "candidate_id",
            "ce candidat est rattaché à un autre site : seule la coordination peut l'inscrire ici, "
            "avec un motif",
        )
    if not actor.has("coordinator"):
        raise Forbidden.on("override_reason", "seule la coordination inscrit un candidat sur un autre site")
    if not reason.strip():
        raise Invalid.on("override_reason", "indiquez pourquoi ce candidat va sur un autre site")
    return [
        WorkshopEnrolmentOverridden(
            workshop_id=state.workshop_id,
            candidate_id=candidate.candidate_id,
            candidate_site_id=candidate.site_id,
            reason=reason.strip(),
        )
    ]


def unenrol(
    command: UnenrolFromWorkshop,
    state: WorkshopState,
    actor: Actor,
    candidate: CandidateFacts | None,
    now: datetime,
) -> list[Event]:
    """Give a seat back, before the session begins; whoever may enrol the candidate may do it."""
    if not state.scheduled:
        raise NotFound.on("workshop_id", _UNKNOWN)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    may_enrol(actor, candidate.referring_org, "candidate_id")
    if state.cancelled:
        raise Conflict.on("workshop_id", _CANCELLED)
    if candidate.candidate_id not in state.enrolled:
        raise Conflict.on("candidate_id", "ce candidat n'est pas inscrit à cet atelier")
    if state.started(now):
        raise Conflict.on("workshop_id", _STARTED)
    return [
        CandidateUnenrolledFromWorkshop(workshop_id=state.workshop_id, candidate_id=candidate.candidate_id)
    ]


def cancel(command: CancelWorkshop, state: WorkshopState, actor: Actor, now: datetime) -> list[Event]:
    """Call a session off before it begins; its coaches' organisations or the coordination may."""
    if not state.scheduled:
        raise NotFound.on("workshop_id", _UNKNOWN)
    may_run_workshop(actor, state.coach_orgs, "workshop_id")
    if state.cancelled:
        raise Conflict.on("workshop_id", "cet atelier est déjà annulé")
    if state.started(now):
        raise Conflict.on("workshop_id", _STARTED)
    return [
        WorkshopCancelled(
            workshop_id=state.workshop_id, job_dating_id=state.job_dating_id, candidate_ids=state.enrolled
        )
    ]
