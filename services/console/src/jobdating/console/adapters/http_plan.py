"""« Le planning »: the published plan by site, computer, company or candidate, one group or all."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from jobdating.console.adapters.coordination import asked, coordinator
from jobdating.console.adapters.web import Web
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

    return api
