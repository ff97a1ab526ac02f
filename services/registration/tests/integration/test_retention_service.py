"""The retention job as the service runs it: started with the service, at once and then every 24 hours of
the service's clock, its erasures published on the stream like any other."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.bus.server import NatsServer
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registration import Availability, CandidateErased
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.retention import SYSTEM_ACTOR
from jobdating.registration.bootstrap import bootstrap, run
from jobdating.registration.config import RegistrationSettings
from jobdating.registration.testing import CALLERS, candidate, open_site, tokens
from jobdating.runtime.host import CommitNotifier
from jobdating.testing.relaying import headless_host

pytestmark = pytest.mark.nats


class MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


async def erasures_on_stream(js: JetStreamContext, count: int) -> list[Msg]:
    subscription = await js.pull_subscribe(
        "jobdating.mel.registration.candidate.CandidateErased.>", durable=None
    )
    messages: list[Msg] = []
    async with asyncio.timeout(15):
        while len(messages) < count:
            messages += await subscription.fetch(count - len(messages), timeout=10)
    await subscription.unsubscribe()
    return messages


async def test_the_service_erases_at_start_then_a_day_of_its_clock_later_and_publishes_the_erasures(
    tmp_path: Path, nats_server: NatsServer, js: JetStreamContext
) -> None:
    clock = MovableClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    settings = RegistrationSettings(
        org="mel",
        store_url=f"sqlite:///{tmp_path / 'registration.db'}",
        nats_url=nats_server.url,
        tokens_file=None,
        retention_months=24,
        retention_by_org="mel=12",
    )
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    notifier = CommitNotifier()
    instance = bootstrap(settings, store=store, tokens=tokens(), clock=clock, on_commit=notifier.notify)
    service = instance.service
    site = open_site(service)
    attending = (Availability(day=date(2026, 1, 15), start=time(9), end=time(12)),)
    handlers = RegistrationHandlers(service)
    mel = handlers.register_candidate(CALLERS["mel-counsellor"], candidate(site, availability=attending))
    ml = handlers.register_candidate(CALLERS["ml-counsellor"], candidate(site, availability=attending))
    stats = queries.statistics(store)

    clock.at = datetime(2027, 2, 15, 10, 0, tzinfo=UTC)  # 13 months on: mel's 12 ran out, not ML's 24
    instance.retention.poll_seconds = 0.05  # look at the (hand-moved) clock often
    host = headless_host(store, nats_server.url, instance.subscriptions(), notifier)
    running = asyncio.create_task(run(host, instance))
    try:
        (first,) = await erasures_on_stream(js, 1)
        assert service.keyring.key_of(store, ml) is not None
        clock.at += timedelta(hours=23)  # not yet a day since the run at start: nothing runs
        await asyncio.sleep(0.5)
        assert service.keyring.key_of(store, ml) is not None
        clock.at = datetime(2028, 2, 16, 10, 0, tzinfo=UTC)  # 25 months on: the daily run erases ML's too
        first_again, second = await erasures_on_stream(js, 2)
    finally:
        host.stop.set()
        await asyncio.wait_for(running, timeout=30)

    assert first_again.data == first.data
    published = {}
    for message in (first, second):
        env = decode_envelope(message.data)
        event = REGISTRY.payload(env)
        assert isinstance(event, CandidateErased)
        assert (event.reason, env.actor_id) == ("retention", SYSTEM_ACTOR)
        published[event.candidate_id] = env.recorded_at
    assert published == {
        mel: datetime(2027, 2, 15, 10, 0, tzinfo=UTC),
        ml: datetime(2028, 2, 16, 10, 0, tzinfo=UTC),
    }
    check = SqliteEventStore(tmp_path / "registration.db")
    after = queries.statistics(check)
    assert after.candidates_erased == 2
    assert after.candidates_by_referring_org == stats.candidates_by_referring_org
    assert after.candidates_by_site == stats.candidates_by_site
    check.close()
