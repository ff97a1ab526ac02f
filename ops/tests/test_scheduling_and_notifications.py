"""Audit and replay cover scheduling's read model (which records log positions) and notifications' own
table, both written as the services write them: events appended and projected in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jobdating.bus.relay import Relay
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.notifications import RemindersOptedIn, RemindersOptedOut
from jobdating.contracts.scheduling import JobDatingPlanned, SlotAssigned, SlotCancelled
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore, NewEvent
from jobdating.notifications.adapters import projections as notifications
from jobdating.notifications.adapters import tables as notification_tables
from jobdating.ops.audit.run import audit
from jobdating.ops.readmodels import projection_hash, read_model
from jobdating.ops.replay import replay
from jobdating.scheduling.adapters import projections as scheduling
from jobdating.scheduling.adapters import tables as scheduling_tables
from jobdating.testing.events import envelope

from .conftest import ORG, History

pytestmark = pytest.mark.nats

DAY = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def scheduled(history: History) -> EventStore:
    store = open_store(f"sqlite:///{history.data / 'scheduling.db'}")
    scheduling_tables.migrate(store)

    def record(*envelopes: Envelope) -> None:
        with store.transaction() as tx:
            scheduling.project(tx, tx.append([NewEvent(envelope=e) for e in envelopes]))

    planned = JobDatingPlanned(
        job_dating_id="jd-1",
        title="Emploi Booster",
        days=(date(2026, 12, 3),),
        site_windows=(),
        interview_minutes=20,
        buffer_minutes=5,
    )
    record(envelope(planned, "jd-1", 1, org=ORG, service="scheduling"))
    for n in range(3):
        slot = SlotAssigned(
            job_dating_id="jd-1",
            slot_id=f"slot-{n}",
            candidate_id=f"cand-{n}",
            company_id="comp-1",
            site_id=history.site_id,
            computer_id=f"pc-{n}",
            starts_at=DAY + timedelta(minutes=25 * n),
            ends_at=DAY + timedelta(minutes=25 * n + 20),
            video_link=f"https://visio.example/slot-{n}",
        )
        record(envelope(slot, f"slot-{n}", 1, org=ORG, service="scheduling"))
    cancelled = SlotCancelled(
        job_dating_id="jd-1",
        slot_id="slot-1",
        candidate_id="cand-1",
        company_id="comp-1",
        reason="candidate_withdrew",
    )
    record(envelope(cancelled, "slot-1", 2, org=ORG, service="scheduling"))
    return store


def notified(history: History) -> EventStore:
    store = open_store(f"sqlite:///{history.data / 'notifications.db'}")
    notification_tables.migrate(store)
    for candidate_id, wishes in (("cand-0", [False]), ("cand-2", [False, True])):
        for version, wanted in enumerate(wishes, start=1):
            event = (
                RemindersOptedIn(candidate_id=candidate_id)
                if wanted
                else RemindersOptedOut(candidate_id=candidate_id)
            )
            env = envelope(event, f"reminders-{candidate_id}", version, org=ORG, service="notifications")
            with store.transaction() as tx:
                tx.append([NewEvent(envelope=env)])
                notifications.record_reminder_wish(tx, candidate_id, wanted)
    return store


@pytest.fixture
async def four(history: History) -> tuple[EventStore, EventStore]:
    stores = scheduled(history), notified(history)
    for store in stores:
        await Relay(store, history.js).publish_pending()
    return stores


async def test_all_four_services_audit_clean(history: History, four: tuple[EventStore, EventStore]) -> None:
    report = await audit(history.data, history.js)
    assert report.clean, report.differences
    assert {s.service: s.events for s in report.services} == {
        "registration": 8,
        "sites": 8,
        "scheduling": 5,
        "notifications": 3,
    }
    assert report.stream_messages == 24
    assert four[1].query("SELECT candidate_id FROM notif_reminder_opt_out") == [("cand-0",)]


async def test_a_changed_slot_change_row_is_found_and_a_replay_from_the_stream_repairs_it(
    history: History, four: tuple[EventStore, EventStore]
) -> None:
    store = four[0]
    model = read_model("scheduling")
    before = projection_hash(model.rows(store))
    history.sql("scheduling", "UPDATE sched_slot_change SET change = 'moved' WHERE slot_id = 'slot-2'")
    report = await audit(history.data, history.js)
    assert any("sched_slot_change" in d.detail and "change" in d.detail for d in report.differences)
    # Stream sequences differ from scheduling's log positions (other services published first): the replay
    # keeps the log's positions, which sched_slot_change records.
    result = await replay(history.data, "scheduling", js=history.js)
    assert result.projection_hash == before == projection_hash(model.rows(store))
    assert store.checkpoint(scheduling.PROJECTION) == store.head()
    assert (await audit(history.data, history.js)).clean


async def test_a_lost_opt_out_is_found_and_a_replay_from_the_log_restores_it(
    history: History, four: tuple[EventStore, EventStore]
) -> None:
    history.sql("notifications", "DELETE FROM notif_reminder_opt_out")
    report = await audit(history.data, history.js)
    assert {(d.service, d.check) for d in report.differences} >= {
        ("notifications", "projection ≠ reconstruction")
    }
    result = await replay(history.data, "notifications")
    assert result.rows == {"notif_reminder_opt_out": 1, "notif_sms_reply": 0, "notif_receipt": 0}
    assert (await audit(history.data, history.js)).clean
