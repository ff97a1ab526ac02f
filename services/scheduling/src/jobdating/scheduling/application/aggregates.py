"""Scheduling's stream types: their initial states and folds."""

from __future__ import annotations

from jobdating.runtime.commands import Aggregate
from jobdating.scheduling.domain.counselling import CounsellingState, evolve_counselling
from jobdating.scheduling.domain.evolve import (
    evolve_attendance,
    evolve_job_dating,
    evolve_slot,
    evolve_workshop,
)
from jobdating.scheduling.domain.state import AttendanceState, JobDatingState, SlotState, WorkshopState

JOB_DATINGS: Aggregate[JobDatingState] = Aggregate(JobDatingState, evolve_job_dating)
SLOTS: Aggregate[SlotState] = Aggregate(SlotState, evolve_slot)
ATTENDANCE: Aggregate[AttendanceState] = Aggregate(AttendanceState, evolve_attendance)
WORKSHOPS: Aggregate[WorkshopState] = Aggregate(WorkshopState, evolve_workshop)
COUNSELLING: Aggregate[CounsellingState] = Aggregate(CounsellingState, evolve_counselling)


def attendance_stream(job_dating_id: str, candidate_id: str) -> str:
    """One attendance stream per candidate and job dating; a name safe as a NATS subject token."""
    return f"{job_dating_id}_{candidate_id}"
