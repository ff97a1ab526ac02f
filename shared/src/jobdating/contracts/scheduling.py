"""Events published by the scheduling service: job datings, published interview slots, the day itself.

Each interview slot is its own stream (`slot`), so its stream version is the number of times it changed:
notifications use it as the calendar SEQUENCE of the invitation. A provisional plan is not an event: only
publication turns it into `SlotAssigned` events, the first thing anyone is told.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar, Final, Literal
from urllib.parse import urlsplit

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY
from jobdating.contracts.windows import DayWindow

SERVICE = "scheduling"
JOB_DATING = "job_dating"
SLOT = "slot"
ATTENDANCE = "attendance"
WORKSHOP = "workshop"
COUNSELLING = "counselling_interview"

SlotKind = Literal["interview", "second_interview"]
SecondPlace = Literal["site", "premises", "video"]
# A video second interview's `video_link` when the company sends its own link to the candidate later.
VIDEO_LINK_SENT_BY_COMPANY = "lien envoyé par l'entreprise"


def company_video_link(link: str) -> bool:
    """Whether a company's own video link (a `video` second interview) is one people may be sent to: an
    https address with a host and no credentials or spaces (scheduling refuses others; notifications
    send none)."""
    if link == VIDEO_LINK_SENT_BY_COMPANY:
        return True
    parts = urlsplit(link)
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not any(c.isspace() for c in link)
    )


CancelReason = Literal[
    "candidate_withdrew",
    "candidate_changed",
    "no_show",
    "company_left",
    "company_late",
    "company_changed",
    "computer_broken",
    "site_closed",
    "coordinator",
]
# Why an interview was cancelled, when neither the candidate nor their registration was the cause, as their
# counsellor reads it: the console's call list and notifications' message to the counsellor say it alike.
COUNSELLOR_CANCEL_WORDS: Final[dict[str, str]] = {
    "company_left": "l'entreprise ne vient plus",
    "company_late": "l'entreprise a un empêchement",
    "company_changed": "l'entreprise a changé ses horaires",
    "computer_broken": "panne de matériel",
    "site_closed": "le lieu est fermé",
    "coordinator": "décision de la coordination",
}
Outcome = Literal["second_interview", "hired", "not_retained", "no_show"]
ManualChange = Literal["added", "moved", "cancelled"]


class SiteWindow(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """When a site hosts interviews on one day (local time)."""

    site_id: str
    day: date
    start: time
    end: time


class Break(DayWindow, frozen=True, kw_only=True, gc=False):
    """A time on a day when no interview runs."""


class _JobDatingEvent(Event, frozen=True, kw_only=True):
    """An event of a job dating's own stream: its id comes first."""

    stream_type: ClassVar[str] = JOB_DATING

    job_dating_id: str


class _PairingEvent(_JobDatingEvent, frozen=True, kw_only=True):
    """A coordinator's decision about one (candidate, company) pairing of a job dating."""

    candidate_id: str
    company_id: str


class _CompanyInJobDatingEvent(_JobDatingEvent, frozen=True, kw_only=True):
    """What became of one company taking part in a job dating."""

    company_id: str


class _SlotEvent(Event, frozen=True, kw_only=True):
    """An event of an interview slot's stream: whose interview it is comes first."""

    stream_type: ClassVar[str] = SLOT

    job_dating_id: str
    slot_id: str
    candidate_id: str
    company_id: str


class _SlotPlaced(_SlotEvent, frozen=True, kw_only=True):
    """A slot event that says where and when the interview now takes place."""

    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime


class _AttendanceEvent(Event, frozen=True, kw_only=True):
    """An event of a candidate's attendance on the day, at their site."""

    stream_type: ClassVar[str] = ATTENDANCE

    job_dating_id: str
    candidate_id: str
    site_id: str


class _WorkshopEvent(Event, frozen=True, kw_only=True):
    """An event of a workshop session's stream: its id comes first."""

    stream_type: ClassVar[str] = WORKSHOP

    workshop_id: str


class JobDatingSetUp(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A job dating's days, sites' windows and the rules of its schedule, field for field what a
    coordinator asks for (scheduling's `PlanJobDating` command) and what `JobDatingPlanned` then says."""

    job_dating_id: str
    title: str
    days: tuple[date, ...]
    site_windows: tuple[SiteWindow, ...]
    interview_minutes: int
    buffer_minutes: int
    breaks: tuple[Break, ...] = ()
    max_interviews_per_candidate: int = 5
    freeze_at: datetime | None = None
    timezone: str = "Europe/Paris"


@REGISTRY.register
class JobDatingPlanned(Event, JobDatingSetUp, frozen=True, kw_only=True):
    """A coordinator planned a job dating: its days, sites' windows and the rules of its schedule."""

    stream_type: ClassVar[str] = JOB_DATING


@REGISTRY.register
class PlanPublished(_JobDatingEvent, frozen=True, kw_only=True):
    """The coordinator published the plan: its SlotAssigned events follow on the slots' streams."""

    plan_id: str
    slots: int
    solver_status: str
    upper_bound: int


@REGISTRY.register
class SlotAssigned(_SlotPlaced, frozen=True, kw_only=True):
    """An interview was given to a candidate: company, site, computer, time and its own video link.

    `place` (v2): where a second interview happens: on a computer of the candidate's site (`site`, like
    every first interview), at the company's premises (`premises`: `address` says where, no computer), or
    by video from anywhere (`video`: `video_link` is the company's link or says the company sends it)."""

    schema_version: ClassVar[int] = 2

    video_link: str
    kind: SlotKind = "interview"
    wish_rank: int | None = None
    from_waiting_list: bool = False
    place: SecondPlace = "site"
    address: str | None = None


@REGISTRY.upcaster("SlotAssigned", 1)
def _slot_assigned_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "place": "site", "address": None}  # before v2 every interview was on a site computer


@REGISTRY.register
class SlotAssignedV1(_SlotPlaced, frozen=True, kw_only=True):
    """Version 1 of SlotAssigned, kept to read old logs; upcast to v2 on read."""

    event_type: ClassVar[str] = "SlotAssigned"

    video_link: str
    kind: SlotKind = "interview"
    wish_rank: int | None = None
    from_waiting_list: bool = False


@REGISTRY.register
class SlotMoved(_SlotPlaced, frozen=True, kw_only=True):
    """An interview changed computer or time (a repair); the people concerned must be told."""

    previous_computer_id: str | None
    previous_starts_at: datetime
    reason: CancelReason


@REGISTRY.register
class SlotCancelled(_SlotEvent, frozen=True, kw_only=True):
    """An interview will not take place; `reason` says why in a word the templates can explain."""

    reason: CancelReason


@REGISTRY.register
class InterviewCompleted(_SlotEvent, frozen=True, kw_only=True):
    """The recruiter recorded the outcome of an interview."""

    outcome: Outcome


INTERVIEW_NOTE_LENGTH: Final = 500
NoteAuthor = Literal["counsellor", "recruiter", "coordinator"]


@REGISTRY.register
class InterviewNoteWritten(_SlotEvent, frozen=True, kw_only=True):
    """A short note on an interview, by a counsellor of the candidate's referring organisation, a recruiter
    of the interview's company or the coordination; `author_org` and `author_role` say for whom it was
    written: only that organisation (and the coordination) reads it. Like the profile's note
    (`CandidateNoteWritten`) it is not sealed, so scheduling refuses in it what would reach the person
    (contact details, links, numbers) and anything longer than `INTERVIEW_NOTE_LENGTH`."""

    note_id: str
    author_org: str
    author_role: NoteAuthor
    note: str


@REGISTRY.register
class CandidateCheckedIn(_AttendanceEvent, frozen=True, kw_only=True):
    """A candidate arrived at their site on the day."""

    at: datetime


@REGISTRY.register
class CandidateMarkedNoShow(_AttendanceEvent, frozen=True, kw_only=True):
    """A candidate did not come; their remaining interviews are cancelled by the repair."""


@REGISTRY.register
class CandidateArrivedLate(_AttendanceEvent, frozen=True, kw_only=True):
    """A candidate marked absent did come after all: the no-show is undone and they are checked in at `at`;
    the repair gives back their interviews still to come."""

    at: datetime


WaitingReason = Literal["registered_after_publication", "late_arrival"]


@REGISTRY.register
class CandidateWaitlisted(_AttendanceEvent, frozen=True, kw_only=True):
    """A candidate who joined after the plan was published (a late registration, a walk-in) or a late
    arrival got no interview where capacity was free: they wait at their site from `at` for a slot to free
    up. They leave the list with their first slot (`SlotAssigned` with `from_waiting_list`)."""

    reason: WaitingReason
    at: datetime


@REGISTRY.register
class WorkshopScheduled(_WorkshopEvent, frozen=True, kw_only=True):
    """A collective preparation workshop in a site's room, run by two coaches from two partner orgs."""

    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    coach_ids: tuple[str, str]
    coach_orgs: tuple[str, str]


@REGISTRY.register
class CandidateEnrolledInWorkshop(_WorkshopEvent, frozen=True, kw_only=True):
    """A candidate has a seat in a workshop session."""

    candidate_id: str


@REGISTRY.register
class WorkshopAttendanceRecorded(_WorkshopEvent, frozen=True, kw_only=True):
    """The coaches recorded who attended a workshop session."""

    present: tuple[str, ...]
    absent: tuple[str, ...]


@REGISTRY.register
class PairingPinned(_PairingEvent, frozen=True, kw_only=True):
    """The coordinator wants this candidate to meet this company: the plan must hold their interview."""


@REGISTRY.register
class PairingForbidden(_PairingEvent, frozen=True, kw_only=True):
    """The coordinator does not want this candidate to meet this company (e.g. a former employer)."""


@REGISTRY.register
class PairingReleased(_PairingEvent, frozen=True, kw_only=True):
    """A pin or a ban on a (candidate, company) pairing was lifted: the planner decides freely again."""


@REGISTRY.register
class JobDatingFrozen(_JobDatingEvent, frozen=True, kw_only=True):
    """The coordinator froze the plan before its deadline: from now on it changes only by repairs."""


@REGISTRY.register
class CompanyDelayed(_CompanyInJobDatingEvent, frozen=True, kw_only=True):
    """A company is late on the day: it interviews from `arrives_at` only; earlier slots are repaired."""

    arrives_at: datetime


@REGISTRY.register
class CompanyLeft(_CompanyInJobDatingEvent, frozen=True, kw_only=True):
    """A company left this job dating at `at` (on the day, or before): its remaining slots are cancelled."""

    at: datetime
    reason: str


class OverriddenRule(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A rule of the plan the coordinator chose to break: its code (the planner checker's) and what the
    checker said, in French (times and ids only, never a person's name)."""

    rule: str
    says: str


@REGISTRY.register
class InterviewChangedByHand(_JobDatingEvent, frozen=True, kw_only=True):
    """The coordinator added, moved or cancelled one interview by hand, for `reason` (staff's words about
    the change, like a company's reason for leaving). `forced`: the checker refused it and the coordinator
    overrode the rules in `overridden`. The slot's own event (SlotAssigned, SlotMoved or SlotCancelled,
    reason `coordinator`) follows, caused by this one."""

    slot_id: str
    change: ManualChange
    candidate_id: str
    company_id: str
    reason: str
    forced: bool = False
    overridden: tuple[OverriddenRule, ...] = ()


@REGISTRY.register
class CompanyRankedCandidates(_CompanyInJobDatingEvent, frozen=True, kw_only=True):
    """A company (its recruiter, or the coordination on its behalf) ranked, among the candidates of a job
    dating who wished for it, those it prefers (`ranked`, best first) and marked those it must meet
    (`must_meet`); this replaces its earlier choices for that job dating (both empty: it withdrew them).
    The company saw anonymous profiles only: its choices travel as pseudonymous candidate ids."""

    ranked: tuple[str, ...] = ()
    must_meet: tuple[str, ...] = ()


# The preparation pathway: workshops' changes and the individual interview with a counsellor.


@REGISTRY.register
class WorkshopEnrolmentOverridden(_WorkshopEvent, frozen=True, kw_only=True):
    """The coordination enrolled a candidate at a workshop of another site than theirs, for this reason
    (recorded just before the enrolment it allows, so that the audit shows why)."""

    candidate_id: str
    candidate_site_id: str
    reason: str


@REGISTRY.register
class CandidateUnenrolledFromWorkshop(_WorkshopEvent, frozen=True, kw_only=True):
    """A candidate gave their seat back before the session began."""

    candidate_id: str


@REGISTRY.register
class WorkshopCancelled(_WorkshopEvent, frozen=True, kw_only=True):
    """A session will not take place; `candidate_ids` are those enrolled then, who are told."""

    job_dating_id: str
    candidate_ids: tuple[str, ...]


class _CounsellingEvent(Event, frozen=True, kw_only=True):
    """An event of an individual interview's stream (a candidate and their counsellor, before the day)."""

    stream_type: ClassVar[str] = COUNSELLING

    interview_id: str
    job_dating_id: str
    candidate_id: str
    counsellor_id: str


@REGISTRY.register
class CounsellingInterviewBooked(_CounsellingEvent, frozen=True, kw_only=True):
    """A candidate meets their counsellor (an account id) at the candidate's site, at a time both are free."""

    counsellor_org: str
    site_id: str
    starts_at: datetime
    ends_at: datetime


@REGISTRY.register
class CounsellingInterviewCancelled(_CounsellingEvent, frozen=True, kw_only=True):
    """An individual interview will not take place; the candidate is told."""
