"""HTTP routes of the preparation pathway: a workshop seat given back, a session called off, and the
individual interview with a counsellor (free times proposed, booked, called off)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import Field

from jobdating.runtime.auth import Caller, only
from jobdating.runtime.http import Body, Text, answers
from jobdating.scheduling.adapters.http_context import Asker, HttpContext, as_local, joined
from jobdating.scheduling.application import queries_prep as prep
from jobdating.scheduling.application.queries_day import WorkshopView
from jobdating.scheduling.application.queries_prep import CounsellingView
from jobdating.scheduling.domain.commands import CancelWorkshop, UnenrolFromWorkshop
from jobdating.scheduling.domain.counselling import BookCounsellingInterview, CancelCounsellingInterview
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.permissions import BOOKERS, COUNSELLORS


class CounsellingIn(Body):
    """An individual interview; `counsellor_id` defaults to the caller's account."""

    interview_id: Text | None = None
    job_dating_id: Text
    candidate_id: Text
    counsellor_id: Text | None = None
    starts_at: datetime
    minutes: int = Field(default=45, ge=15, le=120, description="durée en minutes")


def router(ctx: HttpContext) -> APIRouter:
    """Routes of the weeks before the day."""
    workshops, counselling = APIRouter(tags=["workshops"]), APIRouter(tags=["counselling"])
    handlers, queries, ids = ctx.handlers, ctx.queries, ctx.handlers.ids

    @workshops.delete(
        "/workshops/{workshop_id}/enrolments/{candidate_id}",
        summary="Désinscrire un candidat d'un atelier",
        dependencies=only(COUNSELLORS),
    )
    def unenrol(workshop_id: str, candidate_id: str, asker: Asker) -> WorkshopView:
        """Un conseiller de la structure du candidat (ou la coordination) retire son inscription à un
        atelier."""
        command = UnenrolFromWorkshop(workshop_id=workshop_id, candidate_id=candidate_id)
        handlers.unenrol(command, asker.actor, asker.meta)
        return queries.workshop(workshop_id)

    @workshops.post(
        "/workshops/{workshop_id}/cancel", summary="Annuler un atelier", dependencies=only(COUNSELLORS)
    )
    def cancel_workshop(workshop_id: str, asker: Asker) -> WorkshopView:
        """Un conseiller d'une structure qui anime l'atelier (ou la coordination) l'annule ; les inscrits en
        sont retirés."""
        command = CancelWorkshop(workshop_id=workshop_id)
        handlers.cancel_workshop(command, asker.actor, asker.meta)
        return queries.workshop(workshop_id)

    @counselling.get(
        "/counselling-interviews/free-times",
        responses=answers({404: "job dating or candidate unknown"}),
        summary="Heures libres pour un entretien individuel",
    )
    def free_times(
        job_dating_id: str,
        candidate_id: str,
        asker: Asker,
        counsellor_id: str | None = None,
        minutes: Annotated[int, Query(ge=15, le=120)] = 45,
        count: Annotated[int, Query(ge=1, le=20)] = 5,
    ) -> list[datetime]:
        """Les heures où un conseiller et un candidat sont libres sur un site, pour fixer un entretien
        individuel de préparation."""
        who = counsellor_id or asker.caller.actor_id
        return handlers.free_times(job_dating_id, candidate_id, who, minutes, count)

    @counselling.post(
        "/counselling-interviews",
        status_code=status.HTTP_201_CREATED,
        summary="Fixer un entretien individuel",
        dependencies=only(BOOKERS),
    )
    def book(body: CounsellingIn, asker: Asker) -> CounsellingView:
        """Un conseiller de la structure du candidat (pour lui-même), son administrateur ou la coordination
        fixe un entretien individuel de préparation."""
        command = BookCounsellingInterview(
            interview_id=body.interview_id or ids(),
            job_dating_id=body.job_dating_id,
            candidate_id=body.candidate_id,
            counsellor_id=body.counsellor_id or asker.caller.actor_id,
            starts_at=as_local(body.starts_at, ctx.zone_of(body.job_dating_id)),
            minutes=body.minutes,
        )
        handlers.book_counselling(command, asker.actor, asker.meta)
        return _one(ctx, command.interview_id)

    @counselling.post(
        "/counselling-interviews/{interview_id}/cancel",
        summary="Annuler un entretien individuel",
        dependencies=only(BOOKERS),
    )
    def cancel(interview_id: str, asker: Asker) -> CounsellingView:
        """La structure du conseiller (ou la coordination) annule un entretien individuel de préparation."""
        command = CancelCounsellingInterview(interview_id=interview_id)
        handlers.cancel_counselling(command, asker.actor, asker.meta)
        return _one(ctx, interview_id)

    @counselling.get("/counselling-interviews", summary="Lister les entretiens individuels d'un conseiller")
    def list_counselling(asker: Asker, counsellor_id: str | None = None) -> list[CounsellingView]:
        """Les entretiens individuels d'un conseiller (par défaut, ceux de l'appelant), annulés compris."""
        return prep.counsellings(ctx.queries.read, counsellor_id or asker.caller.actor_id)

    @counselling.get("/counselling-interviews/{interview_id}", summary="Consulter un entretien individuel")
    def get(interview_id: str, _: Caller) -> CounsellingView:
        """Un entretien individuel de préparation : candidat, conseiller, site et heure."""
        return _one(ctx, interview_id)

    return joined(workshops, counselling)


def _one(ctx: HttpContext, interview_id: str) -> CounsellingView:
    found = prep.counselling(ctx.queries.read, interview_id)
    if found is None:
        raise NotFound.on("interview_id", "entretien individuel inconnu")
    return found
