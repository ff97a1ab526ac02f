"""Request bodies of the scheduling API (pydantic, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from jobdating.runtime.http import Body, LocalTime, Text


class SiteWindowIn(Body):
    site_id: Text
    day: date
    start: LocalTime
    end: LocalTime


class BreakIn(Body):
    day: date
    start: LocalTime
    end: LocalTime


class JobDatingIn(Body):
    """A job dating to plan; `job_dating_id` is generated when absent. Times without an offset are local
    times at the sites (the job dating's `timezone`)."""

    job_dating_id: Text | None = None
    title: Text
    days: list[date]
    site_windows: list[SiteWindowIn]
    interview_minutes: int = 20
    buffer_minutes: int = 10
    breaks: list[BreakIn] = []
    max_interviews_per_candidate: int = 5
    freeze_at: datetime | None = None
    timezone: Text | None = None


class PairingIn(Body):
    candidate_id: Text
    company_id: Text


class ComputePlanIn(Body):
    """How to compute a provisional plan: `greedy` (instant, no proof) or the configured engine."""

    engine: Literal["greedy", "highs", "cpsat"] | None = None
    time_limit: float | None = Field(
        default=None,
        description="délai en secondes : le plan revient dans ce délai (à 10 % près), avec son statut, "
        "sa borne prouvée et son écart à la borne",
    )


class PublishIn(Body):
    plan_id: Text


class LateIn(Body):
    """When the company arrives (local time at the sites when no offset is given)."""

    arrives_at: datetime


class ReasonIn(Body):
    reason: Text


class CheckInIn(Body):
    candidate_id: Text
    site_id: Text


class NoShowIn(Body):
    candidate_id: Text


class OutcomeIn(Body):
    outcome: Literal["second_interview", "hired", "not_retained", "no_show"]


class InterviewNoteIn(Body):
    """A short note on an interview (its length and content checked by scheduling, in French)."""

    note: str


class SecondInterviewIn(Body):
    """When the second interview starts (local time when no offset) and where: on a computer of the
    candidate's site (`site`: a free one is chosen when `computer_id` is absent), at the company's premises
    (`premises`: `address` required) or by video (`video`: the company's `video_link`, or it sends one)."""

    starts_at: datetime
    computer_id: Text | None = None
    place: Literal["site", "premises", "video"] = Field(
        default="site", description="site : ordinateur du site ; premises : locaux de l'entreprise ; video"
    )
    address: Text | None = Field(default=None, description="adresse des locaux de l'entreprise")
    video_link: Text | None = Field(default=None, description="lien de la visio, si l'entreprise le donne")


class CoachIn(Body):
    """A coach's account id; `org`, when given, must be their account's organisation."""

    coach_id: Text
    org: Text | None = None


class WorkshopIn(Body):
    """A workshop session; `capacity` defaults to the room's."""

    workshop_id: Text | None = None
    job_dating_id: Text
    site_id: Text
    room_id: Text
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    coaches: list[CoachIn]


class EnrolmentIn(Body):
    """A seat for a candidate; at another site than theirs, the coordination says why."""

    candidate_id: Text
    override_reason: Text | None = None


class WorkshopAttendanceIn(Body):
    present: list[Text] = []
    absent: list[Text] = []


class _ByHandIn(Body):
    """Why the coordinator changes the plan by hand (required: the audit shows it), and whether to
    override the rules the change breaks."""

    reason: Text = Field(
        description="la raison du changement, en quelques mots, sans nom ni coordonnées de personne"
    )
    force: bool = Field(default=False, description="passer outre les règles que le changement enfreint")


class AddInterviewIn(_ByHandIn):
    """A new interview; times without an offset are local times at the sites. The candidate's site and
    its first free computer are taken when `site_id` or `computer_id` are left out."""

    candidate_id: Text
    company_id: Text
    starts_at: datetime
    site_id: Text | None = None
    computer_id: Text | None = None


class MoveInterviewIn(_ByHandIn):
    """Where and when the interview moves; what is left out stays (the computer if it is free then)."""

    starts_at: datetime | None = None
    site_id: Text | None = None
    computer_id: Text | None = None


class CancelInterviewIn(_ByHandIn):
    pass
