"""The composition root: the only place that chooses implementations and wires them together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore import EventStore, open_store
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.adapters import files, projections
from jobdating.registration.adapters.http import command_counter, create_registration_app
from jobdating.registration.adapters.keyring import Keyring
from jobdating.registration.adapters.messaging import serve_contacts
from jobdating.registration.application.policies import policy_for
from jobdating.registration.application.ports import NOTHING_JUST_SEALED
from jobdating.registration.application.service import SERVICE, RegistrationService
from jobdating.registration.config import RegistrationSettings
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock, SystemClock
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.host import ServiceHost, Subscription
from jobdating.runtime.logging import configure_logging


def build_service(
    *,
    org: str,
    store: EventStore,
    clock: Clock | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    on_command: Callable[[str, str], None] | None = None,
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

    return RegistrationService(
        org=org,
        store=store,
        keyring=keyring,
        project=project,
        read_table=files.read_table,
        bus=bus,
        log=log,
        on_command=on_command,
    )


def build_app(service: RegistrationService, tokens: TokenTable) -> FastAPI:
    """The HTTP API of a service, its command counter wired into the app's metrics."""
    app = create_registration_app(service, tokens)
    service.on_command = command_counter(app.state.metrics)
    return app


@dataclass(frozen=True)
class Runtime:
    """Everything `serve` runs."""

    service: RegistrationService
    app: FastAPI
    host: ServiceHost


def build(settings: RegistrationSettings) -> Runtime:
    """Store, keys, command bus, HTTP app and the host running relay, consumer and uvicorn."""
    log = configure_logging(SERVICE, settings.org, settings.log_level_number)
    store = open_store(settings.store_url)
    host = ServiceHost(
        store=store,
        nats_url=settings.nats_url,
        app=None,
        host=settings.host,
        port=settings.port,
        subscriptions=[Subscription(settings.sites_consumer, policy_for(settings.org, projections))],
        log=log,
    )
    clock = settings.clock()
    service = build_service(org=settings.org, store=store, clock=clock, on_commit=host.notify_commit, log=log)
    if settings.tokens_file is None:
        raise ValueError("no tokens file: set JOBDATING_REGISTRATION_TOKENS_FILE")
    app = build_app(service, TokenTable.from_file(settings.tokens_file))
    host.app = app
    return Runtime(service=service, app=app, host=host)


async def run(runtime: Runtime) -> None:
    """Connect, answer contact questions, then run the relay, the sites consumer and the API until stopped."""
    nc = await runtime.host.connect()
    await serve_contacts(nc, runtime.service)
    await runtime.host.run()
