"""The composition root: the only place that chooses implementations and wires them together."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from fastapi import FastAPI

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore import EventStore
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.adapters import blind_index_tables, fed_tables, files, http, projections
from jobdating.registration.adapters.http_duplicates import duplicates_router
from jobdating.registration.adapters.http_link_answers import link_answers_router
from jobdating.registration.adapters.keyring import Keyring
from jobdating.registration.adapters.messaging import (
    serve_candidate_answers,
    serve_contact_openings,
    serve_contacts,
    serve_first_names,
)
from jobdating.registration.adapters.remote_openings import RemoteOpenings
from jobdating.registration.application.duplicates import DuplicateFinder
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.link_answers import LinkAnswers
from jobdating.registration.application.policies import policy_for
from jobdating.registration.application.ports import NOTHING_JUST_SEALED
from jobdating.registration.application.retention import RetentionJob
from jobdating.registration.application.service import SERVICE, RegistrationService
from jobdating.registration.config import RegistrationSettings
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock, SystemClock
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.host import ServiceHost, Subscription
from jobdating.runtime.http import create_app
from jobdating.runtime.service_main import Given, Wired, configured


@dataclass(frozen=True, kw_only=True)
class RegistrationInstance(Wired[RegistrationSettings]):
    """One wired registration instance (`RegistrationService` is its application)."""

    service: RegistrationService
    retention: RetentionJob
    remote_openings: RemoteOpenings
    duplicates: DuplicateFinder

    def subscriptions(self) -> list[Subscription]:
        """The durable consumer of site events this instance reads, with its handler."""
        return [Subscription(self.settings.sites_consumer, policy_for(self.settings.org, fed_tables))]


def bootstrap(
    settings: RegistrationSettings,
    *,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    **given: Unpack[Given],
) -> RegistrationInstance:
    """Wire an instance; anything not given comes from the settings (store URL, tokens file)."""
    store, tokens, clock = configured(settings, given)
    service = build_service(
        org=settings.org, store=store, clock=clock, on_commit=on_commit, log=log, zone=settings.timezone
    )
    remote_openings = RemoteOpenings(service.log)
    duplicates = DuplicateFinder(service, settings.federation_key(), blind_index_tables)
    app = build_app(service, tokens, remote_openings, settings.candidate_link_key(), duplicates)
    retention = retention_job(service, settings, clock)
    return RegistrationInstance(
        settings=settings,
        store=store,
        clock=clock,
        service=service,
        app=app,
        retention=retention,
        remote_openings=remote_openings,
        duplicates=duplicates,
    )


async def run(host: ServiceHost, instance: RegistrationInstance) -> None:
    """Connect, answer contact and first-names questions (and contact openings asked by other instances,
    which it may ask too) and record candidates' answers relayed by notifications, then run the relay, the
    sites consumer, the API, the daily retention job and the duplicate sweep until stopped."""
    nc = await host.connect()
    await serve_contacts(nc, instance.service)
    await serve_first_names(nc, instance.service)
    await serve_contact_openings(nc, instance.service)
    # Candidates' replies to SMS, relayed by notifications: recorded like their personal link's answers.
    answers = LinkAnswers(RegistrationHandlers(instance.service), None)
    await serve_candidate_answers(nc, instance.service, answers)
    instance.remote_openings.connect(nc)
    daily = asyncio.create_task(instance.retention.run_daily(host.stop))
    # The blind index and the suspected duplicates, brought up to date every few seconds.
    sweeping = asyncio.create_task(instance.duplicates.run(host.stop))
    await host.run()
    await daily
    await sweeping


def retention_job(service: RegistrationService, settings: RegistrationSettings, clock: Clock) -> RetentionJob:
    """The job erasing the candidates whose retention ran out, the store scrubbed after its erasures."""
    return RetentionJob(
        service,
        settings.retention_policy(),
        clock,
        settings.timezone,
        lambda: projections.scrub_erased(service.store),
    )


def build_service(
    *,
    org: str,
    store: EventStore,
    clock: Clock | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    on_command: Callable[[str, str], None] | None = None,
    zone: str = "Europe/Paris",
) -> RegistrationService:
    """The application over an opened store: keys and projections migrated, the command bus ready."""
    keyring = Keyring(store)
    with store.transaction() as tx:
        keyring.migrate(tx)
        projections.migrate(tx)
    bus = CommandBus(store, SERVICE, clock or SystemClock(), on_commit=on_commit)

    def project(
        tx: Transaction, event: RecordedEvent, just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED, /
    ) -> None:
        projections.apply(tx, event, keyring, just_sealed)

    def project_batch(
        tx: Transaction, recorded: Sequence[RecordedEvent], just_sealed: Sequence[Mapping[Sealed, bytes]], /
    ) -> None:
        projections.apply_batch(tx, recorded, keyring, just_sealed)

    return RegistrationService(
        org=org,
        store=store,
        keyring=keyring,
        project=project,
        project_batch=project_batch,
        read_table=files.read_table,
        bus=bus,
        log=log,
        on_command=on_command,
        zone=zone,
    )


def build_app(
    service: RegistrationService,
    tokens: TokenTable,
    remote_openings: RemoteOpenings | None = None,
    link_key: bytes | None = None,
    duplicates: DuplicateFinder | None = None,
) -> FastAPI:
    """The HTTP API of a service, its command counter wired into the app's metrics; `remote_openings`
    reaches other instances once connected (without it, only this instance's candidates can be opened)."""

    def health() -> dict[str, Any]:
        return {"status": "ok", "events": service.store.count()}

    app = create_app(SERVICE, service.org, tokens, health, "jobdating registration")
    handlers = RegistrationHandlers(service)
    http.install(app, handlers, service, remote_openings or RemoteOpenings(service.log))
    # Candidates answer from their personal links, signed with the console's key (`link_key`).
    app.include_router(link_answers_router(LinkAnswers(handlers, link_key)))
    # Suspected duplicates are listed and resolved even without a federation key (none are then found).
    app.include_router(duplicates_router(duplicates or DuplicateFinder(service, None, blind_index_tables)))
    service.on_command = http.command_counter(app.state.metrics)
    return app
