"""The composition root: the only place that picks the store, the clock, the ids, the video links and the
token table, and wires the scheduling service together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Unpack

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.scheduling import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent, Transaction
from jobdating.runtime.commands import CommandBus, Project
from jobdating.runtime.host import Subscription
from jobdating.runtime.http import create_app, log_health
from jobdating.runtime.ids import new_id
from jobdating.runtime.logging import log_recorded
from jobdating.runtime.service_main import Given, WiredWithBus, configured
from jobdating.scheduling.adapters import accounts, facts, http, plans, projections, tables
from jobdating.scheduling.adapters.video import video_links
from jobdating.scheduling.application.handlers import SchedulingHandlers
from jobdating.scheduling.application.planning import Planner
from jobdating.scheduling.application.policies import (
    IDENTITY_CONSUMER,
    REGISTRATION_CONSUMER,
    SITES_CONSUMER,
    Policies,
)
from jobdating.scheduling.application.queries import SchedulingQueries
from jobdating.scheduling.application.repairs import Repairs
from jobdating.scheduling.config import SchedulingSettings


@dataclass(frozen=True, kw_only=True)
class SchedulingService(WiredWithBus[SchedulingSettings]):
    """One wired scheduling instance."""

    handlers: SchedulingHandlers
    queries: SchedulingQueries
    policies: Policies

    def subscriptions(self) -> list[Subscription]:
        """The durable consumers this service reads, with their handlers."""
        return [
            Subscription(REGISTRATION_CONSUMER, self.policies.on_registration),
            Subscription(SITES_CONSUMER, self.policies.on_sites),
            Subscription(IDENTITY_CONSUMER, self.policies.on_identity),
        ]


def bootstrap(
    settings: SchedulingSettings,
    *,
    ids: Callable[[], str] = new_id,
    video_token: Callable[[], str] | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    **given: Unpack[Given],
) -> SchedulingService:
    """Wire a scheduling instance; anything not given comes from the settings (store URL, tokens file)."""
    store, tokens, clock = configured(settings, given, tables.migrate)
    bus = CommandBus(store, SERVICE, clock, ids=ids, on_commit=on_commit, project=projecting(log))
    links = video_links(settings.video_base_url, video_token)
    repairs = Repairs(ids, links, lead_minutes=settings.repair_lead_minutes, log=log)
    planner = Planner(
        store,
        bus,
        ids,
        clock,
        save_plan=plans.save,
        engine=settings.solver_engine,
        time_limit=settings.solver_time_limit,
        threads=settings.solver_threads,
        log=log,
    )
    handlers = SchedulingHandlers(bus, planner, repairs, links, log=log)
    queries = SchedulingQueries(store, bus.registry, clock)
    policies = Policies(
        bus,
        repairs,
        clock,
        settings.org,
        apply_fact=facts.apply_fact,
        apply_account=accounts.apply_account,
        log=log,
    )

    def health() -> dict[str, Any]:
        return {
            **log_health(store, projections.PROJECTION),
            "clock": clock.now().isoformat(),
            "facts": queries.facts_counts(),
        }

    app = create_app(
        SERVICE, settings.org, tokens, health, title="jobdating: scheduling, repairs and the day"
    )
    http.install(app, handlers, queries, settings.timezone)
    return SchedulingService(
        settings=settings,
        store=store,
        clock=clock,
        bus=bus,
        handlers=handlers,
        queries=queries,
        policies=policies,
        app=app,
    )


def open_queries(settings: SchedulingSettings, store: EventStore) -> SchedulingQueries:
    """Reads over a store without the HTTP app (the export command)."""
    tables.migrate(store)
    clock = settings.clock()
    return SchedulingQueries(store, REGISTRY, clock)


def projecting(log: Any) -> Project:
    """What every append does in its transaction: the read model follows it, and the log says so."""

    def project(tx: Transaction, stored: list[StoredEvent]) -> None:
        projections.project(tx, stored)
        log_recorded(log, stored)

    return project
