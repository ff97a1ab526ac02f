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
