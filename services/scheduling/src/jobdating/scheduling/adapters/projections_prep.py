"""The read model of the preparation pathway's events (called by `projections.apply`, same transaction):
seats given back, sessions called off, individual interviews."""

from __future__ import annotations

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.scheduling import (
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
        case CandidateUnenrolledFromWorkshop() as e:
            tx.execute(
                "DELETE FROM sched_workshop_seat WHERE workshop_id = ? AND candidate_id = ?",
                (e.workshop_id, e.candidate_id),
            )
            tx.execute(
                "UPDATE sched_workshop SET enrolled = enrolled - 1 WHERE workshop_id = ?", (e.workshop_id,)
            )
        case WorkshopCancelled() as e:
            tx.execute("INSERT INTO sched_workshop_cancelled (workshop_id) VALUES (?)", (e.workshop_id,))
        case CounsellingInterviewBooked() | CounsellingInterviewCancelled():
            apply_counselling(tx, "sched_counselling", event, ts)
