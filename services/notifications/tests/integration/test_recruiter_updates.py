"""A recruiter hears of their agenda's changes at most once per interval: the first change after a quiet
interval goes at once, those that follow within it wait for its end and go as one e-mail listing them."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from jobdating.notifications.adapters import deliveries as delivery_rows
from jobdating.notifications.application import queries_deliveries, queries_facts, queries_plan, telling
from jobdating.notifications.application.instants import parse_ts
from jobdating.notifications.domain import moments

from .conftest import Instance, Mailbox, Registration, Upstream, calendar_of, paris, people, plain_text

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
INTERVAL = timedelta(seconds=60)
# The interval, and this company's part of the spread between companies (`moments.update_phase`).
END = INTERVAL + moments.update_phase("co-1", INTERVAL)


@pytest.fixture
def setting_changes() -> dict[str, Any]:
    return {"recruiter_update_interval_seconds": INTERVAL.total_seconds()}


def told_uids(message: Any) -> list[str]:
    return sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(calendar_of(message)).walk("VEVENT"))


def updates_due(instance: Instance) -> list[datetime]:
    return [
        parse_ts(str(r[0]))
        for r in instance.service.store.query(
            "SELECT due_at FROM notif_delivery WHERE kind = 'agenda_update' AND status = 'pending'", ()
        )
    ]


async def test_the_changes_of_an_interval_reach_the_recruiter_as_one_email_at_its_end(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    candidates = people(registration, upstream, 4)
    start = instance.clock.now()
    upstream.assign("slot-0", candidates[0], paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    # The first change after a quiet interval goes at once.
    (first,) = mailbox.messages("agenda_update")
    assert told_uids(first) == ["slot-slot-0@jobdating"]

    # Ten seconds later: two walk-ins and a move. Nothing more goes to the recruiter before the interval ends.
    instance.clock.set(start + timedelta(seconds=10))
    upstream.assign("slot-1", candidates[1], paris(DAY, 10))
    upstream.assign("slot-2", candidates[2], paris(DAY, 10, 30))
    upstream.move("slot-0", candidates[0], paris(DAY, 11), paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    assert len(mailbox.messages("agenda_update")) == 1
    # One update waits for the company: the second walk-in and the move are folded into the first one's.
    assert updates_due(instance) == [start + END]
    # The candidates are not held: each has their own convocation (and the first one its change notice).
    assert len(mailbox.messages("convocation")) == 3

    instance.clock.set(start + INTERVAL)  # the interval ended, the company's part of the spread not yet
    await instance.send()
    assert len(mailbox.messages("agenda_update")) == 1
    instance.clock.set(start + END)
    await instance.send()
    first, second = mailbox.messages("agenda_update")
    assert told_uids(second) == [f"slot-slot-{i}@jobdating" for i in range(3)]
    assert "Votre agenda change : 3 entretiens" in second["Subject"]
    # Their first names came in one question for the three slots (not one a slot), and the e-mail says them.
    assert sorted(registration.first_names_asked[-1]) == sorted(candidates[:3])
    assert all(f"Prénom{i}" in plain_text(second) for i in range(3))
    # A row per e-mail, none per slot told: nothing for the coordinator to read as « merged ».
    assert sorted(r[4:6] for r in instance.deliveries(kind="agenda_update")) == [
        ("sent", None),
        ("sent", None),
    ]

    # After a quiet interval, the next change goes at once again.
    instance.clock.set(start + 3 * INTERVAL)
    upstream.assign("slot-3", candidates[3], paris(DAY, 14))
    await instance.caught_up(upstream)
    await instance.send()
    assert told_uids(mailbox.messages("agenda_update")[-1]) == ["slot-slot-3@jobdating"]
    assert len(mailbox.messages("agenda_update")) == 3


async def test_an_update_weighs_and_builds_what_it_tells_off_the_event_loop(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At a fair's interval's end an update weighs hundreds of its company's updates, names their candidates
    # and lists the company's whole agenda: tens of milliseconds of reads every other message would wait
    # through on the event loop. The reads are watched (each still does its work): where did they run?
    threads: dict[str, set[int]] = {}

    def watched(module: Any, name: str) -> None:
        read = getattr(module, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            threads.setdefault(name, set()).add(threading.get_ident())
            return read(*args, **kwargs)

        monkeypatch.setattr(module, name, run)

    watched(queries_plan, "told_of")
    watched(queries_plan, "company_slots")
    watched(queries_facts, "candidates")
    candidates = people(registration, upstream, 3)
    start = instance.clock.now()
    upstream.assign("slot-0", candidates[0], paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    instance.clock.set(start + timedelta(seconds=10))
    upstream.assign("slot-1", candidates[1], paris(DAY, 10))
    upstream.assign("slot-2", candidates[2], paris(DAY, 10, 30))
    await instance.caught_up(upstream)
    instance.clock.set(start + END)
    await instance.send()
    _, second = mailbox.messages("agenda_update")
    assert told_uids(second) == ["slot-slot-1@jobdating", "slot-slot-2@jobdating"]
    assert set(threads) == {"told_of", "company_slots", "candidates"}
    assert all(threading.get_ident() not in where for where in threads.values()), threads


async def test_a_slot_given_while_its_companys_update_is_being_sent_is_told_once_and_never_lost(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The slots given while a company's update waits are folded into it; once it is being sent (claimed)
    they are not. A slot committed before the update reads what is news is told by it; one committed
    after has a row of its own, told at the interval's end: neither is lost, neither told twice."""
    candidates = people(registration, upstream, 3)
    now = instance.clock.now()
    upstream.assign("slot-0", candidates[0], paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    # The update's read of what is news is held (in its worker thread) while slots arrive around it.
    before_read, after_read, go_on = threading.Event(), threading.Event(), threading.Event()
    weigh = telling.with_updates

    def held(*args: Any) -> Any:
        before_read.set()
        go_on.wait(10)
        go_on.clear()
        found = weigh(*args)
        after_read.set()
        go_on.wait(10)
        return found

    monkeypatch.setattr(telling, "with_updates", held)
    sending = asyncio.ensure_future(instance.send())
    assert await asyncio.to_thread(before_read.wait, 10)
    upstream.assign("slot-1", candidates[1], paris(DAY, 10))  # before the read: told by this update
    await instance.caught_up(upstream)
    go_on.set()
    assert await asyncio.to_thread(after_read.wait, 10)
    upstream.assign("slot-2", candidates[2], paris(DAY, 10, 30))  # after the read: not told by it
    await instance.caught_up(upstream)
    go_on.set()
    await sending
    monkeypatch.setattr(telling, "with_updates", weigh)  # the next update is not held
    (first,) = mailbox.messages("agenda_update")
    assert told_uids(first) == ["slot-slot-0@jobdating", "slot-slot-1@jobdating"]
    # Nor listed among « Vos autres entretiens »: the next update tells it as new.
    assert "10 h 30" not in plain_text(first)
    # slot-1 came after the claim, so it has its own row (slot-2 folded into it), due at the interval's end.
    assert updates_due(instance) == [now + END]

    instance.clock.set(now + END)
    await instance.send()
    _, second = mailbox.messages("agenda_update")
    assert told_uids(second) == ["slot-slot-2@jobdating"]
    assert "Nouvel entretien" in str(second["Subject"])
    assert "10 h 30" in plain_text(second)
    assert "Vos autres entretiens" in plain_text(second)  # the two it told before
    assert sorted(r[3:6] for r in instance.deliveries(kind="agenda_update")) == [
        ("slot-0", "sent", None),
        ("slot-1", "sent", None),
    ]


async def test_an_update_claimed_when_the_service_stopped_goes_again_once(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    """Claimed before its content is read, a kill before the provider is called leaves the update in
    progress without a message id: it was not sent, and reconciliation puts it back in the queue."""
    candidates = people(registration, upstream, 1)
    upstream.assign("slot-0", candidates[0], paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    store = instance.service.store
    (update,) = queries_deliveries.pending_of_kind(store, "agenda_update")
    with store.transaction() as tx:
        delivery_rows.claim(tx, update.notification_id, instance.clock.now())
    assert await instance.sender.reconcile() == 1
    await instance.send()
    (sent,) = mailbox.messages("agenda_update")
    assert told_uids(sent) == ["slot-slot-0@jobdating"]
    assert [r[4:6] for r in instance.deliveries(kind="agenda_update")] == [("sent", None)]
