"""The individual interview: before the job dating, each candidate meets their counsellor at the
candidate's own site, at a time both are free; the system proposes the first free times, the counsellor
chooses one, and either may call it off.

Who books: a counsellor of the candidate's referring organisation, as themselves; that organisation's
administrator (`partner_admin`) or the coordination, for any counsellor of that organisation.

Why the organisation and not the candidate's own counsellor: scheduling cannot know who that is. Since
`CandidateRegistered` v3 registration seals the candidate's `counsellor_id` in `personal`, with the postcode
and commune (together they all but name a person), under a per-person key scheduling does not hold; what
scheduling keeps of a candidate is the anonymous profile (`sched_candidate`: referring organisation, site,
wishes, availability). Asking registration to unseal it for each booking would put that link in
scheduling's hands for a check registration already makes where it matters: only the candidate's own
counsellor reads their name and contact (`registration/domain/permissions.py`), so another counsellor of
the organisation may hold the interview slot but not reach the person outside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened
from jobdating.contracts.scheduling import CounsellingInterviewBooked, CounsellingInterviewCancelled
from jobdating.scheduling.domain import checks
from jobdating.scheduling.domain.coaches import AccountFacts, refuse_clashes
from jobdating.scheduling.domain.errors import (
    AlreadyExists,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    refuse_if,
)
from jobdating.scheduling.domain.facts import CandidateFacts, SiteFacts
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE, must_exist
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.state import Appointment, JobDatingState

# When a site declares no hours for a day of the weeks before (its hours are the job dating's), these
# office hours on weekdays are assumed.
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0)))
STEP = timedelta(minutes=15)
UNKNOWN_INTERVIEW = "entretien individuel inconnu"


class CounsellingState(Appointment, frozen=True, kw_only=True):
    """An individual interview as its own stream tells it."""

    interview_id: str = ""
    booked: bool = False
    cancelled: bool = False
    job_dating_id: str = ""
    candidate_id: str = ""
    counsellor_id: str = ""
    counsellor_org: str = ""
    site_id: str = ""


def evolve_counselling(state: CounsellingState, event: Event) -> CounsellingState:
    """The individual interview after `event`."""
    match event:
        case CounsellingInterviewBooked():
            return opened(CounsellingState, event, booked=True)
        case CounsellingInterviewCancelled():
            return msgspec.structs.replace(state, cancelled=True)
    return state


class BookCounsellingInterview(msgspec.Struct, frozen=True, kw_only=True):
    """Book a candidate's individual interview with a counsellor (None: the caller)."""

    interview_id: str
    job_dating_id: str
    candidate_id: str
    counsellor_id: str
    starts_at: datetime
    minutes: int = 45


class CancelCounsellingInterview(msgspec.Struct, frozen=True, kw_only=True):
    """Call an individual interview off."""

    interview_id: str


def may_book_for(actor: Actor, actor_id: str, candidate: CandidateFacts, counsellor_id: str) -> None:
    """The coordination, the referring organisation's administrator, or a counsellor of that organisation
    booking for themselves (the organisation, not the candidate's own counsellor: see the module
    docstring)."""
    if actor.has("coordinator"):
        return
    if actor.has("partner_admin") and actor.org == candidate.referring_org:
        return
    if not actor.has("counsellor") or actor.org != candidate.referring_org or actor_id != counsellor_id:
        raise Forbidden.on(
            "candidate_id",
            "seuls la coordination et la structure du candidat fixent son entretien individuel",
        )


def opening(site: SiteFacts, day: date) -> tuple[tuple[time, time], ...]:
    """When a site receives on `day`: its declared hours, else office hours on weekdays."""
    declared = tuple((h.start, h.end) for h in site.hours if h.day == day)
    if declared:
        return declared
    return OFFICE_HOURS if day.weekday() < 5 else ()


def book(
    command: BookCounsellingInterview,
    state: CounsellingState,
    actor: Actor,
    actor_id: str,
    job_dating: JobDatingState,
    candidate: CandidateFacts | None,
    counsellor: AccountFacts | None,
    site: SiteFacts | None,
    clashes: Sequence[str],
    now: datetime,
) -> list[Event]:
    """Book the interview at the candidate's site, before the job dating, when neither is busy."""
    if state.booked:
        raise AlreadyExists.on("interview_id", "un entretien porte déjà cet identifiant")
    must_exist(job_dating)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    may_book_for(actor, actor_id, candidate, command.counsellor_id)
    if not candidate.active:
        raise Conflict.on("candidate_id", "ce candidat s'est retiré")
    if counsellor is None or not counsellor.can_act_as("counsellor"):
        raise Invalid.on("counsellor_id", "ce compte n'est pas celui d'un conseiller en activité")
    if counsellor.org != candidate.referring_org:
        raise Invalid.on(
            "counsellor_id", "ce conseiller n'est pas de la structure qui accompagne le candidat"
        )
    refuse_if(
        checks.identifier("interview_id", command.interview_id) + checks.aware("starts_at", command.starts_at)
    )
    if not 15 <= command.minutes <= 120:
        raise Invalid.on("minutes", "un entretien individuel dure de 15 à 120 minutes")
    if site is None or not site.open:
        raise Conflict.on("candidate_id", "le site de ce candidat n'est pas ouvert")
    starts, ends = command.starts_at, command.starts_at + timedelta(minutes=command.minutes)
    zone = ZoneInfo(job_dating.timezone)
    if starts <= now:
        raise Conflict.on("starts_at", "cet horaire est déjà passé")
    first = job_dating.first_day
    if first is not None and starts.astimezone(zone).date() >= first:
        raise Conflict.on("starts_at", "l'entretien individuel a lieu avant le jour du job dating")
    if not _within(
        opening(site, starts.astimezone(zone).date()), starts.astimezone(zone), ends.astimezone(zone)
    ):
        raise Conflict.on("starts_at", "le site du candidat n'est pas ouvert à cet horaire")
    refuse_clashes("starts_at", clashes)
    return [
        CounsellingInterviewBooked(
            interview_id=command.interview_id,
            job_dating_id=job_dating.job_dating_id,
            candidate_id=candidate.candidate_id,
            counsellor_id=counsellor.account_id,
            counsellor_org=counsellor.org,
            site_id=site.site_id,
            starts_at=starts.astimezone(UTC),
            ends_at=ends.astimezone(UTC),
        )
    ]


def cancel(
    command: CancelCounsellingInterview, state: CounsellingState, actor: Actor, now: datetime
) -> list[Event]:
    """Call it off before it begins: the coordination or the counsellor's organisation."""
    if not state.booked:
        raise NotFound.on("interview_id", UNKNOWN_INTERVIEW)
    if not actor.has("coordinator") and not (
        actor.has("counsellor", "partner_admin") and actor.org == state.counsellor_org
    ):
        raise Forbidden.on("interview_id", "seuls la coordination et la structure du conseiller l'annulent")
    if state.cancelled:
        raise Conflict.on("interview_id", "cet entretien est déjà annulé")
    if state.started(now):
        raise Conflict.on("interview_id", "l'entretien a déjà commencé")
    return [
        CounsellingInterviewCancelled(
            interview_id=state.interview_id,
            job_dating_id=state.job_dating_id,
            candidate_id=state.candidate_id,
            counsellor_id=state.counsellor_id,
        )
    ]


def free_times(
    site: SiteFacts,
    busy: Sequence[tuple[datetime, datetime]],
    minutes: int,
    after: datetime,
    before: date,
    zone: ZoneInfo,
    count: int = 5,
) -> list[datetime]:
    """The first `count` starts, after `after` and before the day `before`, when the site receives and
    neither person is busy (`busy`: both people's commitments), on a quarter-hour grid."""
    length = timedelta(minutes=minutes)
    found: list[datetime] = []
    day = after.astimezone(zone).date()
    while day < before and len(found) < count:
        for start, end in opening(site, day):
            at = datetime.combine(day, start, tzinfo=zone)
            while at + length <= datetime.combine(day, end, tzinfo=zone) and len(found) < count:
                if at > after and not any(b0 < at + length and at < b1 for b0, b1 in busy):
                    found.append(at.astimezone(UTC))
                at += STEP
        day += timedelta(days=1)
    return found


def _within(hours: Sequence[tuple[time, time]], starts: datetime, ends: datetime) -> bool:
    return starts.date() == ends.date() and any(a <= starts.time() and ends.time() <= b for a, b in hours)
