"""« Les chiffres »: the figures of `jobdating report`, charted, for all job datings or one."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from jobdating.console.adapters.coordination import asked, coordinator
from jobdating.console.adapters.web import Web
from jobdating.console.application.statistics import NoStream, ReportSource, statistics
from jobdating.reporting.figures import Scope

NO_STREAM = "Les chiffres ne sont pas disponibles : la console ne lit pas le flux des événements ici."


def router(web: Web, source: ReportSource) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/coordination/chiffres")
    async def statistics_page(request: Request, jd: str = "") -> Response:
        session, token = coordinator(web, request)
        known = await run_in_threadpool(
            asked, web, request, session, lambda: web.services.get("scheduling", "/job-datings", token)
        )
        job_datings = [(str(j["job_dating_id"]), str(j.get("title", ""))) for j in known]
        chosen = jd if jd in dict(job_datings) else None
        try:
            report = await source.report(Scope(job_dating_id=chosen))
        except NoStream:
            return web.refused(request, session, 503, [NO_STREAM])
        return web.page(
            request,
            "statistics.html",
            session,
            stats=statistics(report),
            job_datings=job_datings,
            chosen=chosen or "",
            here="stats",
        )

    return api
