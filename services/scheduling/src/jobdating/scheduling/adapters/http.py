"""The scheduling service's HTTP API: requests become commands or queries, refusals become 4xx with the
field and a reason in French, and nothing is stored.

Reads need a valid token; a recruiter (token `org` = their company's id) reads only their company's agenda
and slots. Writes are checked by the domain's permission rules (`domain/permissions.py`). A date-time
without an offset is read as local time at the sites (the job dating's time zone).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI

from jobdating.runtime.auth import Caller
from jobdating.runtime.http import install_refusals
from jobdating.scheduling.adapters import (
    http_choices,
    http_day,
    http_manual,
    http_plans,
    http_preparation,
    http_waiting,
    http_workshops,
)
from jobdating.scheduling.adapters.http_context import HttpContext, joined
from jobdating.scheduling.application.handlers import SchedulingHandlers
from jobdating.scheduling.application.queries import SchedulingQueries
from jobdating.scheduling.domain.errors import SchedulingRefusal


def install(
    app: FastAPI,
    handlers: SchedulingHandlers,
    queries: SchedulingQueries,
    timezone: str,
) -> None:
    """Add the scheduling routes and the translation of refusals to `app` (made by `create_app`)."""
    app.include_router(_router(handlers, queries, ZoneInfo(timezone)))
    install_refusals(app, SchedulingRefusal)


def _router(handlers: SchedulingHandlers, queries: SchedulingQueries, default_zone: ZoneInfo) -> APIRouter:
    ctx = HttpContext(handlers, queries, default_zone)
    parts = (http_plans, http_day, http_manual, http_workshops, http_waiting, http_choices, http_preparation)
    router = joined(*(part.router(ctx) for part in parts))

    @router.get("/facts", tags=["ops"], summary="Faits connus du service")
    def facts(_: Caller) -> dict[str, int]:
        """Pour l'exploitation : combien de candidats, entreprises, sites et ordinateurs le service de
        planification connaît."""
        return queries.facts_counts()

    return router
