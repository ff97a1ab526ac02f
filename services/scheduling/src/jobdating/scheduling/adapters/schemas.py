"""Request bodies of the scheduling API (pydantic, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    # An unknown field is most often a typo: better refused than silently ignored.
    model_config = ConfigDict(extra="forbid")


class SiteWindowIn(_Body):
    site_id: str
    day: date
    start: time
    end: time


class BreakIn(_Body):
    day: date
    start: time
    end: time


class JobDatingIn(_Body):
    """A job dating to plan; `job_dating_id` is generated when absent. Times without an offset are local
    times at the sites (the job dating's `timezone`)."""

    job_dating_id: str | None = None
    title: str
    days: list[date]
    site_windows: list[SiteWindowIn]
    interview_minutes: int = 20
    buffer_minutes: int = 10
    breaks: list[BreakIn] = []
    max_interviews_per_candidate: int = 5
    freeze_at: datetime | None = None
    timezone: str | None = None


class PairingIn(_Body):
    candidate_id: str
    company_id: str


class ComputePlanIn(_Body):
    """How to compute a provisional plan: `greedy` (instant, no proof) or the configured engine."""

    engine: Literal["greedy", "highs", "cpsat"] | None = None
    time_limit: float | None = Field(default=None, description="secondes de calcul au plus")


class PublishIn(_Body):
    plan_id: str


class LateIn(_Body):
    """When the company arrives (local time at the sites when no offset is given)."""

    arrives_at: datetime


class ReasonIn(_Body):
    reason: str


class CheckInIn(_Body):
    candidate_id: str
    site_id: str


class NoShowIn(_Body):
    candidate_id: str


class OutcomeIn(_Body):
    outcome: Literal["second_interview", "hired", "not_retained", "no_show"]


class SecondInterviewIn(_Body):
    """When the second interview starts (local time when no offset); a free computer of the candidate's
    site is chosen when `computer_id` is absent."""

    starts_at: datetime
    computer_id: str | None = None


class CoachIn(_Body):
    coach_id: str
    org: str


class WorkshopIn(_Body):
    """A workshop session; `capacity` defaults to the room's."""

    workshop_id: str | None = None
    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    coaches: list[CoachIn]


class EnrolmentIn(_Body):
    candidate_id: str


class WorkshopAttendanceIn(_Body):
    present: list[str] = []
    absent: list[str] = []
