"""« L'état des données »: each service's log, the stream and its read model, side by side."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from jobdating.console.adapters.coordination import coordinator
from jobdating.console.adapters.web import Web
from jobdating.console.application.data_status import AUDITED, StreamCounts, health_of, service_data


def router(web: Web, stream: StreamCounts) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/coordination/donnees")
    async def data_page(request: Request) -> Response:
        session, token = coordinator(web, request)
        found = []
        for service in AUDITED:
            health = await run_in_threadpool(health_of, web.services, token, service)
            found.append(await service_data(health, service, stream))
        return web.page(request, "data_status.html", session, services=found, names=AUDITED, here="data")

    return api
