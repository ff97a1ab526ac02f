"""HTTP routes from a job dating's set-up to its published plan: plan it, adjust pairings, freeze it,
compute, read and publish plans, follow the changes made after publication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, status

from jobdating.contracts.scheduling import Break, SiteWindow
from jobdating.runtime.auth import Caller, only
from jobdating.runtime.commands import Meta
from jobdating.runtime.http import MAX_POSITION
from jobdating.scheduling.adapters.http_context import Asker, HttpContext, as_local, zone_named
from jobdating.scheduling.adapters.schemas import (
    ComputePlanIn,
    JobDatingIn,
    PairingIn,
    PublishIn,
)
from jobdating.scheduling.application.queries import JobDatingView
from jobdating.scheduling.application.queries_day import ChangeView
from jobdating.scheduling.application.queries_plan_views import GroupBy, PlanView
from jobdating.scheduling.domain.commands import (
    ForbidPairing,
    FreezeJobDating,
    PairingCommand,
    PinPairing,
    PlanJobDating,
    PublishPlan,
    ReleasePairing,
)
from jobdating.scheduling.domain.errors import Forbidden
from jobdating.scheduling.domain.permissions import COORDINATION, Actor, may_read_plans

MAX_CHANGES = 5000

P = TypeVar("P", bound=PairingCommand)


def router(ctx: HttpContext) -> APIRouter:
    """Routes to set a job dating up, adjust it, and compute, publish and follow its plan."""
    router = APIRouter()
    handlers, queries, ids = ctx.handlers, ctx.queries, ctx.handlers.ids

    # ---- job datings -------------------------------------------------------------------------------

    @router.post(
        "/job-datings",
        status_code=status.HTTP_201_CREATED,
        tags=["job datings"],
        summary="Créer un job dating",
        dependencies=only(COORDINATION),
    )
    def plan_job_dating(body: JobDatingIn, asker: Asker) -> JobDatingView:
        """La coordination crée un job dating : sa date, ses sites et leurs horaires, la durée des
        entretiens."""
        timezone = body.timezone or ctx.default_zone.key
        zone = zone_named(timezone)
        command = PlanJobDating(
            job_dating_id=body.job_dating_id or ids(),
            title=body.title,
            days=tuple(body.days),
            site_windows=tuple(
                SiteWindow(site_id=w.site_id, day=w.day, start=w.start, end=w.end) for w in body.site_windows
            ),
            interview_minutes=body.interview_minutes,
            buffer_minutes=body.buffer_minutes,
            breaks=tuple(Break(day=b.day, start=b.start, end=b.end) for b in body.breaks),
            max_interviews_per_candidate=body.max_interviews_per_candidate,
            freeze_at=as_local(body.freeze_at, zone) if body.freeze_at is not None else None,
            timezone=timezone,
        )
        handlers.plan_job_dating(command, asker.actor, asker.meta)
        return queries.job_dating(command.job_dating_id)

    @router.get("/job-datings", tags=["job datings"], summary="Lister les job datings")
    def list_job_datings(_: Caller) -> list[dict[str, Any]]:
        """Tout appelant muni d'un jeton voit les job datings créés."""
        return queries.job_datings()

    @router.get("/job-datings/{job_dating_id}", tags=["job datings"], summary="Consulter un job dating")
    def get_job_dating(job_dating_id: str, _: Caller) -> JobDatingView:
        """Un job dating : sa date, ses sites, ses réglages et les ajustements de la coordination."""
        return queries.job_dating(job_dating_id)

    def adjust_pairing(
        kind: type[P], handle: Callable[[P, Actor, Meta], object]
    ) -> Callable[[str, PairingIn, Asker], JobDatingView]:
        def adjust(job_dating_id: str, body: PairingIn, asker: Asker) -> JobDatingView:
            command = kind(
                job_dating_id=job_dating_id, candidate_id=body.candidate_id, company_id=body.company_id
            )
            handle(command, asker.actor, asker.meta)
            return queries.job_dating(job_dating_id)

        return adjust

    # Pin, forbid or release a pairing: one body, one answer, a path (and an operation name) each.
    for path, name, adjust, summary in (
        ("pins", "pin", adjust_pairing(PinPairing, handlers.pin_or_forbid), PIN),
        ("forbids", "forbid", adjust_pairing(ForbidPairing, handlers.pin_or_forbid), FORBID),
        ("releases", "release", adjust_pairing(ReleasePairing, handlers.release), RELEASE),
    ):
        router.add_api_route(
            f"/job-datings/{{job_dating_id}}/{path}",
            adjust,
            methods=["POST"],
            name=name,
            tags=["adjustments"],
            summary=summary,
            description=PAIRING_DESCRIPTION,
            dependencies=only(COORDINATION),
        )

    @router.post(
        "/job-datings/{job_dating_id}/freeze",
        tags=["adjustments"],
        summary="Figer le job dating",
        dependencies=only(COORDINATION),
    )
    def freeze(job_dating_id: str, asker: Asker) -> JobDatingView:
        """La coordination fige les inscriptions et les choix : plus aucun changement avant le calcul du
        planning."""
        handlers.freeze(FreezeJobDating(job_dating_id=job_dating_id), asker.actor, asker.meta)
        return queries.job_dating(job_dating_id)

    # ---- plans -------------------------------------------------------------------------------------

    @router.post(
        "/job-datings/{job_dating_id}/provisional-plans",
        status_code=status.HTTP_201_CREATED,
        tags=["plans"],
        summary="Calculer un planning provisoire",
        dependencies=only(COORDINATION),
    )
    def compute_plan(job_dating_id: str, body: ComputePlanIn, asker: Asker, by: GroupBy = "site") -> PlanView:
        """La coordination lance le calcul d'un planning provisoire, qu'elle relit avant de le publier."""
        plan = handlers.compute_plan(job_dating_id, asker.actor, body.engine, body.time_limit)
        return queries.plan(job_dating_id, by=by, kind="provisional", plan_id=plan.plan_id)

    @router.get(
        "/job-datings/{job_dating_id}/provisional-plan", tags=["plans"], summary="Lire le planning provisoire"
    )
    def provisional_plan(
        job_dating_id: str,
        asker: Asker,
        by: GroupBy = "site",
        key: str | None = None,
        plan_id: str | None = None,
    ) -> PlanView:
        """Le dernier planning provisoire, par site, ordinateur, entreprise ou candidat (pas pour les
        recruteurs)."""
        may_read_plans(asker.actor, "job_dating_id")
        return queries.plan(job_dating_id, by=by, key=key, kind="provisional", plan_id=plan_id)

    @router.post(
        "/job-datings/{job_dating_id}/publish",
        tags=["plans"],
        summary="Publier le planning",
        dependencies=only(COORDINATION),
    )
    def publish(job_dating_id: str, body: PublishIn, asker: Asker) -> PlanView:
        """La coordination publie un planning provisoire : il devient le planning du jour et les convocations
        partent."""
        command = PublishPlan(job_dating_id=job_dating_id, plan_id=body.plan_id)
        handlers.publish(command, asker.actor, asker.meta)
        return queries.plan(job_dating_id, by="site")

    @router.get("/job-datings/{job_dating_id}/plan", tags=["plans"], summary="Lire le planning publié")
    def published_plan(
        job_dating_id: str,
        asker: Asker,
        by: GroupBy = "site",
        key: str | None = None,
        include_cancelled: bool = False,
    ) -> PlanView:
        """Le planning publié, par site, ordinateur, entreprise ou candidat ; un recruteur ne lit que celui de
        son entreprise."""
        # A recruiter reads their own company's agenda only.
        if asker.actor.recruiter_only and (by != "company" or key != asker.caller.org):
            raise Forbidden.on("key", "un recruteur ne consulte que le planning de son entreprise")
        return queries.plan(job_dating_id, by=by, key=key, include_cancelled=include_cancelled)

    @router.get(
        "/job-datings/{job_dating_id}/changes", tags=["plans"], summary="Changements du planning publié"
    )
    def changes(
        job_dating_id: str,
        asker: Asker,
        after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="the last change's position")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = 500,
    ) -> list[ChangeView]:
        """Les changements faits au planning publié depuis une position donnée, pour suivre la journée (pas
        pour les recruteurs)."""
        may_read_plans(asker.actor, "job_dating_id")
        return queries.changes(job_dating_id, after=after, limit=limit)

    return router


PIN = "Imposer une rencontre entre un candidat et une entreprise"
FORBID = "Interdire une rencontre entre un candidat et une entreprise"
RELEASE = "Lever une rencontre imposée ou interdite"
PAIRING_DESCRIPTION = (
    "La coordination ajuste le prochain calcul du planning pour un candidat et une entreprise : "
    "leur rencontre est imposée, interdite, ou laissée de nouveau au calcul."
)
