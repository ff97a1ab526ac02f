"""Notifications' copy of the preparation pathway (called by `projections.apply_scheduling`, same
transaction): who holds a seat in which workshop, which sessions were called off, individual interviews.
Messages are judged against it when due: a convocation for a seat given back is not sent."""

from __future__ import annotations

from jobdating.contracts import scheduling
from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.counselling import apply_counselling
from jobdating.notifications.application.instants import ts


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply a preparation event; any other event changes nothing here."""
    match event.data:
        case scheduling.CandidateEnrolledInWorkshop() as e:
            tx.execute(
                "INSERT INTO notif_workshop_seat (workshop_id, candidate_id) VALUES (?, ?) "
                "ON CONFLICT (workshop_id, candidate_id) DO NOTHING",
                (e.workshop_id, e.candidate_id),
            )
        case scheduling.CandidateUnenrolledFromWorkshop() as e:
            tx.execute(
                "DELETE FROM notif_workshop_seat WHERE workshop_id = ? AND candidate_id = ?",
                (e.workshop_id, e.candidate_id),
            )
        case scheduling.WorkshopCancelled() as e:
            tx.execute(
                "INSERT INTO notif_workshop_cancelled (workshop_id) VALUES (?) ON CONFLICT (workshop_id) "
                "DO NOTHING",
                (e.workshop_id,),
            )
        case scheduling.CounsellingInterviewBooked() | scheduling.CounsellingInterviewCancelled():
            apply_counselling(tx, "notif_counselling", event, ts)
