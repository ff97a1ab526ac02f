"""HTTP routes of the coordinator's changes by hand on a published plan: add, move or cancel one interview,
with a reason; a change that breaks a rule is a 409 naming each rule in French, unless forced."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, status

from jobdating.runtime.auth import only
from jobdating.runtime.http import to_command
from jobdating.scheduling.adapters.http_context import Asker, HttpContext, as_local
from jobdating.scheduling.adapters.http_day import job_dating_of
from jobdating.scheduling.adapters.schemas import AddInterviewIn, CancelInterviewIn, MoveInterviewIn
from jobdating.scheduling.application.queries_plan_views import InterviewView
from jobdating.scheduling.domain.manual import AddInterview, CancelInterview, HandChange, MoveInterview
from jobdating.scheduling.domain.permissions import COORDINATION

FORCING = (
    " Si le changement enfreint une règle (candidat ou recruteur déjà pris, ordinateur en panne ou pris, "
    "site fermé, candidat indisponible, rencontre déjà prévue...), la réponse 409 nomme chaque règle ; "
    "renvoyer la demande avec `force` à vrai l'applique quand même, ce que l'audit montre avec la raison. "
    "Réservé à la coordination. Seules les personnes concernées sont prévenues."
)


@dataclass(frozen=True)
class OverriddenView:
    rule: str
    says: str


@dataclass(frozen=True)
class ByHandView:
    """The slot after a change by hand, and the rules the coordinator overrode (none when not forced)."""

    slot: InterviewView
    forced: bool
    overridden: list[OverriddenView]


def router(ctx: HttpContext) -> APIRouter:
    """Routes to add, move and cancel one interview by hand."""
    router = APIRouter(tags=["changes by hand"])
    handlers, queries, ids = ctx.handlers, ctx.queries, ctx.handlers.ids
    zone_of = ctx.zone_of

    def view(change: HandChange) -> ByHandView:
        said = [OverriddenView(r.rule, r.says) for r in change.recorded.overridden]
        return ByHandView(queries.slot(change.recorded.slot_id), change.recorded.forced, said)

    @router.post(
        "/job-datings/{job_dating_id}/interviews",
        status_code=status.HTTP_201_CREATED,
        summary="Ajouter un entretien à la main",
        description="Un entretien de plus sur le planning publié, à l'heure indiquée." + FORCING,
        dependencies=only(COORDINATION),
    )
    def add_interview(job_dating_id: str, body: AddInterviewIn, asker: Asker) -> ByHandView:
        starts_at = as_local(body.starts_at, zone_of(job_dating_id))
        command = to_command(
            AddInterview, body.model_dump(), job_dating_id=job_dating_id, slot_id=ids(), starts_at=starts_at
        )
        return view(handlers.add_interview(command, asker.actor, asker.meta))

    @router.post(
        "/slots/{slot_id}/move",
        summary="Déplacer un entretien à la main",
        description="Une autre heure, un autre ordinateur ou un autre site pour un entretien à venir."
        + FORCING
        + " Un second entretien garde son lieu (site du candidat, locaux de l'entreprise ou visio) : seule "
        "son heure, ou son ordinateur sur le site, change, selon les règles de sa réservation, sans forçage.",
        dependencies=only(COORDINATION),
    )
    def move_interview(slot_id: str, body: MoveInterviewIn, asker: Asker) -> ByHandView:
        starts_at = body.starts_at
        if starts_at is not None:
            starts_at = as_local(starts_at, zone_of(job_dating_of(queries, slot_id)))
        command = to_command(MoveInterview, body.model_dump(), slot_id=slot_id, starts_at=starts_at)
        return view(handlers.move_interview(command, asker.actor, asker.meta))

    @router.post(
        "/slots/{slot_id}/cancel",
        summary="Annuler un entretien à la main",
        description="Un entretien à venir n'aura pas lieu." + FORCING,
        dependencies=only(COORDINATION),
    )
    def cancel_interview(slot_id: str, body: CancelInterviewIn, asker: Asker) -> ByHandView:
        command = to_command(CancelInterview, body.model_dump(), slot_id=slot_id)
        return view(handlers.cancel_interview(command, asker.actor, asker.meta))

    return router
