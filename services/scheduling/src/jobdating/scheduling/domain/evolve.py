"""How each event changes a job dating, a slot, an attendance or a workshop: pure folds."""

from __future__ import annotations

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened
from jobdating.contracts.scheduling import (
    CandidateArrivedLate,
    CandidateCheckedIn,
    CandidateEnrolledInWorkshop,
    CandidateMarkedNoShow,
    CandidateUnenrolledFromWorkshop,
    CompanyDelayed,
    CompanyLeft,
    CompanyRankedCandidates,
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
    WorkshopCancelled,
    WorkshopScheduled,
)
from jobdating.scheduling.domain.state import (
    AttendanceState,
    CompanyChoices,
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
            return opened(JobDatingState, event, planned=True)
        case PairingPinned() | PairingForbidden() | PairingReleased():
            return _adjusted(state, event)
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
        case CompanyRankedCandidates():
            # A company's new choices replace its earlier ones; kept in company order for the fingerprint.
            kept = [c for c in state.choices if c.company_id != event.company_id]
            if event.ranked or event.must_meet:
                mine = CompanyChoices(
                    company_id=event.company_id, ranked=event.ranked, must_meet=event.must_meet
                )
                kept.append(mine)
            return replace(state, choices=tuple(sorted(kept, key=lambda c: c.company_id)))
    return state


def _adjusted(
    state: JobDatingState, event: PairingPinned | PairingForbidden | PairingReleased
) -> JobDatingState:
    """A pairing pinned or forbidden joins its set (kept sorted); a released one leaves both."""
    pair = Pairing(candidate_id=event.candidate_id, company_id=event.company_id)
    match event:
        case PairingPinned():
            return replace(state, pins=tuple(sorted({*state.pins, pair})))
        case PairingForbidden():
            return replace(state, forbids=tuple(sorted({*state.forbids, pair})))
    return replace(
        state,
        pins=tuple(p for p in state.pins if p != pair),
        forbids=tuple(p for p in state.forbids if p != pair),
    )


def evolve_slot(state: SlotState, event: Event) -> SlotState:
    """The slot after `event`."""
    version = state.version + 1
    match event:
        case SlotAssigned():
            return opened(SlotState, event, status="assigned", version=version)
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
        case CandidateArrivedLate():
            return replace(state, no_show=False, checked_in_at=event.at, site_id=event.site_id)
    return state


def evolve_workshop(state: WorkshopState, event: Event) -> WorkshopState:
    """The workshop session after `event`."""
    match event:
        case WorkshopScheduled():
            return opened(WorkshopState, event, scheduled=True)
        case CandidateEnrolledInWorkshop():
            return replace(state, enrolled=(*state.enrolled, event.candidate_id))
        case WorkshopAttendanceRecorded():
            return replace(state, attendance_recorded=True)
        case CandidateUnenrolledFromWorkshop():
            return replace(state, enrolled=tuple(c for c in state.enrolled if c != event.candidate_id))
        case WorkshopCancelled():
            return replace(state, cancelled=True)
    return state
