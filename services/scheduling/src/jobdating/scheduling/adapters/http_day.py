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
        dependencies=only(COORDINATION),
    )
    def company_late(job_dating_id: str, company_id: str, body: LateIn, asker: Asker) -> RepairReport:
        """La coordination indique qu'une entreprise arrive en retard ; ses premiers entretiens sont
        déplacés."""
        command = DelayCompany(
            job_dating_id=job_dating_id,
            company_id=company_id,
            arrives_at=as_local(body.arrives_at, zone_of(job_dating_id)),
        )
        return handlers.delay_company(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/companies/{company_id}/leave",
        summary="Signaler le départ d'une entreprise",
        dependencies=only(COORDINATION),
    )
    def company_leaves(job_dating_id: str, company_id: str, body: ReasonIn, asker: Asker) -> RepairReport:
        """La coordination indique qu'une entreprise part avant la fin ; ses entretiens restants sont annulés
        ou réaffectés."""
        command = RecordCompanyLeft(job_dating_id=job_dating_id, company_id=company_id, reason=body.reason)
        return handlers.company_left(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/check-ins",
        status_code=status.HTTP_201_CREATED,
        summary="Enregistrer l'arrivée d'un candidat",
        dependencies=only(SITE_RUNNERS),
    )
    def check_in(job_dating_id: str, body: CheckInIn, asker: Asker) -> AttendanceView:
        """Le responsable du site (ou la coordination) note qu'un candidat est arrivé, une seule fois."""
        command = CheckIn(job_dating_id=job_dating_id, candidate_id=body.candidate_id, site_id=body.site_id)
        handlers.check_in(command, asker.actor, asker.meta)
        return next(a for a in queries.attendance(job_dating_id) if a.candidate_id == body.candidate_id)

    @day.post(
        "/job-datings/{job_dating_id}/late-arrivals",
        summary="Enregistrer l'arrivée en retard d'un candidat déclaré absent",
        dependencies=only(SITE_RUNNERS),
    )
    def late_arrival(job_dating_id: str, body: CheckInIn, asker: Asker) -> RepairReport:
        """Pour un candidat déclaré absent qui arrive finalement sur son site : l'absence est annulée et son
        arrivée est enregistrée à l'heure actuelle. Ses entretiens à venir que l'absence avait annulés lui
        sont rendus : au même créneau si l'ordinateur et un recruteur de l'entreprise sont encore libres,
        sinon au créneau libre le plus proche sur son site avec la même entreprise, sinon il rejoint la liste
        d'attente du site. Seules les personnes dont un entretien change sont prévenues. Réservé à la
        coordination et aux responsables du site. Un candidat qui n'a pas été déclaré absent s'enregistre avec
        `POST /job-datings/{job_dating_id}/check-ins`."""
        command = RecordLateArrival(
            job_dating_id=job_dating_id, candidate_id=body.candidate_id, site_id=body.site_id
        )
        return handlers.record_late_arrival(command, asker.actor, asker.meta)

    @day.post(
        "/job-datings/{job_dating_id}/no-shows",
        summary="Déclarer un candidat absent",
        dependencies=only(SITE_RUNNERS),
    )
    def no_show(job_dating_id: str, body: NoShowIn, asker: Asker) -> RepairReport:
        """Le responsable du site (ou la coordination) déclare un candidat absent : ses entretiens à venir
        vont à la liste d'attente du site."""
        command = MarkNoShow(job_dating_id=job_dating_id, candidate_id=body.candidate_id)
        return handlers.mark_no_show(command, asker.actor, asker.meta)

    @day.get("/job-datings/{job_dating_id}/attendance", summary="Arrivées et absences du jour")
    def attendance(job_dating_id: str, asker: Asker, site_id: str | None = None) -> list[AttendanceView]:
        """Qui est arrivé, quand, et qui est absent, pour tout le job dating ou un site (pas pour les
        recruteurs)."""
        may_read_plans(asker.actor, "job_dating_id")
        return queries.attendance(job_dating_id, site_id)

    @slots.get("/slots/{slot_id}", summary="Consulter un entretien")
    def get_slot(slot_id: str, asker: Asker) -> InterviewView:
        """Un entretien du planning : heure, site, ordinateur, entreprise, résultat ; un recruteur ne lit que
        ceux de son entreprise."""
        slot = queries.slot(slot_id)
        may_read_company(asker.actor, slot.company_id, "slot_id")
        return slot

    @slots.post(
        "/slots/{slot_id}/outcome",
        summary="Enregistrer le résultat d'un entretien",
        dependencies=only(COMPANY_ACTORS),
    )
    def record_outcome(slot_id: str, body: OutcomeIn, asker: Asker) -> InterviewView:
        """Le recruteur de l'entreprise (ou la coordination) note le résultat : second entretien, embauche,
        non retenu ou absent."""
        handlers.record_outcome(RecordOutcome(slot_id=slot_id, outcome=body.outcome), asker.actor, asker.meta)
        return queries.slot(slot_id)

    @slots.post(
        "/slots/{slot_id}/notes",
        status_code=status.HTTP_201_CREATED,
        summary="Écrire une note sur un entretien",
        dependencies=only(NOTE_WRITERS),
    )
    def write_note(slot_id: str, body: InterviewNoteIn, asker: Asker) -> InterviewNoteView:
        """Le conseiller d'une structure (pour un candidat qu'elle accompagne), le recruteur de l'entreprise
        ou la coordination écrit une courte note ; seule sa structure la lit."""
        command = WriteInterviewNote(note_id=ids(), slot_id=slot_id, note=body.note)
        handlers.write_note(command, asker.actor, asker.meta)
        return queries.interview_note(command.note_id)

    @slots.get(
        "/job-datings/{job_dating_id}/interview-notes",
        summary="Lire les notes sur les entretiens",
        dependencies=only(NOTE_WRITERS),
    )
    def interview_notes(job_dating_id: str, asker: Asker) -> list[InterviewNoteView]:
        """Les notes écrites par la structure de la personne connectée (toutes pour la coordination), des plus
        anciennes aux plus récentes."""
        actor = asker.actor
        return queries.interview_notes(job_dating_id, None if actor.has("coordinator") else actor.org)

    @slots.post(
        "/slots/{slot_id}/second-interview",
        status_code=status.HTTP_201_CREATED,
        summary="Fixer un second entretien",
        dependencies=only(COMPANY_ACTORS),
    )
    def second_interview(slot_id: str, body: SecondInterviewIn, asker: Asker) -> InterviewView:
        """Le recruteur de l'entreprise (ou la coordination) fixe un second entretien avec le candidat, sur
        site, dans ses locaux ou en visio."""
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
    )
    def second_interview_proposals(
        slot_id: str,
        asker: Asker,
        place: Literal["site", "premises", "video"] = "site",
        count: Annotated[int, Query(ge=1, le=20)] = 5,
    ) -> list[FreeTime]:
        """Les premières heures où le candidat et un recruteur de l'entreprise sont tous deux libres (leurs
        autres entretiens comptent, dans ce job dating et les autres), à partir de maintenant, sur les jours
        du job dating puis les deux semaines suivantes, dans les horaires de l'entreprise. `place` : `site`
        (un ordinateur libre du site du candidat, site ouvert), `premises` (locaux de l'entreprise) ou
        `video`."""
        return handlers.propose_second_interview(slot_id, Place(place=place), asker.actor, count)

    return joined(day, slots)


def job_dating_of(queries: SchedulingQueries, slot_id: str) -> str:
    rows = queries.read("SELECT job_dating_id FROM sched_slot WHERE slot_id = ?", (slot_id,))
    if not rows:
        raise NotFound.on("slot_id", "entretien inconnu")
    return str(rows[0][0])
