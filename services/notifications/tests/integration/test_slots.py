"""Slots reach people: one convocation per slot by e-mail (with its invitation) and SMS; moves and
cancellations update the same calendar entry; quiet hours hold SMS; a slot moved back says nothing."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import vobject  # type: ignore[import-untyped]
from nats.js import JetStreamContext

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.notifications import NotificationSent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.application import queries_deliveries as deliveries

from .conftest import (
    ORG,
    Instance,
    Mailbox,
    Registration,
    Upstream,
    calendar_of,
    paris,
    people,
    sms_lines,
    until,
)

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)


async def test_each_published_slot_gets_exactly_one_convocation_by_email_and_by_sms(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    mailbox: Mailbox,
    js: JetStreamContext,
    tmp_path: Path,
) -> None:
    candidates = people(registration, upstream, 5)
    for i, candidate_id in enumerate(candidates):
        upstream.assign(f"slot-{i}", candidate_id, paris(DAY, 9, 30 + 5 * i))
    await instance.caught_up(upstream)
    await instance.send()

    convocations = mailbox.messages("convocation")
    assert len(convocations) == 5
    uids = set()
    for message in convocations:
        ics = calendar_of(message)
        assert ics is not None
        event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
        assert int(str(event["SEQUENCE"])) == 1
        uids.add(str(event["UID"]))
        assert vobject.readOne(ics).vevent.uid.value == str(event["UID"])
        assert "Logistique du Nord" in message["Subject"]
        # No console key nor address in these settings: no personal link.
        text = message.get_body(("plain",))
        assert isinstance(text, EmailMessage)
        assert "/c/" not in text.get_content()
    assert uids == {f"slot-slot-{i}@jobdating" for i in range(5)}
    texts = sms_lines(tmp_path / "sms.jsonl")
    assert sorted(t["to"] for t in texts) == sorted(
        c.phone or "" for k, c in registration.people.items() if k.startswith("cand")
    )
    assert all("Logistique du Nord" in t["text"] and len(t["text"]) <= 160 for t in texts)
    # The recruiter hears of each new slot once, in one e-mail for the slots given together (one message
    # per company and moment: the slots given while it waits are folded into it); the reminders wait.
    (update,) = mailbox.messages("agenda_update")
    told = icalendar.Calendar.from_ical(calendar_of(update)).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in told) == sorted(f"slot-slot-{i}@jobdating" for i in range(5))
    assert "Votre agenda change : 5 entretiens" in update["Subject"]
    # One heading over the five new interviews, not one above each.
    told_body = update.get_body(("plain",))
    assert isinstance(told_body, EmailMessage)
    told_text = told_body.get_content()
    assert told_text.count("Ces entretiens s'ajoutent à votre agenda :") == 1
    assert "Un entretien s'ajoute" not in told_text
    assert [r[4:6] for r in instance.deliveries(kind="agenda_update")] == [("sent", None)]
    assert instance.statuses("reminder_morning") == {"pending": 10}

    # The events say what was sent, anonymously, caused by each SlotAssigned; the relay publishes them.
    sent = [
        REGISTRY.decode(decode_envelope(e.body))
        for e in instance.service.store.read_all()
        if e.event_type == "NotificationSent"
    ]
    # 5 e-mails and 5 SMS to candidates, and one e-mail to the recruiter telling the 5 slots.
    assert len(sent) == 11
    causes = {
        row[0]
        for row in upstream.store.query("SELECT event_id FROM events WHERE event_type = 'SlotAssigned'", ())
    }
    assert {
        e.envelope.causation_id
        for e in sent
        if isinstance(e.data, NotificationSent) and e.data.kind == "convocation"
    } == causes
    subscription = await js.pull_subscribe(
        f"jobdating.{ORG}.notifications.notification.NotificationSent.>", durable=None
    )
    published = await subscription.fetch(11, timeout=5)
    assert len(published) == 11

    # Sending again, or handling the same events again, sends nothing more.
    assert await instance.send() == 0
    planner = instance.service.planner
    with instance.service.store.transaction() as tx:
        for row in upstream.store.read_all():
            recorded = REGISTRY.decode(decode_envelope(row.body))
            if recorded.envelope.source.endswith("scheduling"):
                planner.on_scheduling(tx, recorded)
    await instance.send()
    assert len(mailbox.messages()) == 5 + 1
    # (Outside the inbox, a slot folded into the recruiter's update plans one again; it tells nothing new.)
    assert {r[4:6] for r in instance.deliveries(kind="agenda_update")} <= {
        ("sent", None),
        ("skipped", "unchanged"),
    }

    # No contact detail in this service's database (nor in its events).
    raw = (tmp_path / "notifications.db").read_bytes() + (tmp_path / "notifications.db-wal").read_bytes()
    for contact in registration.people.values():
        for value in filter(None, (contact.phone, contact.email, contact.first_name)):
            assert value.encode() not in raw


async def test_a_moved_slot_sends_one_update_with_the_same_uid_and_a_higher_sequence_then_a_cancel(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    (candidate_id,) = people(registration, upstream, 1)
    first = paris(DAY, 9, 30)
    upstream.assign("slot-0", candidate_id, first)
    await instance.caught_up(upstream)
    await instance.send()
    upstream.move("slot-0", candidate_id, first + timedelta(hours=1), first, computer="pc-2")
    await instance.caught_up(upstream)
    await instance.send()
    upstream.cancel("slot-0", candidate_id)
    await instance.caught_up(upstream)
    await instance.send()

    to_candidate = [m for m in mailbox.messages() if m["To"] == "personne0@example.org"]
    assert [m["X-Jobdating-Kind"] for m in to_candidate] == ["convocation", "slot_moved", "slot_cancelled"]
    calendars = [calendar_of(m) for m in to_candidate]
    assert all(calendars)
    parsed = [icalendar.Calendar.from_ical(c) for c in calendars]
    events = [p.walk("VEVENT")[0] for p in parsed]
    assert {str(e["UID"]) for e in events} == {"slot-slot-0@jobdating"}
    assert [int(str(e["SEQUENCE"])) for e in events] == [1, 2, 3]
    assert [str(p["METHOD"]) for p in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1].decoded("DTSTART") == first + timedelta(hours=1)
    assert [vobject.readOne(c).method.value for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert "10 h 30" in to_candidate[1]["Subject"]
    # The recruiter's calendar gets the same entry, updated the same way.
    to_recruiter = mailbox.messages("agenda_update")
    assert [icalendar.Calendar.from_ical(calendar_of(m))["METHOD"] for m in to_recruiter] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]
    texts = [t["text"] for t in sms_lines(instance.service.settings.sms_sink)]
    assert len(texts) == 3
    assert "10h30" in texts[1]
    assert "Annulé" in texts[2]
    # Reminders of a cancelled slot are never sent.
    instance.clock.set(paris(DAY, 7))
    await instance.send()
    assert {r[4:6] for r in instance.deliveries(subject_id="slot-0") if r[0].startswith("reminder")} == {
        ("skipped", "slot_cancelled")
    }


async def test_no_sms_at_night_unless_the_interview_is_within_12_hours_and_a_slot_moved_back_says_nothing(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    far, near = people(registration, upstream, 2)
    evening = paris(DAY - timedelta(days=1), 21)
    instance.clock.set(evening)
    far_start, near_start = paris(DAY + timedelta(days=2), 9, 30), paris(DAY, 8, 30)
    upstream.assign("slot-far", far, far_start)
    upstream.assign("slot-near", near, near_start)
    await instance.caught_up(upstream)
    await instance.send()
    texts = sms_lines(instance.service.settings.sms_sink)
    assert [t["to"] for t in texts] == [registration.people[near].phone]  # 11 h 30 before the interview
    assert len(mailbox.messages("convocation")) == 2  # e-mails are not held
    (held,) = deliveries.listing(instance.service.store, status="pending", kind="convocation")
    assert (held.recipient_id, held.due_at) == (far, paris(DAY, 8))

    # During the night the far slot moves and moves back: nobody gets a word about it.
    upstream.move("slot-far", far, far_start + timedelta(hours=2), far_start)
    upstream.move("slot-far", far, far_start, far_start + timedelta(hours=2))
    await instance.caught_up(upstream)
    await instance.send()
    instance.clock.set(paris(DAY, 8))
    await instance.send()
    texts = sms_lines(instance.service.settings.sms_sink)
    (to_far,) = [t["text"] for t in texts if t["to"] == registration.people[far].phone]
    assert "9h30" in to_far  # the time that stands, not the one it held for a while
    assert "11h30" not in to_far
    assert mailbox.messages("slot_moved") == []
    moved = instance.deliveries(kind="slot_moved")
    # The e-mail went at once; the moves' e-mail notices had nothing left to tell.
    assert {(r[1], r[4], r[5]) for r in moved if r[1] == "email"} == {("email", "skipped", "unchanged")}
    # At 08:00 the held convocation and the moves' SMS notices are due together: whichever goes first tells
    # the time that stands (one SMS), the others find nothing new.
    held_sms = [r for r in instance.deliveries(recipient_id=far, channel="sms") if not r[0].startswith("rem")]
    assert sorted((r[4], r[5]) for r in held_sms) == [
        ("sent", None),
        ("skipped", "unchanged"),
        ("skipped", "unchanged"),
    ]


async def test_the_sender_is_woken_once_the_messages_it_is_to_send_are_committed(
    instance: Instance, upstream: Upstream, registration: Registration, tmp_path: Path
) -> None:
    # The consumers write through the committer's thread: a wake-up from inside their work would let the
    # sender look before the rows are there, and sleep on them.
    assert instance.service.store.group_commit.leads_in_thread
    assert all(runner.grouped for runner in instance.host.runners)
    other = SqliteEventStore(tmp_path / "notifications.db")  # a connection of its own: committed rows only
    seen: list[int] = []
    instance.service.planner.on_planned = lambda: seen.append(len(deliveries.listing(other)))
    (candidate,) = people(registration, upstream, 1)
    upstream.assign("slot-0", candidate, paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    # The inbox row is read committed a moment before the loop runs the work's callbacks (`_settle_all`).
    await until(lambda: bool(seen), 5.0)
    assert seen[0] > 0
    other.close()
