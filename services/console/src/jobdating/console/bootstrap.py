"""The composition root: the only place that picks the clock, the sessions, the services' addresses and
the key of the candidates' links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from jobdating.console.adapters import http_candidate, http_reception, http_sign_in, web
from jobdating.console.adapters.upstream import HttpServices
from jobdating.console.application.ports import Services
from jobdating.console.application.sessions import Sessions
from jobdating.console.config import ConsoleSettings
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock
from jobdating.runtime.http import create_app


@dataclass(frozen=True)
class ConsoleService:
    settings: ConsoleSettings
    clock: Clock
    sessions: Sessions
    services: Services
    app: FastAPI


def bootstrap(
    settings: ConsoleSettings,
    *,
    clock: Clock | None = None,
    services: Services | None = None,
    log: Any = None,
) -> ConsoleService:
    """Wire a console; anything not given comes from the settings."""
    clock = clock or settings.clock()
    services = services or HttpServices(
        {
            "identity": settings.identity_url or "",
            "registration": settings.registration_url,
            "sites": settings.sites_url,
            "scheduling": settings.scheduling_url,
        },
        settings.upstream_timeout,
    )
    sessions = Sessions(timedelta(minutes=settings.session_minutes))
    app = create_app("console", settings.org, TokenTable({}), dict, "Job dating — console")
    context = web.Web(
        sessions=sessions,
        services=services,
        clock=clock,
        zone=ZoneInfo(settings.timezone),
        secure_cookie=settings.secure_cookie,
        key=settings.secret(),
        link_days=settings.candidate_link_days,
        templates=web.templates(),
        reader_token=settings.reader_token(),
    )
    web.install(app, context)
    app.include_router(http_sign_in.router(context))
    app.include_router(http_reception.router(context))
    app.include_router(http_candidate.router(context))
    return ConsoleService(settings=settings, clock=clock, sessions=sessions, services=services, app=app)
