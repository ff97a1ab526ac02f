"""Facts from registration and the sites service, through the consumers: in order, once, and repairing the
published plan when they disrupt it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner, NotYet
from jobdating.bus.relay import Relay, subject_of
from jobdating.bus.server import NatsServer
from jobdating.contracts.registration import CandidateWithdrew
from jobdating.contracts.scheduling import SlotAssigned, SlotCancelled
from jobdating.contracts.sites import (
    ComputerBackInService,
    ComputerOutOfOrder,
    RoomAdded,
    SiteClosed,
    SiteReopened,
)
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, candidate_id, computer_id, demo_facts, site_id
from jobdating.testing.consumers import run_until

from .conftest import Api, assert_plan_still_valid, feed, log_events, paris, published_demo


@pytest.mark.nats
async def test_a_withdrawal_delivered_twice_cancels_the_slots_to_come_once(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    leaving = candidate_id(api.prefix, 5)
    theirs = [s for s in await api.published_slots() if s["candidate_id"] == leaving]
    clock.set(paris(9, 50))
    registration = SqliteEventStore(tmp_path / "registration.db")
    registration.migrate()
    withdrew = Fact(
        CandidateWithdrew(candidate_id=leaving, reason="a trouvé un emploi"),
        leaving,
        2,
        "registration",
        paris(9, 49),
    )
    [stored] = registration.append([NewEvent(envelope=withdrew.envelope())])
    await Relay(registration, js).publish_pending()
    # The same event again under another message id: past JetStream's dedupe window, only the inbox stops it.
    await js.publish(subject_of(stored), stored.body, stream=STREAM_NAME, headers={"Nats-Msg-Id": "replayed"})
    head = service.store.head()
    runner = ConsumerRunner(service.store, js, REGISTRATION_CONSUMER, service.policies.on_registration)
    await run_until(runner, lambda: runner.handled >= 2)
    events = log_events(service.store, head)
    cancelled = [e.data for e in events if isinstance(e.data, SlotCancelled)]
    to_come = {s["slot_id"] for s in theirs if s["starts_at"] >= "2026-12-03T08:50"}
    assert {c.slot_id for c in cancelled} == to_come
    assert len(cancelled) == len(to_come) > 0
    assert {c.reason for c in cancelled} == {"candidate_withdrew"}
    refills = [e.data for e in events if isinstance(e.data, SlotAssigned)]
    assert all(r.from_waiting_list and r.candidate_id != leaving for r in refills)
    assert {e.envelope.causation_id for e in events} == {stored.event_id}
    assert_plan_still_valid(service, api.jd)
    registration.close()


def test_facts_arriving_before_the_ones_they_follow_wait_and_old_ones_change_nothing(
    service: SchedulingService, prefix: str
) -> None:
    pc = computer_id(prefix, "faches", 1)
    early = Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 2, "sites").recorded()
    with pytest.raises(NotYet), service.store.transaction() as tx:
        service.policies.on_sites(tx, early)
    feed(service, [f for f in demo_facts(prefix) if f.service == "sites"])
    skipped = Fact(ComputerBackInService(computer_id=pc), pc, 3, "sites").recorded()
    with pytest.raises(NotYet), service.store.transaction() as tx:
        service.policies.on_sites(tx, skipped)
    broke = Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 2, "sites", paris(9)).recorded()
    back = Fact(ComputerBackInService(computer_id=pc), pc, 3, "sites", paris(9, 30)).recorded()
    for event in (broke, back, broke):
        with service.store.transaction() as tx:
            service.policies.on_sites(tx, event)
    found = known.computer(known.on_store(service.store), pc)
    assert found is not None
    facts, status = found
    assert status == "in_service"
    assert [(o.since, o.until) for o in facts.outages] == [(paris(9), paris(9, 30))]


def test_a_reopened_site_is_open_again_in_the_facts_and_a_late_closing_changes_nothing(
    service: SchedulingService, prefix: str
) -> None:
    feed(service, [f for f in demo_facts(prefix) if f.service == "sites"])
    wattignies = site_id(prefix, "wattignies")
    closed = Fact(SiteClosed(site_id=wattignies, reason="alarme"), wattignies, 3, "sites", paris(9))
    reopened = Fact(SiteReopened(site_id=wattignies), wattignies, 4, "sites", paris(9, 30))
    room = Fact(
        RoomAdded(site_id=wattignies, room_id="r-late", name="Salle B", capacity=8), wattignies, 5, "sites"
    )
    feed(service, [closed, reopened, closed, room])
    read = known.on_store(service.store)
    found = known.site(read, wattignies)
    assert found is not None
    assert found.open
    assert known.room(read, wattignies, "r-late") is not None, "the events after the reopening still apply"


async def test_a_site_closing_cancels_every_interview_still_to_come_there_and_nothing_else(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    before = {s["slot_id"]: s for s in await api.published_slots()}
    wattignies = site_id(api.prefix, "wattignies")
    clock.set(paris(10, 30))
    feed(
        service,
        [
            Fact(
                SiteClosed(site_id=wattignies, reason="alarme incendie"),
                wattignies,
                3,
                "sites",
                paris(10, 30),
            )
        ],
    )
    after = {s["slot_id"]: s for s in await api.published_slots()}
    closed = {
        k for k, s in before.items() if s["site_id"] == wattignies and s["starts_at"] >= "2026-12-03T09:30"
    }
    assert closed
    assert {k for k in before if before[k] != after[k]} == closed
    assert {after[k]["cancel_reason"] for k in closed} == {"site_closed"}
    assert set(after) == set(before)


@pytest.mark.nats
async def test_the_facts_rebuilt_from_the_stream_equal_the_ones_the_consumers_kept(
    tmp_path: Path, js: JetStreamContext, nats_server: NatsServer, service: SchedulingService, prefix: str
) -> None:
    from jobdating.scheduling.adapters import tables
    from jobdating.scheduling.application.policies import SITES_CONSUMER
    from jobdating.scheduling.main import rebuild_facts

    published = SqliteEventStore(tmp_path / "others.db")
    published.migrate()
    facts = demo_facts(prefix)
    pc = computer_id(prefix, "ronchin", 2)
    leaving = candidate_id(prefix, 9)
    facts += [
        Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 2, "sites", paris(9)),
        Fact(
            CandidateWithdrew(candidate_id=leaving, reason="déménagement"),
            leaving,
            2,
            "registration",
            paris(7),
        ),
    ]
    for fact in facts:
        published.append([NewEvent(envelope=fact.envelope())])
    await Relay(published, js).publish_pending()
    runners = [
        ConsumerRunner(service.store, js, REGISTRATION_CONSUMER, service.policies.on_registration),
        ConsumerRunner(service.store, js, SITES_CONSUMER, service.policies.on_sites),
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(stop, fetch_timeout=0.2)) for r in runners]
    async with asyncio.timeout(20):
        while sum(r.handled for r in runners) < len(facts):  # noqa: ASYNC110 - polling counters
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {
            t: sorted(tuple(r) for r in service.store.query(f"SELECT * FROM {t}")) for t in tables.FACT_TABLES
        }

    live = snapshot()
    assert len(live["sched_candidate"]) == 50
    assert len(live["sched_outage"]) == 1
    assert await rebuild_facts(service.store, nats_server.url) == len(facts)
    assert snapshot() == live
    published.close()


def test_a_computer_out_of_order_again_at_the_instant_of_an_earlier_outage_is_out_of_order(
    service: SchedulingService, prefix: str
) -> None:
    """A coarse clock (or a fixed one) can stamp two breakdowns alike: the second reopens the outage."""
    feed(service, [f for f in demo_facts(prefix) if f.service == "sites"])
    pc = computer_id(prefix, "seclin", 1)
    feed(
        service,
        [
            Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 2, "sites", paris(9)),
            Fact(ComputerBackInService(computer_id=pc), pc, 3, "sites", paris(9, 30)),
            Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 4, "sites", paris(9)),
        ],
    )
    found = known.computer(known.on_store(service.store), pc)
    assert found is not None
    facts, status = found
    assert status == "out_of_order"
    assert [(o.since, o.until) for o in facts.outages] == [(paris(9), None)]
    assert service.store.parked() == []
