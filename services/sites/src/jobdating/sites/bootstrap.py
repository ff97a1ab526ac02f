"""The composition root: the only place that picks the store, the clock, the ids and the token table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Unpack
from zoneinfo import ZoneInfo

from jobdating.contracts.sites import SERVICE
from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.http import create_app, log_health
from jobdating.runtime.ids import new_id
from jobdating.runtime.service_main import Given, WiredWithBus, configured
from jobdating.sites.adapters import http, projections
from jobdating.sites.application.handlers import SiteHandlers
from jobdating.sites.application.queries import SiteQueries
from jobdating.sites.config import SitesSettings


@dataclass(frozen=True, kw_only=True)
class SitesService(WiredWithBus[SitesSettings]):
    """One wired sites instance; it reads no other service's events, it only publishes."""

    handlers: SiteHandlers
    queries: SiteQueries


def bootstrap(
    settings: SitesSettings,
    *,
    ids: Callable[[], str] = new_id,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    **given: Unpack[Given],
) -> SitesService:
    """Wire a sites instance; anything not given comes from the settings (store URL, tokens file)."""
    store, tokens, clock = configured(settings, given, projections.migrate)
    bus = CommandBus(store, SERVICE, clock, ids=ids, on_commit=on_commit)
    handlers = SiteHandlers(bus, projections.project, projections.labels_in_use, log=log)
    queries = SiteQueries(store, ZoneInfo(settings.timezone))

    health = partial(log_health, store, projections.PROJECTION)
    app = create_app(SERVICE, settings.org, tokens, health, title="jobdating: sites, rooms and computers")
    http.install(app, handlers, queries, ids)
    return SitesService(
        settings=settings, store=store, clock=clock, bus=bus, handlers=handlers, queries=queries, app=app
    )
