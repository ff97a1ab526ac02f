"""What people ask scheduling to do: imperative, small, frozen. Times are timezone-aware."""

from __future__ import annotations

from datetime import datetime

import msgspec

from jobdating.contracts.scheduling import JobDatingSetUp, Outcome, SecondPlace


class PlanJobDating(JobDatingSetUp, frozen=True, kw_only=True):
    """A coordinator sets up a job dating: its days, where and when, and the rules of its schedule (the
    fields `JobDatingPlanned` records once they are checked)."""


class JobDatingCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A command about one job dating as a whole."""

    job_dating_id: str


class CandidateCommand(JobDatingCommand, frozen=True, kw_only=True):
    """A command about one candidate of a job dating."""

    candidate_id: str


class CompanyCommand(JobDatingCommand, frozen=True, kw_only=True):
    """A command about one company of a job dating."""

    company_id: str


class PairingCommand(CandidateCommand, frozen=True, kw_only=True):
    """An adjustment of one (candidate, company) pairing of a job dating: pin, forbid or release it."""

    company_id: str


class PinPairing(PairingCommand, frozen=True, kw_only=True):
    """This candidate must meet this company."""


class ForbidPairing(PairingCommand, frozen=True, kw_only=True):
    """This candidate must not meet this company."""


class ReleasePairing(PairingCommand, frozen=True, kw_only=True):
    """Lift the pin or the ban on this pairing."""


class FreezeJobDating(JobDatingCommand, frozen=True, kw_only=True):
    """Freeze the plan before its deadline."""


class PublishPlan(JobDatingCommand, frozen=True, kw_only=True):
    """Publish a provisional plan: every interview becomes a slot people are told about."""

    plan_id: str


class DelayCompany(CompanyCommand, frozen=True, kw_only=True):
    """A company is late: it interviews from `arrives_at` on."""

    arrives_at: datetime


class RecordCompanyLeft(CompanyCommand, frozen=True, kw_only=True):
    """A company leaves the job dating now."""

    reason: str


class CandidateAtSite(CandidateCommand, frozen=True, kw_only=True):
    """A candidate arriving at one of the job dating's sites."""

    site_id: str


class CheckIn(CandidateAtSite, frozen=True, kw_only=True):
    """A candidate arrived at their site."""


class RecordLateArrival(CandidateAtSite, frozen=True, kw_only=True):
    """A candidate marked absent arrived after all: the no-show is undone."""


class MarkNoShow(CandidateCommand, frozen=True, kw_only=True):
    """A candidate did not come: their remaining interviews are cancelled."""


class RecordOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The recruiter says how an interview went."""

    slot_id: str
    outcome: Outcome


class ScheduleSecondInterview(msgspec.Struct, frozen=True, kw_only=True):
    """Book a second interview after a first one whose outcome asked for it."""

    first_slot_id: str
    slot_id: str
    starts_at: datetime
    computer_id: str | None = None
    place: SecondPlace = "site"
    address: str | None = None
    video_link: str | None = None


class Coach(msgspec.Struct, frozen=True, kw_only=True):
    """A coach running a workshop (their account id), and the partner organisation they work for (empty:
    their account's, which decides anyway)."""

    coach_id: str
    org: str = ""


class WorkshopCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A command about one workshop session, which it names first."""

    workshop_id: str


class ScheduleWorkshop(WorkshopCommand, frozen=True, kw_only=True):
    """A collective preparation session in a site's room, run by two coaches of two organisations."""

    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    coaches: tuple[Coach, ...]
    capacity: int | None = None


class EnrolInWorkshop(WorkshopCommand, frozen=True, kw_only=True):
    """Give a candidate a seat in a workshop session; a session at another site than the candidate's needs
    the coordination's `override_reason`."""

    candidate_id: str
    override_reason: str | None = None


class UnenrolFromWorkshop(WorkshopCommand, frozen=True, kw_only=True):
    """Give a candidate's seat back before the session."""

    candidate_id: str


class CancelWorkshop(WorkshopCommand, frozen=True, kw_only=True):
    """Call a session off; the candidates enrolled are told."""


class RecordWorkshopAttendance(WorkshopCommand, frozen=True, kw_only=True):
    """Who came to a workshop session, and who did not."""

    present: tuple[str, ...]
    absent: tuple[str, ...]
