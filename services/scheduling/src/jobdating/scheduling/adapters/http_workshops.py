"""HTTP routes of the workshops: schedule a session, enrol candidates, record who came."""

from __future__ import annotations

from fastapi import APIRouter, status

from jobdating.runtime.auth import Caller, only
from jobdating.scheduling.adapters.http_context import Asker, HttpContext, as_local
from jobdating.scheduling.adapters.schemas import (
    EnrolmentIn,
    WorkshopAttendanceIn,
    WorkshopIn,
)
from jobdating.scheduling.application.queries_day import WorkshopView
from jobdating.scheduling.domain.commands import (
    Coach,
    EnrolInWorkshop,
    RecordWorkshopAttendance,
    ScheduleWorkshop,
)
from jobdating.scheduling.domain.permissions import COUNSELLORS, WORKSHOP_RUNNERS


def router(ctx: HttpContext) -> APIRouter:
    """Routes to schedule workshops, enrol candidates and record who came."""
    router = APIRouter(tags=["workshops"])
    handlers, queries, ids = ctx.handlers, ctx.queries, ctx.handlers.ids
    zone_of = ctx.zone_of

    @router.post(
        "/workshops",
        status_code=status.HTTP_201_CREATED,
        summary="Programmer un atelier",
        dependencies=only(COUNSELLORS),
    )
    def schedule_workshop(body: WorkshopIn, asker: Asker) -> WorkshopView:
        """La coordination ou un conseiller d'une des deux structures qui l'animent programme un atelier de
        préparation."""
        zone = zone_of(body.job_dating_id)
        command = ScheduleWorkshop(
            workshop_id=body.workshop_id or ids(),
            job_dating_id=body.job_dating_id,
            site_id=body.site_id,
            room_id=body.room_id,
            starts_at=as_local(body.starts_at, zone),
            ends_at=as_local(body.ends_at, zone),
            capacity=body.capacity,
            coaches=tuple(Coach(coach_id=c.coach_id, org=c.org or "") for c in body.coaches),
        )
        handlers.schedule_workshop(command, asker.actor, asker.meta)
        return queries.workshop(command.workshop_id)

    @router.get("/workshops", summary="Lister les ateliers")
    def list_workshops(_: Caller, job_dating_id: str | None = None) -> list[WorkshopView]:
        """Les ateliers de préparation, d'un job dating si on le précise."""
        return queries.workshops(job_dating_id)

    @router.get("/workshops/{workshop_id}", summary="Consulter un atelier")
    def get_workshop(workshop_id: str, _: Caller) -> WorkshopView:
        """Un atelier : date, lieu, animateurs et inscrits."""
        return queries.workshop(workshop_id)

    @router.post(
        "/workshops/{workshop_id}/enrolments",
        summary="Inscrire un candidat à un atelier",
        dependencies=only(COUNSELLORS),
    )
    def enrol(workshop_id: str, body: EnrolmentIn, asker: Asker) -> WorkshopView:
        """Un conseiller de la structure qui accompagne le candidat (ou la coordination) l'inscrit à un
        atelier."""
        command = EnrolInWorkshop(
            workshop_id=workshop_id, candidate_id=body.candidate_id, override_reason=body.override_reason
        )
        handlers.enrol(command, asker.actor, asker.meta)
        return queries.workshop(workshop_id)

    @router.post(
        "/workshops/{workshop_id}/attendance",
        summary="Noter les présences d'un atelier",
        dependencies=only(WORKSHOP_RUNNERS),
    )
    def workshop_attendance(workshop_id: str, body: WorkshopAttendanceIn, asker: Asker) -> WorkshopView:
        """Un coach ou un conseiller d'une structure qui anime l'atelier (ou la coordination) note qui était
        présent."""
        command = RecordWorkshopAttendance(
            workshop_id=workshop_id, present=tuple(body.present), absent=tuple(body.absent)
        )
        handlers.record_workshop_attendance(command, asker.actor, asker.meta)
        return queries.workshop(workshop_id)

    return router
