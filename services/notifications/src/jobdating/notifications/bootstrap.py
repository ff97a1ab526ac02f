"""The composition root: the only place that picks the store, the clock, the channels (`bootstrap_channels`)
and the directories."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Unpack

from nats.aio.client import Client
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from jobdating.contracts.notifications import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.notifications.adapters import deliveries, http, http_receipts, projections, tables
from jobdating.notifications.adapters.answers import RegistrationAnswers
from jobdating.notifications.adapters.bounces import MaildirBounces
from jobdating.notifications.adapters.contacts import RegistrationContacts
from jobdating.notifications.adapters.customization import Wording, check_templates, load_wording
from jobdating.notifications.adapters.http_letters import install_letters
from jobdating.notifications.adapters.http_replies import replies_router
from jobdating.notifications.adapters.ics import IcsWriter
from jobdating.notifications.adapters.letters_pdf import ReportlabLetters
from jobdating.notifications.adapters.maildir import MaildirProbe
from jobdating.notifications.adapters.render_pool import RenderPool
from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.adapters.smtp import SmtpChannel
from jobdating.notifications.adapters.staff import FileStaffDirectory
from jobdating.notifications.adapters.workers import provider_threads
from jobdating.notifications.application import preferences, queries_deliveries, receipts
from jobdating.notifications.application.bounce_reader import BounceReader
from jobdating.notifications.application.dispatcher import Dispatcher
from jobdating.notifications.application.letters import LetterDesk
from jobdating.notifications.application.pacing import Pacer
from jobdating.notifications.application.planner import (
    REGISTRATION_CONSUMER,
    SCHEDULING_CONSUMER,
    SITES_CONSUMER,
    Planner,
)
from jobdating.notifications.application.ports import StaffDirectory
from jobdating.notifications.application.queries import NotificationQueries, retry_failed
from jobdating.notifications.application.replies import Replies
from jobdating.notifications.bootstrap_channels import sent_copies, sms_channel, voice_channel
from jobdating.notifications.config import NotificationsSettings
from jobdating.runtime.clock import Clock, SystemClock
from jobdating.runtime.commands import CommandBus, Meta
from jobdating.runtime.host import Subscription
from jobdating.runtime.http import create_app
from jobdating.runtime.service_main import Given, WiredWithBus, configured


@dataclass(frozen=True, kw_only=True)
class NotificationsService(WiredWithBus[NotificationsSettings]):
    """One wired notifications instance, before it connects to NATS (the dispatcher needs a connection)."""

    planner: Planner
    queries: NotificationQueries
    staff: StaffDirectory
    renderer: JinjaRenderer
    wording: Wording
    wakeup: asyncio.Event
    outcomes: Counter
    log: Any
    letters: LetterDesk
    answers: RegistrationAnswers
    receipts: receipts.Receipts

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
    staff: StaffDirectory | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    wall_clock: Clock | None = None,
    **given: Unpack[Given],
) -> NotificationsService:
    """Wire an instance; anything not given comes from the settings (`wall_clock`: the real time the SMS
    provider's signatures are dated by, whatever the service's clock reads).

    Raises `SetupProblem` (one French sentence) when the operator's wording file or templates are wrong.
    """
    # The operator's files first: a mistake there stops the start before anything is opened.
    wording = load_wording(settings.wording_file, settings.org)
    renderer = JinjaRenderer(settings.templates_dir, signature=wording.signature)
    check_templates(renderer)
    store, tokens, clock = configured(settings, given, tables.migrate)
    # A recruiter's update settles hundreds of messages in one commit: led on the loop, it held every
    # other message up for tens of milliseconds. Its consumers' writes go the same way (`ServiceHost`).
    store.group_commit.lead_in_thread()
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
        call_wait=timedelta(seconds=settings.counsellor_call_wait),
        change_delay=timedelta(seconds=settings.change_delay_seconds),
        update_interval=timedelta(seconds=settings.recruiter_update_interval_seconds),
    )
    queries = NotificationQueries(store, clock, settings.receipt_wait())
    recorder = receipts.Receipts(bus, projections, settings.org, log)

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
    http.install(app, queries, retry, set_reminders, wants_reminders)
    letters = LetterDesk(store, staff, ReportlabLetters(), log)
    install_letters(app, letters.pdf)
    # Candidates' replies to SMS: registration takes their answers once the service is connected to NATS.
    answers = RegistrationAnswers(wait=settings.contact_timeout)
    replies = Replies(
        store=store,
        bus=bus,
        deliveries=deliveries,
        read_model=projections,
        answers=answers,
        clock=clock,
        org=settings.org,
        log=log,
        call_wait=timedelta(seconds=settings.counsellor_call_wait),
    )
    # The provider signs with the real time: a rehearsal's clock (`CLOCK_START`) must not refuse it.
    signed_at = wall_clock or SystemClock()
    app.include_router(
        replies_router(replies, settings.sms_provider_secret, signed_at, settings.sms_reply_tolerance)
    )
    if settings.sms_provider_secret() is not None:
        http_receipts.install(
            app,
            settings.sms_provider_secret,
            clock,
            lambda provider_id: receipts.by_provider_id(store, "sms", provider_id),
            recorder.record,
            timedelta(seconds=settings.webhook_tolerance_seconds),
        )
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
        renderer=renderer,
        wording=wording,
        app=app,
        wakeup=wakeup,
        outcomes=outcomes,
        log=log,
        letters=letters,
        answers=answers,
        receipts=recorder,
    )


def bounce_reader(service: NotificationsService) -> BounceReader | None:
    """The reader of the bounce mailbox, when the settings name one."""
    s = service.settings
    if s.bounce_maildir is None:
        return None
    store = service.store
    return BounceReader(
        MaildirBounces(s.bounce_maildir),
        lambda message_id: receipts.by_message_id(store, message_id),
        service.receipts,
        service.clock,
        every=s.bounce_poll_seconds,
        log=service.log,
    )


def dispatcher(
    service: NotificationsService, nc: Client, render_pool: RenderPool | None = None
) -> Dispatcher:
    """The sender of an instance, on a NATS connection, with the channels the settings name (rendering
    in `render_pool`'s processes when given, else on the event loop)."""
    s = service.settings
    wording = service.wording
    workers = provider_threads(s.concurrency)  # each message in flight has its thread for its provider
    email = SmtpChannel(
        s.smtp_server(),
        s.mail_from,
        service.clock,
        wording.mail_from_name,
        wording.letterhead,
        workers=workers,
    )
    sms = sms_channel(s, wording, service.clock, workers)
    service.answers.connect(nc)  # the replies' webhook hands answers to registration on this connection
    probe = MaildirProbe(s.maildir) if s.maildir is not None else None
    contacts = RegistrationContacts(nc, wait=s.contact_timeout)
    service.letters.attach(contacts)  # the letters ask registration for names on the same connection
    return Dispatcher(
        store=service.store,
        bus=service.bus,
        deliveries=deliveries,
        read_model=projections,
        contacts=contacts,
        staff=service.staff,
        renderer=service.renderer,
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
        pacers={"sms": Pacer(s.sms_rate_per_second)} if s.sms_rate_per_second else None,
        tick=s.tick_seconds,
        wakeup=service.wakeup,
        log=service.log,
        on_outcome=lambda outcome, channel, kind: service.outcomes.labels(outcome, channel, kind).inc(),
        links=s.personal_links(),
        voice=voice_channel(s, service.clock, workers),
        coordinator_phone=s.coordinator_phone,
        call_wait=timedelta(seconds=s.counsellor_call_wait),
        moment=timedelta(seconds=s.change_delay_seconds),
        update_interval=timedelta(seconds=s.recruiter_update_interval_seconds),
        render_pool=render_pool,
    )


class _QueueCollector(Collector):
    """Messages by state, read from the store at each scrape."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("notifications_by_status", "Messages in each state", labels=["status"])
        for status, count in queries_deliveries.counts(self.store).items():
            gauge.add_metric([status], count)
        yield gauge
