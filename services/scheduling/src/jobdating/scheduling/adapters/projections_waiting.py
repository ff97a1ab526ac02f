"""The sites' waiting lists in the read model (`sched_waiting`), kept from scheduling's own events.

A candidate joins with `CandidateWaitlisted` (the first time counts: joining again changes nothing) and
leaves with their first slot in the job dating (`SlotAssigned`, from the waiting list or not) or when
marked absent. A withdrawal is a registration fact: the query leaves withdrawn candidates out.
"""

from __future__ import annotations

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import CandidateMarkedNoShow, CandidateWaitlisted, SlotAssigned
from jobdating.eventstore.base import Transaction
from jobdating.scheduling.application.instants import ts


def apply(tx: Transaction, event: Event) -> None:
    """Apply one of scheduling's own events to the waiting lists (most change nothing here)."""
    match event:
        case CandidateWaitlisted() as e:
            tx.execute(
                "INSERT INTO sched_waiting (job_dating_id, candidate_id, site_id, reason, joined_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_dating_id, candidate_id) DO NOTHING",
                (e.job_dating_id, e.candidate_id, e.site_id, e.reason, ts(e.at)),
            )
        case SlotAssigned() | CandidateMarkedNoShow() as e:
            tx.execute(
                "DELETE FROM sched_waiting WHERE job_dating_id = ? AND candidate_id = ?",
                (e.job_dating_id, e.candidate_id),
            )
