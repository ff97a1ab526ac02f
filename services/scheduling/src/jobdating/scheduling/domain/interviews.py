"""The decisions about interviews once they take place: their outcome, and a second interview.

Rule of the second interview: it is booked like any interview, so the candidate is never in two interviews
at once and keeps the job dating's buffer between two (`busy`, the planner's own definition), the company
never runs more interviews at once than it has recruiters, and a computer hosts one interview at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import InterviewCompleted
from jobdating.scheduling.domain import checks, slot_events
from jobdating.scheduling.domain.calendar import local_text
from jobdating.scheduling.domain.commands import RecordOutcome, ScheduleSecondInterview
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound, refuse_if
from jobdating.scheduling.domain.facts import CompanyFacts, ComputerFacts, SiteFacts
from jobdating.scheduling.domain.guards import must_exist
from jobdating.scheduling.domain.permissions import Actor, may_act_for_company
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.model import busy, overlaps

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

    `active` holds the job dating's active slots (any kind): the candidate's, the company's and the site's.
    """
    if first.status == "none":
        raise NotFound.on("first_slot_id", UNKNOWN_SLOT)
    may_act_for_company(actor, first.company_id, "first_slot_id")
    must_exist(job_dating, "first_slot_id")
    if first.kind != "interview" or first.outcome != "second_interview":
        raise Conflict.on(
            "first_slot_id", "un second entretien suit un premier entretien dont le résultat le demande"
        )
    if any(
        s.kind == "second_interview"
        and s.candidate_id == first.candidate_id
        and s.company_id == first.company_id
        for s in active
    ):
        raise Conflict.on(
            "first_slot_id", "un second entretien est déjà prévu pour ce candidat et cette entreprise"
        )
    if company is None or not company.active or job_dating.departure(first.company_id) is not None:
        raise Conflict.on("first_slot_id", "cette entreprise ne participe plus")
    refuse_if(checks.aware("starts_at", command.starts_at))
    if command.starts_at <= now:
        raise Invalid.on("starts_at", "choisissez une heure à venir")
    starts_at = command.starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=job_dating.interview_minutes)
    buffer = timedelta(minutes=job_dating.buffer_minutes)
    zone = ZoneInfo(job_dating.timezone)
    if site is None or not site.open:
        raise Conflict.on("first_slot_id", "le site du candidat est fermé")
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    hours = [h for h in site.hours if h.day == local_start.date()]
    if hours and not any(h.start <= local_start.time() and local_end.time() <= h.end for h in hours):
        opening = ", ".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hours)
        raise Conflict.on("starts_at", f"le site du candidat est ouvert ce jour-là : {opening}")
    for s in active:
        if s.starts_at is None or s.ends_at is None:
            continue
        if s.candidate_id == first.candidate_id and overlaps(
            busy(s.starts_at, s.ends_at, buffer), (starts_at, ends_at)
        ):
            raise Conflict.on(
                "starts_at",
                f"le candidat a un entretien de {local_text(s.starts_at, zone)} "
                f"à {local_text(s.ends_at, zone)} : choisissez une autre heure",
            )
    timed = [s for s in active if s.starts_at is not None and s.ends_at is not None]
    recruiting = sum(1 for s in timed if s.company_id == first.company_id and _overlap(s, starts_at, ends_at))
    if recruiting >= company.recruiters:
        raise Conflict.on("starts_at", "tous les recruteurs de l'entreprise sont pris à cette heure-là")
    taken = {s.computer_id for s in timed if s.site_id == first.site_id and _overlap(s, starts_at, ends_at)}
    usable = [
        c
        for c in sorted(computers, key=lambda c: c.computer_id)
        if c.site_id == first.site_id and c.visio_ready and c.works_at(starts_at) and c.works_at(ends_at)
    ]
    if command.computer_id is not None:
        chosen = next((c for c in usable if c.computer_id == command.computer_id), None)
        if chosen is None:
            raise Conflict.on("computer_id", "cet ordinateur n'est pas utilisable sur le site du candidat")
        if chosen.computer_id in taken:
            raise Conflict.on("computer_id", "cet ordinateur est déjà pris à cette heure-là")
    else:
        chosen = next((c for c in usable if c.computer_id not in taken), None)
        if chosen is None:
            raise Conflict.on(
                "starts_at", "aucun ordinateur n'est libre sur le site du candidat à cette heure-là"
            )
    return [
        slot_events.assigned(
            first.job_dating_id,
            command.slot_id,
            first,
            chosen.computer_id,
            (starts_at, ends_at),
            video_link,
            wish_rank=first.wish_rank,
            kind="second_interview",
        )
    ]


def _overlap(slot: SlotState, starts_at: datetime, ends_at: datetime) -> bool:
    if slot.starts_at is None or slot.ends_at is None:
        return False
    return overlaps((slot.starts_at, slot.ends_at), (starts_at, ends_at))
