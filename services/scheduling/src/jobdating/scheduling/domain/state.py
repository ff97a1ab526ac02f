"""What the decisions need to know, folded from scheduling's own streams."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.scheduling import Break, CancelReason, Outcome, SecondPlace, SiteWindow, SlotKind

SlotStatus = Literal["none", "assigned", "cancelled", "completed"]


class Pairing(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """A (candidate, company) pair the coordinator pinned or forbade."""

    candidate_id: str
    company_id: str


class CompanyDelay(msgspec.Struct, frozen=True, kw_only=True):
    """A late company and when it arrives."""

    company_id: str
    arrives_at: datetime


class CompanyDeparture(msgspec.Struct, frozen=True, kw_only=True):
    """A company that left the job dating, and when."""

    company_id: str
    at: datetime


class CompanyChoices(msgspec.Struct, frozen=True, kw_only=True):
    """A company's own wishes about the candidates of a job dating: `ranked` best first, and `must_meet`."""

    company_id: str
    ranked: tuple[str, ...] = ()
    must_meet: tuple[str, ...] = ()


class JobDatingState(msgspec.Struct, frozen=True, kw_only=True):
    """A job dating as its own stream tells it; `planned` is False until JobDatingPlanned."""

    job_dating_id: str = ""
    planned: bool = False
    title: str = ""
    days: tuple[date, ...] = ()
    site_windows: tuple[SiteWindow, ...] = ()
    interview_minutes: int = 0
    buffer_minutes: int = 0
    breaks: tuple[Break, ...] = ()
    max_interviews_per_candidate: int = 0
    freeze_at: datetime | None = None
    timezone: str = "Europe/Paris"
    pins: tuple[Pairing, ...] = ()
    forbids: tuple[Pairing, ...] = ()
    frozen: bool = False
    published_plan_id: str | None = None
    delays: tuple[CompanyDelay, ...] = ()
    departures: tuple[CompanyDeparture, ...] = ()
    choices: tuple[CompanyChoices, ...] = ()

    @property
    def published(self) -> bool:
        """Whether a plan was published (from then on, only repairs change it)."""
        return self.published_plan_id is not None

    def frozen_at(self, now: datetime) -> bool:
        """Frozen by the coordinator, or past its freeze deadline."""
        return self.frozen or (self.freeze_at is not None and now >= self.freeze_at)

    @property
    def first_day(self) -> date | None:
        """The first of its days (None before it is planned)."""
        return min(self.days, default=None)

    def begun(self, now: datetime) -> bool:
        """Its first day has come, in its own time zone: from then on candidates check in or are marked
        absent (an outcome waits for its own interview to begin, which is later still)."""
        first = self.first_day
        return first is not None and now.astimezone(ZoneInfo(self.timezone)).date() >= first

    @property
    def site_ids(self) -> tuple[str, ...]:
        """The sites taking part, in the order of their first window."""
        return tuple(dict.fromkeys(w.site_id for w in self.site_windows))

    def arrival(self, company_id: str) -> datetime | None:
        """When a late company arrives (None when it is not late)."""
        return next((d.arrives_at for d in self.delays if d.company_id == company_id), None)

    def departure(self, company_id: str) -> datetime | None:
        """When a company left (None while it takes part)."""
        return next((d.at for d in self.departures if d.company_id == company_id), None)


class Appointment(msgspec.Struct, frozen=True, kw_only=True):
    """What is held from `starts_at` to `ends_at` (UTC): an interview slot, a workshop session, an individual
    interview; both are None until its stream says when."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None

    def started(self, now: datetime) -> bool:
        """It has begun (it runs or is over): it is no longer changed nor called off."""
        return self.starts_at is not None and self.starts_at <= now


class SlotState(Appointment, frozen=True, kw_only=True):
    """An interview slot as its own stream tells it; `version` is its stream version."""

    slot_id: str = ""
    status: SlotStatus = "none"
    version: int = 0
    job_dating_id: str = ""
    candidate_id: str = ""
    company_id: str = ""
    site_id: str = ""
    computer_id: str | None = None
    kind: SlotKind = "interview"
    wish_rank: int | None = None
    cancel_reason: CancelReason | None = None
    outcome: Outcome | None = None
    # Where a second interview takes place (SlotAssigned v2): a moved interview keeps its place.
    place: SecondPlace = "site"
    address: str | None = None

    @property
    def active(self) -> bool:
        """Assigned and neither cancelled nor completed: it still takes a computer and people's time."""
        return self.status == "assigned"


class AttendanceState(msgspec.Struct, frozen=True, kw_only=True):
    """A candidate's presence on the day of one job dating."""

    checked_in_at: datetime | None = None
    site_id: str | None = None
    no_show: bool = False


class WorkshopState(Appointment, frozen=True, kw_only=True):
    """A workshop session as its own stream tells it; `scheduled` is False until WorkshopScheduled."""

    workshop_id: str = ""
    scheduled: bool = False
    job_dating_id: str = ""
    site_id: str = ""
    room_id: str = ""
    capacity: int = 0
    coach_ids: tuple[str, ...] = ()
    coach_orgs: tuple[str, ...] = ()
    enrolled: tuple[str, ...] = ()
    attendance_recorded: bool = False
    cancelled: bool = False
