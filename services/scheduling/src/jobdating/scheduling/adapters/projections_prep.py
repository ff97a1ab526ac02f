"""The read model of the preparation pathway's events (called by `projections.apply`, same transaction):
seats taken and given back, sessions called off, individual interviews."""

from __future__ import annotations

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    CandidateUnenrolledFromWorkshop,
    CounsellingInterviewBooked,
    CounsellingInterviewCancelled,
    WorkshopCancelled,
)
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.counselling import apply_counselling
from jobdating.scheduling.application.instants import ts


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply a preparation event; any other event changes nothing here."""
    match event.data:
        case CandidateEnrolledInWorkshop() | CandidateUnenrolledFromWorkshop() as e:
            _seat(tx, e)
        case WorkshopCancelled() as e:
            tx.execute("INSERT INTO sched_workshop_cancelled (workshop_id) VALUES (?)", (e.workshop_id,))
        case CounsellingInterviewBooked() | CounsellingInterviewCancelled():
            apply_counselling(tx, "sched_counselling", event, ts)


def _seat(tx: Transaction, e: CandidateEnrolledInWorkshop | CandidateUnenrolledFromWorkshop) -> None:
    """A seat taken or given back, and the session's count of enrolled candidates with it."""
    seat = (e.workshop_id, e.candidate_id)
    if isinstance(e, CandidateEnrolledInWorkshop):
        tx.execute(
            "INSERT INTO sched_workshop_seat (workshop_id, candidate_id, present) VALUES (?, ?, NULL)", seat
        )
        step = 1
    else:
        tx.execute("DELETE FROM sched_workshop_seat WHERE workshop_id = ? AND candidate_id = ?", seat)
        step = -1
    tx.execute(
        "UPDATE sched_workshop SET enrolled = enrolled + ? WHERE workshop_id = ?", (step, e.workshop_id)
    )
