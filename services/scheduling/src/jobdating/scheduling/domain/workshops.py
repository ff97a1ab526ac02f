"""The decisions about collective preparation workshops: a session in a site's room, run by two coaches from
two different partner organisations; enrolment up to the session's capacity; attendance after it began."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    WorkshopAttendanceRecorded,
    WorkshopScheduled,
)
from jobdating.scheduling.domain import checks
from jobdating.scheduling.domain.coaches import AccountFacts, coach_pair, refuse_clashes
from jobdating.scheduling.domain.commands import EnrolInWorkshop, RecordWorkshopAttendance, ScheduleWorkshop
from jobdating.scheduling.domain.errors import AlreadyExists, Conflict, Invalid, NotFound, Problem, refuse_if
from jobdating.scheduling.domain.facts import CandidateFacts, RoomFacts, SiteFacts
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE, must_exist
from jobdating.scheduling.domain.permissions import Actor, may_enrol, may_record_attendance, may_run_workshop
from jobdating.scheduling.domain.state import JobDatingState, WorkshopState
from jobdating.scheduling.domain.workshop_changes import elsewhere

UNKNOWN_WORKSHOP = "atelier inconnu"
CANCELLED = "cet atelier est annulé"
LONGEST = timedelta(hours=8)


def schedule_workshop(
    command: ScheduleWorkshop,
    state: WorkshopState,
    actor: Actor,
    job_dating: JobDatingState,
    site: SiteFacts | None,
    room: RoomFacts | None,
    room_taken: bool,
    *,
    accounts: Mapping[str, AccountFacts],
    coach_clashes: Sequence[str],
) -> list[Event]:
    """Schedule a session; `room_taken` says whether another session holds the room at that time,
    `accounts` are the coaches' accounts and `coach_clashes` what else they do at that time."""
    first, second = coach_pair(command.coaches, accounts)
    may_run_workshop(actor, (first.org, second.org), "coaches")
    if state.scheduled:
        raise AlreadyExists.on("workshop_id", "un atelier porte déjà cet identifiant")
    must_exist(job_dating)
    problems = checks.identifier("workshop_id", command.workshop_id)
    problems += checks.aware("starts_at", command.starts_at) + checks.aware("ends_at", command.ends_at)
    refuse_if(problems)
    if command.ends_at <= command.starts_at:
        raise Invalid.on("ends_at", "l'atelier doit finir après son début")
    if command.ends_at - command.starts_at > LONGEST:
        raise Invalid.on("ends_at", "un atelier dure 8 heures au plus")
    if site is None:
        raise NotFound.on("site_id", "site inconnu (pas encore annoncé par le service des sites)")
    if not site.open:
        raise Conflict.on("site_id", "ce site est fermé")
    if room is None or room.site_id != site.site_id:
        raise NotFound.on("room_id", "cette salle n'existe pas sur ce site")
    capacity = room.capacity if command.capacity is None else command.capacity
    if not 1 <= capacity <= room.capacity:
        raise Invalid.on("capacity", f"la salle accueille {room.capacity} personnes au plus")
    if room_taken:
        raise Conflict.on("room_id", "cette salle est déjà prise par un autre atelier à ce moment-là")
    refuse_clashes("coaches", coach_clashes)
    return [
        WorkshopScheduled(
            workshop_id=command.workshop_id,
            job_dating_id=job_dating.job_dating_id,
            site_id=site.site_id,
            room_id=room.room_id,
            starts_at=command.starts_at.astimezone(UTC),
            ends_at=command.ends_at.astimezone(UTC),
            capacity=capacity,
            coach_ids=(first.coach_id, second.coach_id),
            coach_orgs=(first.org, second.org),
        )
    ]


def enrol(
    command: EnrolInWorkshop,
    state: WorkshopState,
    actor: Actor,
    candidate: CandidateFacts | None,
    now: datetime,
) -> list[Event]:
    """Give a candidate a seat, once, while seats remain and before the session begins, at their own site
    unless the coordination overrides it with a reason (recorded first)."""
    if not state.scheduled:
        raise NotFound.on("workshop_id", UNKNOWN_WORKSHOP)
    if state.cancelled:
        raise Conflict.on("workshop_id", CANCELLED)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    may_enrol(actor, candidate.referring_org, "candidate_id")
    if not candidate.active:
        raise Conflict.on("candidate_id", "ce candidat s'est retiré")
    if candidate.candidate_id in state.enrolled:
        raise Conflict.on("candidate_id", "ce candidat est déjà inscrit à cet atelier")
    if len(state.enrolled) >= state.capacity:
        raise Conflict.on("workshop_id", f"l'atelier est complet ({state.capacity} places)")
    if state.started(now):
        raise Conflict.on("workshop_id", "l'atelier a déjà commencé")
    enrolled = CandidateEnrolledInWorkshop(workshop_id=state.workshop_id, candidate_id=candidate.candidate_id)
    if candidate.site_id == state.site_id:
        return [enrolled]
    return [*elsewhere(command.override_reason, state, actor, candidate), enrolled]


def record_attendance(
    command: RecordWorkshopAttendance, state: WorkshopState, actor: Actor, now: datetime
) -> list[Event]:
    """Say, once the session began, which enrolled candidates came and which did not (each exactly once)."""
    if not state.scheduled:
        raise NotFound.on("workshop_id", UNKNOWN_WORKSHOP)
    may_record_attendance(actor, state.coach_orgs, "workshop_id")
    if state.cancelled:
        raise Conflict.on("workshop_id", CANCELLED)
    if state.attendance_recorded:
        raise Conflict.on("workshop_id", "la présence à cet atelier est déjà enregistrée")
    if state.starts_at is not None and now < state.starts_at:
        raise Conflict.on("workshop_id", "l'atelier n'a pas encore commencé")
    present, absent = set(command.present), set(command.absent)
    problems: list[Problem] = []
    if present & absent:
        problems.append(Problem("absent", "un candidat ne peut pas être à la fois présent et absent"))
    strangers = (present | absent) - set(state.enrolled)
    if strangers:
        problems.append(
            Problem("present", f"{len(strangers)} candidat(s) ne sont pas inscrits à cet atelier")
        )
    forgotten = set(state.enrolled) - present - absent
    if forgotten:
        problems.append(
            Problem("absent", f"indiquez aussi pour {len(forgotten)} inscrit(s) s'ils étaient là")
        )
    refuse_if(problems)
    order = {c: i for i, c in enumerate(state.enrolled)}
    return [
        WorkshopAttendanceRecorded(
            workshop_id=state.workshop_id,
            present=tuple(sorted(present, key=order.__getitem__)),
            absent=tuple(sorted(absent, key=order.__getitem__)),
        )
    ]
