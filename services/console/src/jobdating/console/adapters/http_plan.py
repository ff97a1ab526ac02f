"""« Le planning »: the published plan by site, computer, company or candidate, one group or all; and the
convocations to print for the candidates no message reached (notifications' PDF, handed on as it is)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from jobdating.console.adapters.coordination import asked, coordinator
from jobdating.console.adapters.http_answers import DOWN
from jobdating.console.adapters.web import NotHere, Web
from jobdating.console.application import plan_views
from jobdating.console.application.live_day import job_dating_of_the_day


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/coordination/planning")
    def plan_page(request: Request, par: str = "site", cle: str = "") -> Response:
        session, token = coordinator(web, request)
        by = par if par in plan_views.VIEWS else "site"

        def read() -> plan_views.Plan:
            jd = job_dating_of_the_day(web.services, token)
            jd_id = str(jd["job_dating_id"]) if jd is not None else None
            return plan_views.plan(web.services, token, jd_id, by, cle or None)

        plan = asked(web, request, session, read)
        return web.page(request, "plan.html", session, plan=plan, views=plan_views.VIEWS, here="plan")

    @api.get("/coordination/courriers/{job_dating_id}")
    def letters(request: Request, job_dating_id: str) -> Response:
        session, token = coordinator(web, request)
        path = f"/job-datings/{quote(job_dating_id, safe='')}/letters.pdf"
        pdf = asked(web, request, session, lambda: web.services.get("notifications", path, token))
        if not isinstance(pdf, bytes):  # not the document: say so rather than hand on something else
            raise NotHere(web.refused(request, session, 503, [DOWN]))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'inline; filename="convocations-par-courrier.pdf"',
                "Cache-Control": "no-store",  # names and addresses
            },
        )

    return api
