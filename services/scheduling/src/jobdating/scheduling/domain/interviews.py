"""The decisions about interviews once they take place: their outcome, and a second interview.

Rule of the second interview: it is booked like any interview (see `second_interviews`, which also says
where it may take place: the candidate's site, the company's premises or by video).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import InterviewCompleted
from jobdating.scheduling.domain import checks, slot_events
from jobdating.scheduling.domain.commands import RecordOutcome, ScheduleSecondInterview
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound, refuse_if
from jobdating.scheduling.domain.facts import CompanyFacts, ComputerFacts, SiteFacts
from jobdating.scheduling.domain.guards import must_exist
from jobdating.scheduling.domain.permissions import Actor, may_act_for_company
from jobdating.scheduling.domain.second_interviews import SENT_BY_COMPANY, Around, Place, fit
from jobdating.scheduling.domain.state import JobDatingState, SlotState

UNKNOWN_SLOT = "entretien inconnu"

OUTCOME_WORDS = {
    "second_interview": "second entretien",
    "hired": "embauche",
    "not_retained": "non retenu",
    "no_show": "absent",
}


def record_outcome(command: RecordOutcome, slot: SlotState, actor: Actor, now: datetime) -> list[Event]:
    """The outcome of an interview that began, recorded once by its company's recruiter (or the
    coordination on their behalf)."""
    if slot.status == "none":
        raise NotFound.on("slot_id", UNKNOWN_SLOT)
    may_act_for_company(actor, slot.company_id, "slot_id")
    if slot.status == "cancelled":
        raise Conflict.on("slot_id", "cet entretien a été annulé")
    if slot.status == "completed" and slot.outcome is not None:
        raise Conflict.on("outcome", f"le résultat est déjà enregistré : {OUTCOME_WORDS[slot.outcome]}")
    if not slot.started(now):
        raise Conflict.on("slot_id", "cet entretien n'a pas encore commencé")
    return [InterviewCompleted(**slot_events.ids_of(slot.job_dating_id, slot), outcome=command.outcome)]


def may_follow_up(
    first: SlotState, job_dating: JobDatingState, actor: Actor, company: CompanyFacts | None
) -> None:
    """A second interview may follow `first`: its company's recruiter asks, its outcome asked for one and
    the company still takes part; else the refusal."""
    if first.status == "none":
        raise NotFound.on("first_slot_id", UNKNOWN_SLOT)
    may_act_for_company(actor, first.company_id, "first_slot_id")
    must_exist(job_dating, "first_slot_id")
    if first.kind != "interview" or first.outcome != "second_interview":
        raise Conflict.on(
            "first_slot_id", "un second entretien suit un premier entretien dont le résultat le demande"
        )
    if company is None or not company.active or job_dating.departure(first.company_id) is not None:
        raise Conflict.on("first_slot_id", "cette entreprise ne participe plus")


def schedule_second_interview(
    command: ScheduleSecondInterview,
    first: SlotState,
    job_dating: JobDatingState,
    actor: Actor,
    company: CompanyFacts | None,
    site: SiteFacts | None,
    computers: Sequence[ComputerFacts],
    active: Sequence[SlotState],
    video_link: str,
    now: datetime,
) -> list[Event]:
    """Book a second interview after a first one that asked for it, at the candidate's site while it is
    open, on a working computer free then (the one asked for, or the first free one), with the candidate
    and a recruiter free.

    `active` holds the active slots (any kind) of the job dating and of the other job datings around then:
    the candidate's, the company's and the site's.
    """
    may_follow_up(first, job_dating, actor, company)
    assert company is not None  # may_follow_up refuses a company gone
    place = Place(
        place=command.place,
        address=command.address,
        video_link=command.video_link,
        computer_id=command.computer_id,
    ).checked()
    if any(
        s.kind == "second_interview"
        and s.job_dating_id == first.job_dating_id
        and s.candidate_id == first.candidate_id
        and s.company_id == first.company_id
        for s in active
    ):
        raise Conflict.on(
            "first_slot_id", "un second entretien est déjà prévu pour ce candidat et cette entreprise"
        )
    refuse_if(checks.aware("starts_at", command.starts_at))
    if command.starts_at <= now:
        raise Invalid.on("starts_at", "choisissez une heure à venir")
    around = Around(job_dating=job_dating, company=company, site=site, computers=computers, active=active)
    starts_at = command.starts_at.astimezone(UTC)
    try:
        computer_id = fit(around, first.candidate_id, first.site_id, place, starts_at)
    except OverflowError as exc:  # the last minutes of year 9999: past the calendar's end
        raise Invalid.on("starts_at", "date hors du calendrier") from exc
    link = video_link
    if place.place == "video":
        link = place.video_link or SENT_BY_COMPANY
    elif place.place == "premises":
        link = ""  # met in person
    return [
        slot_events.assigned(
            first.job_dating_id,
            command.slot_id,
            first,
            computer_id,
            (starts_at, starts_at + timedelta(minutes=job_dating.interview_minutes)),
            link,
            wish_rank=first.wish_rank,
            kind="second_interview",
            place=place.place,
            address=place.address,
        )
    ]
