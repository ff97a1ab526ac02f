"""The composition root: the only place that picks the clock, the sessions' store, the services' addresses
and the key of the candidates' links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from jobdating.console.adapters import (
    http_by_hand,
    http_candidate,
    http_counsellor,
    http_data_status,
    http_duplicates,
    http_imports,
    http_live,
    http_partners,
    http_plan,
    http_reception,
    http_reception_desk,
    http_recruiter,
    http_sign_in,
    http_statistics,
    web,
)
from jobdating.console.adapters.live_feed import LiveFeed
from jobdating.console.adapters.session_store import StoredSessions
from jobdating.console.adapters.stream_report import StreamReader
from jobdating.console.adapters.upstream import HttpServices
from jobdating.console.application.ports import Services
from jobdating.console.application.sessions import Sessions
from jobdating.console.config import ConsoleSettings
from jobdating.eventstore.factory import open_store
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock
from jobdating.runtime.http import create_app
from jobdating.runtime.service_main import Wired


@dataclass(frozen=True, kw_only=True)
class ConsoleService(Wired[ConsoleSettings]):
    """One wired console: its sessions, the services it calls and the live feed it relays."""

    sessions: Sessions
    services: Services
    feed: LiveFeed


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
            "notifications": settings.notifications_url,
        },
        settings.upstream_timeout,
    )
    # Sessions outlive a restart and are shared by every console process using the same store.
    store = open_store(settings.store_url)
    sessions = Sessions(StoredSessions(store), timedelta(minutes=settings.session_minutes))
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
    app.include_router(http_counsellor.router(context))
    app.include_router(http_partners.router(context))
    app.include_router(http_imports.router(context))
    app.include_router(http_duplicates.router(context))
    app.include_router(http_reception_desk.router(context))
    app.include_router(http_recruiter.router(context))
    http_recruiter.install(app, context)
    feed = LiveFeed(settings.nats_url)
    app.include_router(http_live.router(context, feed))
    app.include_router(http_plan.router(context))
    app.include_router(http_by_hand.router(context))
    stream = StreamReader(settings.nats_url, settings.upstream_timeout)
    app.include_router(http_statistics.router(context, stream))
    app.include_router(http_data_status.router(context, stream))
    _run_with(app, feed)
    return ConsoleService(
        settings=settings,
        clock=clock,
        store=store,
        sessions=sessions,
        services=services,
        feed=feed,
        app=app,
    )


def _run_with(app: FastAPI, feed: LiveFeed) -> None:
    """The feed's consumer runs as long as the app serves, in its event loop."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[Any]:
        await feed.start()
        try:
            async with inner(served) as state:
                yield state
        finally:
            await feed.stop()

    app.router.lifespan_context = lifespan
