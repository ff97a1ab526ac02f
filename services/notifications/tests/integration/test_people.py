"""Who is told what: an erased person is never contacted, an opt-out holds reminders, recruiters get one
agenda per plan, counsellors the outcome, coach pairs their workshop, candidates a thank-you."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import httpx
import icalendar
import pytest

from jobdating.contracts.queries import Contact

from .conftest import (
    Instance,
    Mailbox,
    Registration,
    Upstream,
    calendar_of,
    consenting,
    paris,
    sms_lines,
    until,
)

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)


def register(
    upstream: Upstream, registration: Registration, *candidates: str, reminders: bool = True
) -> None:
    for candidate_id in candidates:
        phone = f"+336399800{len(registration.people):02d}"
        contact = (f"Prénom-{candidate_id}", phone, f"{candidate_id}@example.org")
        consenting(registration, upstream, candidate_id, contact, reminders)


def world(upstream: Upstream, registration: Registration) -> None:
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()


async def test_an_erased_candidate_is_not_contacted_nor_asked_about(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration)
    register(upstream, registration, "cand-erased", "cand-late-erasure")
    upstream.erase("cand-erased")
    # Registration erased this one, but its event has not reached us yet: its answer says so.
    registration.statuses["cand-late-erasure"] = "erased"
    upstream.assign("slot-1", "cand-erased", paris(DAY, 9, 30))
    upstream.assign("slot-2", "cand-late-erasure", paris(DAY, 10))
    await instance.caught_up(upstream)
    await instance.send()

    # The recruiter's one update for both slots (given together: the second is folded into the first's).
    assert [m["To"] for m in mailbox.messages()] == ["recrutement@logistique.example"]
    assert sms_lines(instance.service.settings.sms_sink) == []
    convocations = instance.deliveries(kind="convocation")
    assert {(r[2], r[4], r[5]) for r in convocations} == {
        ("cand-erased", "skipped", "erased"),
        ("cand-late-erasure", "skipped", "erased"),
    }
    # The erased person's details were never even asked for (the recruiter's agenda names nobody).
    assert [subject for subject, _ in registration.asked if subject == "cand-erased"] == []
    skipped = [e for e in instance.service.store.read_all() if e.event_type == "NotificationSkipped"]
    assert len(skipped) == 4


async def test_reminders_go_two_days_before_and_on_the_morning_except_to_who_opted_out(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration)
    register(upstream, registration, "cand-1", "cand-off")
    # Registration says this one wants no reminders...
    register(upstream, registration, "cand-quiet", reminders=False)
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    upstream.assign("slot-2", "cand-quiet", paris(DAY, 10))
    upstream.assign("slot-3", "cand-off", paris(DAY, 10, 30))
    await instance.caught_up(upstream)
    await instance.send()
    # ... and this one told their counsellor, who records it here.
    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as client:
        url = "/candidates/cand-off/reminders"
        other_org = {"Authorization": "Bearer ft-counsellor-token"}
        assert (await client.put(url, json={"reminders": False}, headers=other_org)).status_code == 403
        theirs = {"Authorization": "Bearer ml-counsellor-token"}
        answer = await client.put(url, json={"reminders": False}, headers=theirs)
        assert answer.json() == {"candidate_id": "cand-off", "reminders": False}
        assert (await client.put(url, json={"reminders": False}, headers=theirs)).status_code == 200
        assert (await client.get(url, headers=theirs)).json()["reminders"] is False
        unknown = await client.put("/candidates/nobody/reminders", json={"reminders": False}, headers=theirs)
        assert unknown.status_code == 404
    wishes = [e.event_type for e in instance.service.store.read_all() if e.stream_id == "reminders-cand-off"]
    assert wishes == ["RemindersOptedOut"]  # said twice, recorded once

    instance.clock.set(paris(DAY - timedelta(days=2), 10))
    await instance.send()
    instance.clock.set(paris(DAY, 7))
    await instance.send()
    reminders = [m for m in mailbox.messages() if m["X-Jobdating-Kind"].startswith("reminder")]
    assert sorted((m["To"], m["X-Jobdating-Kind"]) for m in reminders) == [
        ("cand-1@example.org", "reminder_morning"),
        ("cand-1@example.org", "reminder_two_days"),
    ]
    texts = [t["text"] for t in sms_lines(instance.service.settings.sms_sink)]
    assert len([t for t in texts if t.startswith("Rappel")]) == 1
    assert len([t for t in texts if t.startswith("C'est aujourd'hui")]) == 1
    quiet = instance.deliveries(recipient_id="cand-quiet")
    assert {(r[0], r[4], r[5]) for r in quiet if r[0].startswith("reminder")} == {
        ("reminder_two_days", "skipped", "opted_out"),
        ("reminder_morning", "skipped", "opted_out"),
    }
    assert {r[4] for r in quiet if r[0] == "convocation"} == {"sent"}
    off = instance.deliveries(recipient_id="cand-off")
    assert {(r[4], r[5]) for r in off if r[0].startswith("reminder")} == {("skipped", "opted_out")}
    # Known here: registration was not even asked for the details of a reminder that will not go.
    assert not [p for subject, p in registration.asked if subject == "cand-off" and "reminder" in p]


async def test_recruiters_counsellors_coaches_and_candidates_each_hear_their_part(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration)
    register(upstream, registration, "cand-1", "cand-2")
    upstream.workshop("ws-1", paris(DAY - timedelta(days=3), 14))
    upstream.publish_plan(slots=2)
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    # Half the plan has arrived: the recruiter's agenda waits for the rest.
    assert mailbox.messages("recruiter_agenda") == []
    upstream.assign("slot-2", "cand-2", paris(DAY, 10))
    await instance.caught_up(upstream)
    await instance.send()

    (agenda,) = mailbox.messages("recruiter_agenda")
    body = agenda.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Prénom-cand-1" in text and "Prénom-cand-2" in text  # noqa: PT018
    assert "https://visio.example/slot-1" in text
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(calendar_of(agenda)).walk("VEVENT")]
    assert uids == ["slot-slot-1@jobdating", "slot-slot-2@jobdating"]
    assert mailbox.messages("agenda_update") == []

    workshop = mailbox.messages("workshop_session")
    assert sorted(m["To"] for m in workshop) == [
        "nadia.coach@france-travail.example",
        "paul.coach@mission-locale.example",
    ]
    to_paul = next(m for m in workshop if m["To"].startswith("paul"))
    assert "Nadia (france-travail)" in to_paul.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # The day: a second interview for cand-1, not retained for cand-2.
    instance.clock.set(paris(DAY, 10, 30))
    upstream.complete("slot-1", "cand-1", "second_interview")
    upstream.complete("slot-2", "cand-2", "not_retained")
    upstream.assign("slot-3", "cand-1", paris(DAY + timedelta(days=7), 14), kind="second_interview")
    await instance.caught_up(upstream)
    await instance.send()
    outcomes = mailbox.messages("counsellor_outcome")
    assert [m["To"] for m in outcomes] == ["karima.conseil@mission-locale.example"] * 2
    assert mailbox.messages("thank_you") == []  # it waits for the evening
    instance.clock.set(paris(DAY, 17, 30))
    await instance.send()
    thanks = {m["To"]: m.get_body(("plain",)).get_content() for m in mailbox.messages("thank_you")}  # type: ignore[union-attr]
    assert "jeudi 10 décembre à 14 h" in thanks["cand-1@example.org"]
    assert "n'est pas retenue" in thanks["cand-2@example.org"]


async def test_the_scheduler_loop_sends_a_reminder_when_its_clock_reaches_the_time(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    world(upstream, registration)
    register(upstream, registration, "cand-1")
    upstream.assign("slot-1", "cand-1", paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    sender = instance.sender
    sender.tick = 0.02
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    try:
        # Woken by the consumer's planning (or by its next tick): nobody calls `send` here.
        await until(lambda: len(mailbox.messages("convocation")) == 1)
        await asyncio.sleep(0.2)
        assert mailbox.messages("reminder_two_days") == []
        instance.clock.set(paris(DAY - timedelta(days=2), 10))  # the demo's clock jumps ahead
        await until(lambda: len(mailbox.messages("reminder_two_days")) == 1)
    finally:
        stop.set()
        await running
