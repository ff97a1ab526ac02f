"""The decisions of the day itself: check-in, no-shows and late arrivals. What happens to the interviews
then (outcomes, second interviews) is in `interviews`."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, TypedDict
from zoneinfo import ZoneInfo

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import CandidateArrivedLate, CandidateCheckedIn, CandidateMarkedNoShow
from jobdating.scheduling.domain.calendar import local_text
from jobdating.scheduling.domain.commands import CandidateAtSite, CheckIn, MarkNoShow, RecordLateArrival
from jobdating.scheduling.domain.errors import Conflict, NotFound
from jobdating.scheduling.domain.facts import CandidateFacts, SiteFacts
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE, must_exist
from jobdating.scheduling.domain.interviews import record_outcome, schedule_second_interview
from jobdating.scheduling.domain.permissions import Actor, may_run_site
from jobdating.scheduling.domain.state import AttendanceState, JobDatingState

# The day's decisions, read from one place by the handlers and their tests.
__all__ = [
    "Presence",
    "check_in",
    "mark_no_show",
    "record_late_arrival",
    "record_outcome",
    "schedule_second_interview",
]


class Presence(NamedTuple):
    """What a decision about a candidate's presence on the day reads: their attendance so far, the job
    dating, and what scheduling knows of the candidate and of the site (None when unknown)."""

    attendance: AttendanceState
    job_dating: JobDatingState
    candidate: CandidateFacts | None
    site: SiteFacts | None


def check_in(command: CheckIn, presence: Presence, actor: Actor, now: datetime) -> list[Event]:
    """A candidate arrives at their site, once, from the job dating's first day; a candidate marked absent
    arrives late instead (`record_late_arrival`)."""
    attendance, job_dating, candidate, site = presence
    arriving = _arriving(command, job_dating, actor, candidate, site, now)
    if attendance.no_show:
        raise Conflict.on(
            "candidate_id",
            "ce candidat a été déclaré absent : enregistrez son arrivée en retard "
            "pour lui rendre ses entretiens",
        )
    _not_arrived_yet(attendance, job_dating)
    return [CandidateCheckedIn(**_arrival(job_dating, arriving, command), at=now)]


def record_late_arrival(
    command: RecordLateArrival, presence: Presence, actor: Actor, now: datetime
) -> list[Event]:
    """A candidate marked absent arrives after all: the no-show is undone and they are checked in now (the
    repair then gives back their interviews still to come). Only for a candidate marked absent."""
    attendance, job_dating, candidate, site = presence
    arriving = _arriving(command, job_dating, actor, candidate, site, now)
    _not_arrived_yet(attendance, job_dating)
    if not attendance.no_show:
        raise Conflict.on(
            "candidate_id", "ce candidat n'a pas été déclaré absent : enregistrez simplement son arrivée"
        )
    return [CandidateArrivedLate(**_arrival(job_dating, arriving, command), at=now)]


def _arrival(job_dating: JobDatingState, candidate_id: str, command: CandidateAtSite) -> _Arrival:
    return {
        "job_dating_id": job_dating.job_dating_id,
        "candidate_id": candidate_id,
        "site_id": command.site_id,
    }


class _Arrival(TypedDict):
    job_dating_id: str
    candidate_id: str
    site_id: str


def _arriving(
    command: CandidateAtSite,
    job_dating: JobDatingState,
    actor: Actor,
    candidate: CandidateFacts | None,
    site: SiteFacts | None,
    now: datetime,
) -> str:
    """Who arrives, once the site host may record it there and then."""
    _published(job_dating)
    if site is None or command.site_id not in job_dating.site_ids:
        raise NotFound.on("site_id", "ce site ne participe pas à ce job dating")
    may_run_site(actor, site.host_org, "site_id")
    _begun(job_dating, now)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    if candidate.site_id != command.site_id:
        raise Conflict.on("site_id", "ce candidat est attendu sur un autre site : celui qu'il a choisi")
    return candidate.candidate_id


def _not_arrived_yet(attendance: AttendanceState, job_dating: JobDatingState) -> None:
    if attendance.checked_in_at is not None:
        zone = ZoneInfo(job_dating.timezone)
        raise Conflict.on(
            "candidate_id", f"ce candidat est déjà arrivé, à {local_text(attendance.checked_in_at, zone)}"
        )


def mark_no_show(command: MarkNoShow, presence: Presence, actor: Actor, now: datetime) -> list[Event]:
    """A candidate did not come: recorded once, from the job dating's first day, never after they
    checked in."""
    attendance, job_dating, candidate, site = presence
    _published(job_dating)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    if site is None or candidate.site_id not in job_dating.site_ids:
        raise Conflict.on("candidate_id", "le site choisi par ce candidat ne participe pas à ce job dating")
    may_run_site(actor, site.host_org, "candidate_id")
    _begun(job_dating, now)
    if attendance.checked_in_at is not None:
        zone = ZoneInfo(job_dating.timezone)
        raise Conflict.on(
            "candidate_id", f"ce candidat est arrivé à {local_text(attendance.checked_in_at, zone)}"
        )
    if attendance.no_show:
        raise Conflict.on("candidate_id", "ce candidat est déjà déclaré absent")
    return [
        CandidateMarkedNoShow(
            job_dating_id=job_dating.job_dating_id, candidate_id=candidate.candidate_id, site_id=site.site_id
        )
    ]


def _published(job_dating: JobDatingState) -> None:
    must_exist(job_dating)
    if not job_dating.published:
        raise Conflict.on("job_dating_id", "le plan de ce job dating n'est pas encore publié")


def _begun(job_dating: JobDatingState, now: datetime) -> None:
    """The day is run once it has come: before, a check-in or a no-show would count or cancel too early."""
    first = job_dating.first_day
    if first is not None and not job_dating.begun(now):
        raise Conflict.on(
            "job_dating_id", f"le job dating n'a pas encore commencé : il commence le {first:%d/%m/%Y}"
        )
