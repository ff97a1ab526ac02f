"""The proof of the day: at the four-site, eighteen-computer demo job dating, a computer breaks mid-morning.

Every fact travels as it does in production: registration and the sites service append to their own
stores, their relays publish to a real nats-server, scheduling's durable consumers apply them. The plan is
solved with HiGHS and published; then a site manager puts a computer out of order at 10:05. Every interview
still to come on it moves to another computer of the same site or is cancelled with the reason, nothing
else changes, and the events on the stream say exactly that.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.relay import Relay
from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.scheduling import SlotCancelled, SlotMoved
from jobdating.contracts.sites import ComputerOutOfOrder
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.adapters import projections
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER, SITES_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, append_as_published, demo_facts
from jobdating.testing.consumers import run_until

from .conftest import Api, assert_only_moved_aside, assert_plan_still_valid, log_events, paris


@pytest.mark.nats
async def test_a_computer_breaking_mid_morning_moves_or_cancels_its_interviews_and_nothing_else(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    # Registration and the sites service publish the demo job dating's facts.
    sites_store = SqliteEventStore(tmp_path / "sites.db")
    registration_store = SqliteEventStore(tmp_path / "registration.db")
    sites_store.migrate()
    registration_store.migrate()
    facts = demo_facts(api.prefix)
    append_as_published(sites_store, [f for f in facts if f.service == "sites"])
    append_as_published(registration_store, [f for f in facts if f.service == "registration"])
    await Relay(sites_store, js).publish_pending()
    await Relay(registration_store, js).publish_pending()
    runners = [
        ConsumerRunner(service.store, js, REGISTRATION_CONSUMER, service.policies.on_registration),
        ConsumerRunner(service.store, js, SITES_CONSUMER, service.policies.on_sites),
    ]
    await run_until(
        runners, lambda: service.queries.facts_counts()["candidates"] == 50 and runners[1].handled >= 26
    )
    assert service.queries.facts_counts() == {"candidates": 50, "companies": 15, "sites": 4, "computers": 18}

    # The coordinator plans, solves with HiGHS and publishes.
    await api.plan_job_dating()
    computed = await api.compute("highs", time_limit=5)
    assert computed["summary"]["status"] in ("optimal", "time_limit")
    assert computed["summary"]["interviews"] <= computed["summary"]["interview_bound"]
    await api.publish(computed["summary"]["plan_id"])
    scheduling_relay = Relay(service.store, js)
    await scheduling_relay.publish_pending()
    before = {s["slot_id"]: s for s in await api.published_slots()}
    slots_before = service.store.head()
    stream_head = (await js.stream_info(STREAM_NAME)).state.last_seq
    live_before = projections.snapshot(service.store)

    # 10:07 at the sites: the busiest computer of the rest of the morning broke at 10:05.
    clock.set(paris(10, 7))
    to_come = [s for s in before.values() if s["starts_at"] >= "2026-12-03T09:07"]
    broken = max(
        sorted({s["computer_id"] for s in to_come}), key=lambda c: sum(s["computer_id"] == c for s in to_come)
    )
    affected = {
        k for k, s in before.items() if s["computer_id"] == broken and s["starts_at"] >= "2026-12-03T09:07"
    }
    assert len(affected) >= 3
    breakdown = Fact(
        ComputerOutOfOrder(computer_id=broken, reason="écran noir"), broken, 2, "sites", at=paris(10, 5)
    )
    envelope = breakdown.envelope()
    sites_store.append([NewEvent(envelope=envelope)])
    await Relay(sites_store, js).publish_pending()
    handled = runners[1].handled
    await run_until(runners[1:], lambda: runners[1].handled > handled)
    assert service.store.parked() == []

    # Every affected interview moved to another computer of the same site, or was cancelled with the reason.
    after = {s["slot_id"]: s for s in await api.published_slots()}
    assert set(after) == set(before), "no slot appeared or vanished"
    for slot_id in affected:
        was, now = before[slot_id], after[slot_id]
        if now["status"] == "cancelled":
            assert now["cancel_reason"] == "computer_broken"
        else:
            assert now["status"] == "assigned"
            assert now["site_id"] == was["site_id"]
            assert now["computer_id"] != broken
            assert now["starts_at"] >= "2026-12-03T09:07"
    assert_only_moved_aside(before, after, affected)  # nothing else changed
    moved = [k for k in affected if after[k]["status"] == "assigned"]
    assert moved, "the site had free computers: some interviews were moved, not all cancelled"
    assert_plan_still_valid(service, api.jd)

    # The log says exactly that: one event per affected slot, caused by the breakdown.
    repair = log_events(service.store, slots_before)
    # (and one per interview moved aside to save one of them: a chain)
    changed = {k for k in before if before[k] != after[k]}
    assert {e.envelope.stream_id for e in repair} == changed >= affected
    assert all(isinstance(e.data, SlotMoved | SlotCancelled) for e in repair)
    assert {e.data.reason for e in repair if isinstance(e.data, SlotMoved | SlotCancelled)} == {
        "computer_broken"
    }
    assert {e.envelope.causation_id for e in repair} == {envelope.event_id}
    assert {e.envelope.stream_version for e in repair} == {2}

    # And so does the stream: the relay publishes those events and no other scheduling event since.
    await scheduling_relay.publish_pending()
    stream: list[RecordedEvent] = []
    await replay_stream(js, stream.extend)
    since = [e.envelope.event_id for e in stream if e.position > stream_head]
    assert since == [envelope.event_id] + [e.envelope.event_id for e in repair]

    # A rebuild from the log gives back the very read model kept live.
    live = projections.snapshot(service.store)
    assert live != live_before
    projections.rebuild(service.store)
    assert projections.snapshot(service.store) == live
    sites_store.close()
    registration_store.close()
