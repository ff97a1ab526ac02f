"""The composition root: the only place that picks the store, the clock, the channels and the directories."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from nats.aio.client import Client
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from jobdating.contracts.notifications import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.notifications.adapters import deliveries, http, projections, tables
from jobdating.notifications.adapters.contacts import RegistrationContacts
from jobdating.notifications.adapters.ics import IcsWriter
from jobdating.notifications.adapters.maildir import MaildirCopies, MaildirProbe
from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.adapters.sms import FileSmsSink, HttpSmsProvider, ProviderSmsChannel
from jobdating.notifications.adapters.smtp import SmtpChannel
from jobdating.notifications.adapters.staff import FileStaffDirectory
from jobdating.notifications.application import preferences, queries_deliveries
from jobdating.notifications.application.dispatcher import Dispatcher
from jobdating.notifications.application.planner import (
    REGISTRATION_CONSUMER,
    SCHEDULING_CONSUMER,
    SITES_CONSUMER,
    Planner,
)
from jobdating.notifications.application.ports import (
    Contacts,
    EmailChannel,
    MailboxProbe,
    SentCopies,
    SmsChannel,
    StaffDirectory,
)
from jobdating.notifications.application.queries import NotificationQueries, retry_failed
from jobdating.notifications.config import NotificationsSettings
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus, Meta
from jobdating.runtime.host import ServiceHost, Subscription
from jobdating.runtime.http import create_app
from jobdating.runtime.service_main import configured


@dataclass(frozen=True)
class NotificationsService:
    """One wired notifications instance, before it connects to NATS (the dispatcher needs a connection)."""

    settings: NotificationsSettings
    store: EventStore
    clock: Clock
    bus: CommandBus
    planner: Planner
    queries: NotificationQueries
    staff: StaffDirectory
    app: FastAPI
    wakeup: asyncio.Event
    outcomes: Counter
    log: Any

    def subscriptions(self) -> list[Subscription]:
        """The durable consumers this service reads, with their handlers."""
        return [
            Subscription(SCHEDULING_CONSUMER, self.planner.on_scheduling),
            Subscription(REGISTRATION_CONSUMER, self.planner.on_registration),
            Subscription(SITES_CONSUMER, self.planner.on_sites),
        ]


def bootstrap(
    settings: NotificationsSettings,
    *,
    store: EventStore | None = None,
    tokens: TokenTable | None = None,
    clock: Clock | None = None,
    staff: StaffDirectory | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
) -> NotificationsService:
    """Wire an instance; anything not given comes from the settings."""
    store, tokens, clock = configured(settings, store, tokens, clock, tables.migrate)
    staff = staff if staff is not None else FileStaffDirectory(settings.staff_file)
    wakeup = asyncio.Event()
    bus = CommandBus(store, SERVICE, clock, on_commit=on_commit)
    planner = Planner(
        clock,
        settings.timezone,
        read_model=projections,
        deliveries=deliveries,
        on_planned=wakeup.set,
        copies=sent_copies(settings, clock),
        change_delay=timedelta(seconds=settings.change_delay_seconds),
    )
    queries = NotificationQueries(store)

    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "log_head": store.head(),
            "relay_position": store.relay_position("jetstream"),
            "notifications": queries_deliveries.counts(store),
        }

    def retry(notification_id: str) -> bool:
        done = retry_failed(store, deliveries, notification_id, clock)
        if done:
            wakeup.set()
        return done

    def set_reminders(candidate_id: str, wanted: bool, meta: Meta, caller_org: str | None) -> bool:
        return preferences.set_reminders(bus, store, projections, candidate_id, wanted, meta, caller_org)

    def wants_reminders(candidate_id: str, caller_org: str | None) -> bool:
        return preferences.reminders(store, candidate_id, caller_org)

    app = create_app(SERVICE, settings.org, tokens, health, title="jobdating: notifications")
    http.install(app, queries, retry, set_reminders, wants_reminders, settings.org)
    outcomes = Counter(
        "notifications",
        "Messages settled, by outcome, channel and kind",
        ["outcome", "channel", "kind"],
        registry=app.state.metrics,
    )
    app.state.metrics.register(_QueueCollector(store))
    return NotificationsService(
        settings=settings,
        store=store,
        clock=clock,
        bus=bus,
        planner=planner,
        queries=queries,
        staff=staff,
        app=app,
        wakeup=wakeup,
        outcomes=outcomes,
        log=log,
    )


def sent_copies(settings: NotificationsSettings, clock: Clock) -> list[SentCopies]:
    """The embedded sinks that keep a copy of each message on this machine (none with real providers)."""
    copies: list[SentCopies] = []
    if settings.maildir is not None:
        copies.append(MaildirCopies(settings.maildir))
    if not settings.sms_provider_url:
        copies.append(FileSmsSink(settings.sms_sink, clock))
    return copies


def dispatcher(
    service: NotificationsService,
    nc: Client,
    *,
    contacts: Contacts | None = None,
    email: EmailChannel | None = None,
    sms: SmsChannel | None = None,
    probe: MailboxProbe | None = None,
) -> Dispatcher:
    """The sender of an instance, on a NATS connection; channels not given come from the settings."""
    s = service.settings
    if email is None:
        email = SmtpChannel(s.smtp_server(), s.mail_from, service.clock)
    if sms is None:
        if s.sms_provider_url:
            token = s.sms_provider_token_file.read_text().strip() if s.sms_provider_token_file else None
            sms = ProviderSmsChannel(HttpSmsProvider(s.sms_provider_url, token))
        else:
            sms = ProviderSmsChannel(FileSmsSink(s.sms_sink, service.clock))
    if probe is None and s.maildir is not None:
        probe = MaildirProbe(s.maildir)
    return Dispatcher(
        store=service.store,
        bus=service.bus,
        deliveries=deliveries,
        read_model=projections,
        contacts=contacts or RegistrationContacts(nc, wait=s.contact_timeout),
        staff=service.staff,
        renderer=JinjaRenderer(),
        calendar=IcsWriter(service.clock),
        email=email,
        sms=sms,
        probe=probe,
        clock=service.clock,
        org=s.org,
        timezone=s.timezone,
        mail_from=s.mail_from,
        video_base_url=s.video_base_url,
        retry_delays=s.retry_delays,
        concurrency=s.concurrency,
        tick=s.tick_seconds,
        wakeup=service.wakeup,
        log=service.log,
        on_outcome=lambda outcome, channel, kind: service.outcomes.labels(outcome, channel, kind).inc(),
        links=s.personal_links(),
    )


async def run(host: ServiceHost, service: NotificationsService) -> None:
    """Run the host and the sender on one loop; the sender stops first."""
    nc = await host.connect()
    sender = dispatcher(service, nc)
    stopping = asyncio.Event()
    hosting = asyncio.create_task(host.run())
    await asyncio.sleep(0)  # host.run installs its signal handlers first; ours replace them
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    sending = asyncio.create_task(sender.run(stopping))
    # The sender stops first (its sends in flight finish), then the host stops the consumers, flushes the
    # relay and closes the store.
    await asyncio.wait([hosting, sending], return_when=asyncio.FIRST_COMPLETED)
    stopping.set()
    await sending
    host.stop.set()
    await hosting


class _QueueCollector(Collector):
    """Messages by state, read from the store at each scrape."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("notifications_by_status", "Messages in each state", labels=["status"])
        for status, count in queries_deliveries.counts(self.store).items():
            gauge.add_metric([status], count)
        yield gauge
