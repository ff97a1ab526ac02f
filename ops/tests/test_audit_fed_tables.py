"""`jobdating audit` rebuilds the tables scheduling and notifications keep from the other services' events
from the stream, and compares them with the live ones once their consumers have caught up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest

from jobdating.bus.consumer import ConsumerRunner
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.notifications.adapters import deliveries as notification_deliveries
from jobdating.notifications.adapters import projections as notification_projections
from jobdating.notifications.adapters import tables as notification_tables
from jobdating.notifications.application import planner as notifications
from jobdating.notifications.application.planner import Planner
from jobdating.ops.audit.report import AuditReport
from jobdating.ops.audit.run import audit
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import SystemClock
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER, SITES_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService, bootstrap
from jobdating.scheduling.config import SchedulingSettings
from jobdating.testing.consumers import run_until

from .conftest import ORG, History

pytestmark = pytest.mark.nats

Handler = Callable[[Transaction, RecordedEvent], None]


@pytest.fixture
def scheduling(history: History) -> Iterator[SchedulingService]:
    store = open_store(f"sqlite:///{history.data / 'scheduling.db'}")
    settings = SchedulingSettings(org=ORG, store_url="sqlite:///unused")
    yield bootstrap(settings, store=store, tokens=TokenTable({}))
    store.close()


async def consume(history: History, service: SchedulingService) -> None:
    """Run scheduling's two consumers until neither has anything pending."""
    handlers: dict[str, Handler] = {
        REGISTRATION_CONSUMER: service.policies.on_registration,
        SITES_CONSUMER: service.policies.on_sites,
    }
    await run_caught_up(history, service.store, handlers)


async def run_caught_up(history: History, store: EventStore, handlers: dict[str, Handler]) -> None:
    """Run these consumers until none has anything pending."""
    runners = [ConsumerRunner(store, history.js, d, h) for d, h in handlers.items()]
    caught_up = False

    async def watch() -> None:
        nonlocal caught_up
        while not caught_up:
            infos = [await history.js.consumer_info(STREAM_NAME, d) for d in handlers]
            caught_up = not any((i.num_pending or 0) + (i.num_ack_pending or 0) for i in infos)
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    await run_until(runners, lambda: caught_up)
    await watcher


def fed_checks(report: AuditReport) -> set[tuple[str, str]]:
    return {(d.service, d.check) for d in report.differences if d.check == "faits ≠ flux"}


async def test_scheduling_facts_equal_the_stream_once_its_consumers_caught_up(
    history: History, scheduling: SchedulingService
) -> None:
    await consume(history, scheduling)
    assert scheduling.queries.facts_counts()["computers"] == 3
    report = await audit(history.data, history.js)
    assert "scheduling (8 tables)" in report.fed
    assert fed_checks(report) == set(), report.differences
    # Registration's own consumer never ran here: said, not compared.
    assert any("registration" in n and "en retard" in n for n in report.notices), report.notices


async def test_a_fact_changed_behind_the_consumer_is_named_by_table_and_column(
    history: History, scheduling: SchedulingService
) -> None:
    await consume(history, scheduling)
    history.sql("scheduling", "UPDATE sched_computer SET status = 'out_of_order' WHERE label = 'PC 3'")
    history.sql("scheduling", "DELETE FROM sched_outage")
    report = await audit(history.data, history.js)
    assert fed_checks(report) == {("scheduling", "faits ≠ flux")}
    details = [d.detail for d in report.differences if d.service == "scheduling"]
    assert any("sched_computer" in d and "status" in d for d in details), details
    assert any("sched_outage" in d and "seulement dans la reconstruction" in d for d in details), details


async def test_facts_are_not_compared_while_a_consumer_has_messages_pending(
    history: History, scheduling: SchedulingService
) -> None:
    await consume(history, scheduling)
    # The sites service records a breakdown; scheduling has not consumed it yet.
    transport = httpx.ASGITransport(app=history.sites.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sites.test") as api:
        computers = (await api.get("/computers", headers={"Authorization": "Bearer coordinator"})).json()
        pc = next(c for c in computers if c["status"] == "in_service")
        response = await api.post(
            f"/computers/{pc['computer_id']}/out-of-order",
            json={"reason": "écran noir"},
            headers={"Authorization": "Bearer coordinator"},
        )
        assert response.status_code == 200, response.text
    await history.relay()
    report = await audit(history.data, history.js)
    assert "scheduling (8 tables)" not in report.fed
    assert fed_checks(report) == set()
    assert any(n.startswith("scheduling : consommateur scheduling-sites en retard") for n in report.notices)
    # Once consumed, the breakdown is in the facts and the stream says the same.
    await consume(history, scheduling)
    report = await audit(history.data, history.js)
    assert "scheduling (8 tables)" in report.fed
    assert fed_checks(report) == set(), report.differences


async def test_notifications_copies_equal_the_stream_and_a_changed_label_is_found(history: History) -> None:
    store = open_store(f"sqlite:///{history.data / 'notifications.db'}")
    try:
        notification_tables.migrate(store)
        planner = Planner(
            SystemClock(),
            "Europe/Paris",
            read_model=notification_projections,
            deliveries=notification_deliveries,
        )
        handlers: dict[str, Handler] = {
            notifications.REGISTRATION_CONSUMER: planner.on_registration,
            notifications.SITES_CONSUMER: planner.on_sites,
            notifications.SCHEDULING_CONSUMER: planner.on_scheduling,
        }
        await run_caught_up(history, store, handlers)
        report = await audit(history.data, history.js)
        assert "notifications (12 tables)" in report.fed
        assert fed_checks(report) == set(), report.differences
        history.sql("notifications", "UPDATE notif_computer SET label = 'Poste 9' WHERE label = 'PC 3'")
        report = await audit(history.data, history.js)
        assert fed_checks(report) == {("notifications", "faits ≠ flux")}
        assert any("notif_computer" in d.detail and "label" in d.detail for d in report.differences)
    finally:
        store.close()
