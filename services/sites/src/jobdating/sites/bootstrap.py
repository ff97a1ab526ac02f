"""The composition root: the only place that picks the store, the clock, the ids and the token table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from jobdating.contracts.sites import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.host import Subscription
from jobdating.runtime.http import create_app
from jobdating.runtime.ids import new_id
from jobdating.runtime.service_main import configured
from jobdating.sites.adapters import http, projections
from jobdating.sites.application.handlers import SiteHandlers
from jobdating.sites.application.queries import SiteQueries
from jobdating.sites.config import SitesSettings


@dataclass(frozen=True)
class SitesService:
    """One wired sites instance: what a host runs and what tests or a demo loader drive."""

    settings: SitesSettings
    store: EventStore
    clock: Clock
    bus: CommandBus
    handlers: SiteHandlers
    queries: SiteQueries
    app: FastAPI

    def subscriptions(self) -> list[Subscription]:
        """The durable consumers this service reads: none, sites only publishes."""
        return []


def bootstrap(
    settings: SitesSettings,
    *,
    store: EventStore | None = None,
    tokens: TokenTable | None = None,
    clock: Clock | None = None,
    ids: Callable[[], str] = new_id,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
) -> SitesService:
    """Wire a sites instance; anything not given comes from the settings (store URL, tokens file)."""
    store, tokens, clock = configured(settings, store, tokens, clock, projections.migrate)
    bus = CommandBus(store, SERVICE, clock, ids=ids, on_commit=on_commit)
    handlers = SiteHandlers(bus, projections.project, projections.labels_in_use, log=log)
    queries = SiteQueries(store, ZoneInfo(settings.timezone))

    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "log_head": store.head(),
            # What the console compares with the stream's count (positions may skip on PostgreSQL).
            "events": store.count(),
            "relay_position": store.relay_position("jetstream"),
            "read_model_position": store.checkpoint(projections.PROJECTION),
        }

    app = create_app(SERVICE, settings.org, tokens, health, title="jobdating: sites, rooms and computers")
    http.install(app, handlers, queries, settings.org, ids)
    return SitesService(
        settings=settings, store=store, clock=clock, bus=bus, handlers=handlers, queries=queries, app=app
    )
