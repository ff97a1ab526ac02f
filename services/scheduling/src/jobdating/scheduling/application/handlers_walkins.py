"""Candidates who join a published job dating: registered after publication, walking in on the day, or
arriving late with none of their interviews given back. Booked where capacity is free, else on their
site's waiting list; a walk-in is checked in at once. Run in the caller's transaction (a consumer's, with
its inbox row, or a command's)."""

from __future__ import annotations

from datetime import datetime

from jobdating.contracts.scheduling import WaitingReason
from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application import queries_waiting
from jobdating.scheduling.application.aggregates import ATTENDANCE, JOB_DATINGS, attendance_stream
from jobdating.scheduling.application.repairs import RepairReport, Repairs
from jobdating.scheduling.domain import disruptions, waiting


def join(w: UnitOfWork, repairs: Repairs, candidate_id: str, now: datetime, meta: Meta) -> list[RepairReport]:
    """A candidate registered after publication: in every published job dating of their site not over yet,
    booked where capacity is free, else on the site's waiting list."""
    read = known.in_tx(w.tx)
    candidate = known.candidate(read, candidate_id)
    if candidate is None or not candidate.active:
        return []
    reports: list[RepairReport] = []
    for job_dating_id in read_model.published_job_datings(read):
        if not waiting.takes_newcomers(w.fold(JOB_DATINGS, job_dating_id), candidate.site_id, now):
            continue
        joined = disruptions.candidate_joined(candidate_id)
        reports.append(repairs.run(w, job_dating_id, joined, now, meta))
        wait_unless_booked(w, job_dating_id, candidate_id, "registered_after_publication", now, meta)
    return reports


def wait_unless_booked(
    w: UnitOfWork, job_dating_id: str, candidate_id: str, reason: WaitingReason, now: datetime, meta: Meta
) -> list[StoredEvent]:
    """A candidate with wishes and no interview to come joins their site's waiting list (once)."""
    read = known.in_tx(w.tx)
    candidate = known.candidate(read, candidate_id)
    if candidate is None or not candidate.active or not candidate.wishes:
        return []  # nothing to wait for
    booked = any(
        s.candidate_id == candidate_id and s.starts_at is not None and s.starts_at >= now
        for s in read_model.active_slots(read, job_dating_id)
    )
    events = waiting.waitlist(
        w.fold(JOB_DATINGS, job_dating_id),
        candidate_id,
        candidate.site_id,
        reason,
        now,
        booked=booked,
        waiting=queries_waiting.is_waiting(read, job_dating_id, candidate_id),
    )
    return w.append(attendance_stream(job_dating_id, candidate_id), events, meta)


def check_in_walk_in(
    w: UnitOfWork, candidate_id: str, site_id: str, at: datetime, meta: Meta
) -> list[StoredEvent]:
    """A walk-in is checked in at their site in every published job dating running there today."""
    stored: list[StoredEvent] = []
    read = known.in_tx(w.tx)
    for job_dating_id in read_model.published_job_datings(read):
        stream = attendance_stream(job_dating_id, candidate_id)
        events = waiting.check_in_walk_in(
            w.fold(JOB_DATINGS, job_dating_id), w.fold(ATTENDANCE, stream), candidate_id, site_id, at
        )
        stored += w.append(stream, events, meta)
    return stored
