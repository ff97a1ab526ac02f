"""HTTP routes of the day itself: late or departed companies, check-ins, no-shows and late arrivals,
slots, outcomes and second interviews."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from jobdating.runtime.auth import only
from jobdating.scheduling.adapters.http_context import Asker, HttpContext, as_local, joined
from jobdating.scheduling.adapters.schemas import (
    CheckInIn,
    InterviewNoteIn,
    LateIn,
    NoShowIn,
    OutcomeIn,
    ReasonIn,
    SecondInterviewIn,
)
from jobdating.scheduling.application.handlers_second import FreeTime
from jobdating.scheduling.application.queries import SchedulingQueries
from jobdating.scheduling.application.queries_day import AttendanceView, InterviewNoteView
from jobdating.scheduling.application.queries_plan_views import InterviewView
from jobdating.scheduling.application.repairs import RepairReport
from jobdating.scheduling.domain.commands import (
    CheckIn,
    DelayCompany,
    MarkNoShow,
    RecordCompanyLeft,
    RecordLateArrival,
    RecordOutcome,
    ScheduleSecondInterview,
)
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.interview_notes import WriteInterviewNote
from jobdating.scheduling.domain.permissions import (
    COMPANY_ACTORS,
    COORDINATION,
    NOTE_WRITERS,
    SITE_RUNNERS,
    may_read_company,
    may_read_plans,
)
from jobdating.scheduling.domain.second_interviews import Place


def router(ctx: HttpContext) -> APIRouter:
    """Routes of the day: companies late or gone, check-ins, no-shows, slots and their outcomes."""
    day, slots = APIRouter(tags=["the day"]), APIRouter(tags=["slots"])
    handlers, queries, ids = ctx.handlers, ctx.queries, ctx.handlers.ids
    zone_of = ctx.zone_of

    @day.post(
        "/job-datings/{job_dating_id}/companies/{company_id}/late",
        summary="Signaler une entreprise en retard",
        description=(
            "La coordination indique qu'une entreprise arrive en retard ; ses premiers entretiens sont "
            "déplacés."
        ),
        dependencies=only(COORDINATION),
    )
    def company_late(job_dating_id: str, company_id: str, body: LateIn, asker: Asker) -> RepairReport:
        command = DelayCompany(
            job_dating_id=job_dating_id,
            company_id=company_id,
            arrives_at=as_local(body.arrives_at, zone_of(job_dating_id)),
        )
        return handlers.delay_company(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/companies/{company_id}/leave",
        summary="Signaler le départ d'une entreprise",
        description=(
            "La coordination indique qu'une entreprise part avant la fin ; ses entretiens restants sont "
            "annulés ou réaffectés."
        ),
        dependencies=only(COORDINATION),
    )
    def company_leaves(job_dating_id: str, company_id: str, body: ReasonIn, asker: Asker) -> RepairReport:
        command = RecordCompanyLeft(job_dating_id=job_dating_id, company_id=company_id, reason=body.reason)
        return handlers.company_left(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/check-ins",
        status_code=status.HTTP_201_CREATED,
        summary="Enregistrer l'arrivée d'un candidat",
        description=(
            "Le responsable du site (ou la coordination) note qu'un candidat est arrivé, une seule fois."
        ),
        dependencies=only(SITE_RUNNERS),
    )
    def check_in(job_dating_id: str, body: CheckInIn, asker: Asker) -> AttendanceView:
        command = CheckIn(job_dating_id=job_dating_id, candidate_id=body.candidate_id, site_id=body.site_id)
        handlers.check_in(command, asker.actor, asker.meta)
        return next(a for a in queries.attendance(job_dating_id) if a.candidate_id == body.candidate_id)

    @day.post(
        "/job-datings/{job_dating_id}/late-arrivals",
        summary="Enregistrer l'arrivée en retard d'un candidat déclaré absent",
        description=(
            "Pour un candidat déclaré absent qui arrive finalement sur son site : l'absence est annulée et "
            "son arrivée est enregistrée à l'heure actuelle. Ses entretiens à venir que l'absence avait "
            "annulés lui sont rendus : au même créneau si l'ordinateur et un recruteur de l'entreprise sont "
            "encore libres, sinon au créneau libre le plus proche sur son site avec la même entreprise, "
            "sinon il rejoint la liste d'attente du site. Seules les personnes dont un entretien change sont "
            "prévenues. Réservé à la coordination et aux responsables du site. Un candidat qui n'a pas été "
            "déclaré absent s'enregistre avec `POST /job-datings/{job_dating_id}/check-ins`."
        ),
        dependencies=only(SITE_RUNNERS),
    )
    def late_arrival(job_dating_id: str, body: CheckInIn, asker: Asker) -> RepairReport:
        command = RecordLateArrival(
            job_dating_id=job_dating_id, candidate_id=body.candidate_id, site_id=body.site_id
        )
        return handlers.record_late_arrival(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/no-shows",
        summary="Déclarer un candidat absent",
        description=(
            "Le responsable du site (ou la coordination) déclare un candidat absent : ses entretiens à venir"
            " vont à la liste d'attente du site."
        ),
        dependencies=only(SITE_RUNNERS),
    )
    def no_show(job_dating_id: str, body: NoShowIn, asker: Asker) -> RepairReport:
        command = MarkNoShow(job_dating_id=job_dating_id, candidate_id=body.candidate_id)
        return handlers.mark_no_show(command, asker.actor, asker.meta)

    @day.get(
        "/job-datings/{job_dating_id}/attendance",
        summary="Arrivées et absences du jour",
        description=(
            "Qui est arrivé, quand, et qui est absent, pour tout le job dating ou un site (pas pour les "
            "recruteurs)."
        ),
    )
    def attendance(job_dating_id: str, asker: Asker, site_id: str | None = None) -> list[AttendanceView]:
        may_read_plans(asker.actor, "job_dating_id")
        return queries.attendance(job_dating_id, site_id)

    @slots.get(
        "/slots/{slot_id}",
        summary="Consulter un entretien",
        description=(
            "Un entretien du planning : heure, site, ordinateur, entreprise, résultat ; un recruteur ne lit "
            "que ceux de son entreprise."
        ),
    )
    def get_slot(slot_id: str, asker: Asker) -> InterviewView:
        slot = queries.slot(slot_id)
        may_read_company(asker.actor, slot.company_id, "slot_id")
        return slot

    @slots.post(
        "/slots/{slot_id}/outcome",
        summary="Enregistrer le résultat d'un entretien",
        description=(
            "Le recruteur de l'entreprise (ou la coordination) note le résultat : second entretien, "
            "embauche, non retenu ou absent."
        ),
        dependencies=only(COMPANY_ACTORS),
    )
    def record_outcome(slot_id: str, body: OutcomeIn, asker: Asker) -> InterviewView:
        handlers.record_outcome(RecordOutcome(slot_id=slot_id, outcome=body.outcome), asker.actor, asker.meta)
        return queries.slot(slot_id)

    @slots.post(
        "/slots/{slot_id}/notes",
        status_code=status.HTTP_201_CREATED,
        summary="Écrire une note sur un entretien",
        description=(
            "Le conseiller d'une structure (pour un candidat qu'elle accompagne), le recruteur de "
            "l'entreprise ou la coordination écrit une courte note ; seule sa structure la lit."
        ),
        dependencies=only(NOTE_WRITERS),
    )
    def write_note(slot_id: str, body: InterviewNoteIn, asker: Asker) -> InterviewNoteView:
        command = WriteInterviewNote(note_id=ids(), slot_id=slot_id, note=body.note)
        handlers.write_note(command, asker.actor, asker.meta)
        return queries.interview_note(command.note_id)

    @slots.get(
        "/job-datings/{job_dating_id}/interview-notes",
        summary="Lire les notes sur les entretiens",
        description=(
            "Les notes écrites par la structure de la personne connectée (toutes pour la coordination), "
            "des plus anciennes aux plus récentes."
        ),
        dependencies=only(NOTE_WRITERS),
    )
    def interview_notes(job_dating_id: str, asker: Asker) -> list[InterviewNoteView]:
        actor = asker.actor
        return queries.interview_notes(job_dating_id, None if actor.has("coordinator") else actor.org)

    @slots.post(
        "/slots/{slot_id}/second-interview",
        status_code=status.HTTP_201_CREATED,
        summary="Fixer un second entretien",
        description=(
            "Le recruteur de l'entreprise (ou la coordination) fixe un second entretien avec le candidat, "
            "sur site, dans ses locaux ou en visio."
        ),
        dependencies=only(COMPANY_ACTORS),
    )
    def second_interview(slot_id: str, body: SecondInterviewIn, asker: Asker) -> InterviewView:
        command = ScheduleSecondInterview(
            first_slot_id=slot_id,
            slot_id=ids(),
            starts_at=as_local(body.starts_at, zone_of(job_dating_of(queries, slot_id))),
            computer_id=body.computer_id,
            place=body.place,
            address=body.address,
            video_link=body.video_link,
        )
        handlers.schedule_second_interview(command, asker.actor, asker.meta)
        return queries.slot(command.slot_id)

    @slots.get(
        "/slots/{slot_id}/second-interview/proposals",
        summary="Proposer les premières heures libres pour un second entretien",
        description=(
            "Les premières heures où le candidat et un recruteur de l'entreprise sont tous deux libres "
            "(leurs autres entretiens comptent, dans ce job dating et les autres), à partir de maintenant, "
            "sur les jours du job dating puis les deux semaines suivantes, dans les horaires de "
            "l'entreprise. `place` : `site` (un ordinateur libre du site du candidat, site ouvert), "
            "`premises` (locaux de l'entreprise) ou `video`."
        ),
    )
    def second_interview_proposals(
        slot_id: str,
        asker: Asker,
        place: Literal["site", "premises", "video"] = "site",
        count: Annotated[int, Query(ge=1, le=20)] = 5,
    ) -> list[FreeTime]:
        return handlers.propose_second_interview(slot_id, Place(place=place), asker.actor, count)

    return joined(day, slots)


def job_dating_of(queries: SchedulingQueries, slot_id: str) -> str:
    rows = queries.read("SELECT job_dating_id FROM sched_slot WHERE slot_id = ?", (slot_id,))
    if not rows:
        raise NotFound.on("slot_id", "entretien inconnu")
    return str(rows[0][0])
