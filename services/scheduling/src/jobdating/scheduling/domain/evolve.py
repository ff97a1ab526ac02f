"""How each event changes a job dating, a slot, an attendance or a workshop: pure folds."""

from __future__ import annotations

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateCheckedIn,
    CandidateEnrolledInWorkshop,
    CandidateMarkedNoShow,
    CompanyDelayed,
    CompanyLeft,
    InterviewCompleted,
    JobDatingFrozen,
    JobDatingPlanned,
    PairingForbidden,
    PairingPinned,
    PairingReleased,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopAttendanceRecorded,
    WorkshopScheduled,
)
from jobdating.scheduling.domain.state import (
    AttendanceState,
    CompanyDelay,
    CompanyDeparture,
    JobDatingState,
    Pairing,
    SlotState,
    WorkshopState,
)

replace = msgspec.structs.replace


def evolve_job_dating(state: JobDatingState, event: Event) -> JobDatingState:
    """The job dating after `event`."""
    match event:
        case JobDatingPlanned():
            return JobDatingState(
                job_dating_id=event.job_dating_id,
                planned=True,
                title=event.title,
                days=event.days,
                site_windows=event.site_windows,
                interview_minutes=event.interview_minutes,
                buffer_minutes=event.buffer_minutes,
                breaks=event.breaks,
                max_interviews_per_candidate=event.max_interviews_per_candidate,
                freeze_at=event.freeze_at,
                timezone=event.timezone,
            )
        case PairingPinned():
            pair = Pairing(candidate_id=event.candidate_id, company_id=event.company_id)
            return replace(state, pins=tuple(sorted({*state.pins, pair})))
        case PairingForbidden():
            pair = Pairing(candidate_id=event.candidate_id, company_id=event.company_id)
            return replace(state, forbids=tuple(sorted({*state.forbids, pair})))
        case PairingReleased():
            pair = Pairing(candidate_id=event.candidate_id, company_id=event.company_id)
            return replace(
                state,
                pins=tuple(p for p in state.pins if p != pair),
                forbids=tuple(p for p in state.forbids if p != pair),
            )
        case JobDatingFrozen():
            return replace(state, frozen=True)
        case PlanPublished():
            return replace(state, published_plan_id=event.plan_id)
        case CompanyDelayed():
            others = tuple(d for d in state.delays if d.company_id != event.company_id)
            delay = CompanyDelay(company_id=event.company_id, arrives_at=event.arrives_at)
            return replace(state, delays=(*others, delay))
        case CompanyLeft():
            gone = CompanyDeparture(company_id=event.company_id, at=event.at)
            return replace(state, departures=(*state.departures, gone))
    return state


def evolve_slot(state: SlotState, event: Event) -> SlotState:
    """The slot after `event`."""
    version = state.version + 1
    match event:
        case SlotAssigned():
            return SlotState(
                slot_id=event.slot_id,
                status="assigned",
                version=version,
                job_dating_id=event.job_dating_id,
                candidate_id=event.candidate_id,
                company_id=event.company_id,
                site_id=event.site_id,
                computer_id=event.computer_id,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                kind=event.kind,
                wish_rank=event.wish_rank,
            )
        case SlotMoved():
            return replace(
                state,
                version=version,
                site_id=event.site_id,
                computer_id=event.computer_id,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
            )
        case SlotCancelled():
            return replace(state, version=version, status="cancelled", cancel_reason=event.reason)
        case InterviewCompleted():
            return replace(state, version=version, status="completed", outcome=event.outcome)
    return replace(state, version=version)


def evolve_attendance(state: AttendanceState, event: Event) -> AttendanceState:
    """The candidate's attendance after `event`."""
    match event:
        case CandidateCheckedIn():
            return replace(state, checked_in_at=event.at, site_id=event.site_id)
        case CandidateMarkedNoShow():
            return replace(state, no_show=True, site_id=event.site_id)
    return state


def evolve_workshop(state: WorkshopState, event: Event) -> WorkshopState:
    """The workshop session after `event`."""
    match event:
        case WorkshopScheduled():
            return WorkshopState(
                workshop_id=event.workshop_id,
                scheduled=True,
                job_dating_id=event.job_dating_id,
                site_id=event.site_id,
                room_id=event.room_id,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                capacity=event.capacity,
                coach_ids=event.coach_ids,
                coach_orgs=event.coach_orgs,
            )
        case CandidateEnrolledInWorkshop():
            return replace(state, enrolled=(*state.enrolled, event.candidate_id))
        case WorkshopAttendanceRecorded():
            return replace(state, attendance_recorded=True)
    return state
