"""One message per person per moment, through the real SMTP server: a published plan gives each candidate one
convocation listing all their interviews (one e-mail with one calendar, one SMS); changes made together are
told together after the change delay; the reminder of a day lists that day's interviews, once."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from jobdating.contracts import scheduling as sc
from jobdating.contracts.queries import Contact
from jobdating.notifications.application import queries_plan

from .conftest import Instance, Mailbox, Registration, Upstream, calendar_of, paris, person, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
COMPANIES = {"co-1": "Logistique du Nord", "co-2": "Boulangerie Paul", "co-3": "Clinique des Acacias"}


@pytest.fixture
def setting_changes() -> dict[str, Any]:
    return {"change_delay_seconds": 120.0}


def world(registration: Registration, upstream: Upstream, candidates: int) -> list[str]:
    ids = [person(registration, upstream, i) for i in range(candidates)]
    for company_id, name in COMPANIES.items():
        registration.people[company_id] = Contact(first_name="Marc", email=f"{company_id}@entreprise.example")
        upstream.company(company_id, name=name)
    upstream.site()
    upstream.job_dating()
    return ids


def texts_to(path: Path, registration: Registration, candidate_id: str) -> list[str]:
    phone = registration.people[candidate_id].phone
    return [t["text"] for t in sms_lines(path) if t["to"] == phone]


async def publish_three_and_one(instance: Instance, upstream: Upstream, ines: str, paul: str) -> None:
    """A plan of four slots: three for the first candidate (three companies), one for the second."""
    upstream.publish_plan(slots=4)
    for i, company_id in enumerate(COMPANIES):
        upstream.assign(f"slot-{i}", ines, paris(DAY, 9) + timedelta(minutes=30 * i), company_id=company_id)
    upstream.assign("slot-3", paul, paris(DAY, 10), company_id="co-1")
    await instance.caught_up(upstream)
    await instance.send()


async def test_a_published_plan_gives_each_candidate_one_convocation_listing_all_their_interviews(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    ines, paul = world(registration, upstream, 2)
    await publish_three_and_one(instance, upstream, ines, paul)

    convocations = mailbox.messages("convocation")
    assert sorted(m["To"] for m in convocations) == ["personne0@example.org", "personne1@example.org"]
    (to_ines,) = [m for m in convocations if m["To"] == "personne0@example.org"]
    assert str(to_ines["Subject"]).strip() == "Vos 3 entretiens d'embauche le jeudi 3 décembre"
    body = to_ines.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for name in COMPANIES.values():
        assert name in text
    # One calendar holding the three interviews, each under its slot's UID.
    calendar = icalendar.Calendar.from_ical(calendar_of(to_ines))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == [
        f"slot-slot-{i}@jobdating" for i in range(3)
    ]
    # One SMS each: Inès's names the three times.
    (sms,) = texts_to(tmp_path / "sms.jsonl", registration, ines)
    assert all(hour in sms for hour in ("9h ", "9h30", "10h"))
    assert len(sms) <= 306  # two GSM-7 segments
    assert len(texts_to(tmp_path / "sms.jsonl", registration, paul)) == 1
    # What each was told of each slot is recorded, on each channel: a later change is news against it.
    store = instance.service.store
    for i in range(3):
        for channel in ("sms", "email"):
            assert queries_plan.told(store, f"slot-{i}", "candidate", ines, channel) is not None
    # One row per candidate and channel for the whole plan, sent; recruiters got their agendas with them.
    assert instance.statuses("convocation") == {"sent": 4}
    assert len(mailbox.messages("recruiter_agenda")) == 3


async def test_changes_made_together_are_told_in_one_message_after_the_change_delay(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    ines, paul = world(registration, upstream, 2)
    await publish_three_and_one(instance, upstream, ines, paul)
    sms_file = tmp_path / "sms.jsonl"

    # A computer breaks: Inès's 9:00 interview moves to 11:00, her 9:30 one is cancelled, a minute apart.
    start = instance.clock.now()
    upstream.move("slot-0", ines, paris(DAY, 11), paris(DAY, 9))
    await instance.caught_up(upstream)
    instance.clock.set(start + timedelta(minutes=1))
    upstream.cancel("slot-1", ines, reason="computer_broken")
    await instance.caught_up(upstream)
    await instance.send()  # the recruiters' updates go at once; nothing to Inès before the delay is over
    assert len(texts_to(sms_file, registration, ines)) == 1
    instance.clock.set(start + timedelta(minutes=2))
    await instance.send()
    instance.clock.set(start + timedelta(minutes=3))
    await instance.send()

    texts = texts_to(sms_file, registration, ines)
    assert len(texts) == 2  # the convocation, then one message for both changes
    assert texts[1].startswith("Jeudi 3/12, changements : ")  # the day once, then each change in time order
    assert "Annulé : Boulangerie Paul 9h30. Logistique du Nord 11h (avant 9h)." in texts[1]
    mails = [m for m in mailbox.messages() if m["To"] == "personne0@example.org"]
    assert Counter(m["X-Jobdating-Kind"] for m in mails) == {"convocation": 1, "slot_moved": 1}
    (change,) = [m for m in mails if m["X-Jobdating-Kind"] == "slot_moved"]
    assert str(change["Subject"]).strip() == "Changements dans vos entretiens du jeudi 3 décembre"
    events = {
        str(e["UID"]): (int(str(e["SEQUENCE"])), str(e["STATUS"]))
        for e in icalendar.Calendar.from_ical(calendar_of(change)).walk("VEVENT")
    }
    assert events == {"slot-slot-0@jobdating": (2, "CONFIRMED"), "slot-slot-1@jobdating": (2, "CANCELLED")}
    # The cancellation's own notice found nothing left to tell; Paul heard nothing.
    assert {(r[1], r[4], r[5]) for r in instance.deliveries(kind="slot_cancelled")} == {
        ("email", "skipped", "unchanged"),
        ("sms", "skipped", "unchanged"),
    }
    assert len(texts_to(sms_file, registration, paul)) == 1


async def test_the_reminder_of_a_day_lists_its_interviews_and_goes_once(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    ines, paul = world(registration, upstream, 2)
    await publish_three_and_one(instance, upstream, ines, paul)

    instance.clock.set(paris(DAY - timedelta(days=2), 10))
    await instance.send()
    instance.clock.set(paris(DAY, 7))
    await instance.send()

    texts = texts_to(tmp_path / "sms.jsonl", registration, ines)
    assert len(texts) == 3  # convocation, two days before, the morning
    assert texts[1].startswith("Rappel : jeudi 3/12, 3 entretiens")
    assert texts[2].startswith("C'est aujourd'hui : 3 entretiens")
    mails = [m["X-Jobdating-Kind"] for m in mailbox.messages() if m["To"] == "personne0@example.org"]
    assert Counter(mails) == {"convocation": 1, "reminder_two_days": 1, "reminder_morning": 1}
    rows = [r for r in instance.deliveries(recipient_id=ines) if r[0].startswith("reminder")]
    # Each of her three slots planned its reminders: one per kind and channel went, the others stood down.
    assert Counter((r[0], r[4], r[5]) for r in rows) == {
        ("reminder_morning", "sent", None): 2,
        ("reminder_morning", "skipped", "already_reminded"): 4,
        ("reminder_two_days", "sent", None): 2,
        ("reminder_two_days", "skipped", "already_reminded"): 4,
    }
    assert len(texts_to(tmp_path / "sms.jsonl", registration, paul)) == 3


async def test_two_notices_for_one_person_due_together_are_sent_one_after_the_other_and_say_it_once(
    instance: Instance, upstream: Upstream, registration: Registration, tmp_path: Path
) -> None:
    (ines,) = world(registration, upstream, 1)
    # Two interviews given outside any plan (walk-ins), both handled before the sender looks: due at once.
    upstream.assign("slot-a", ines, paris(DAY, 9), company_id="co-1")
    upstream.assign("slot-b", ines, paris(DAY, 10), company_id="co-2")
    await instance.caught_up(upstream)
    instance.clock.set(instance.clock.now() + timedelta(minutes=2))
    await instance.send()

    (text,) = texts_to(tmp_path / "sms.jsonl", registration, ines)
    assert "9h Logistique du Nord" in text
    assert "10h Boulangerie Paul" in text
    assert Counter((r[1], r[4], r[5]) for r in instance.deliveries(kind="convocation")) == {
        ("sms", "sent", None): 1,
        ("sms", "skipped", "unchanged"): 1,
        ("email", "sent", None): 1,
        ("email", "skipped", "unchanged"): 1,
    }


async def test_a_workshop_seat_given_with_the_plan_is_told_in_the_convocation_not_apart(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    ines, paul = world(registration, upstream, 2)
    upstream.workshop("ws-1", paris(DAY - timedelta(days=2), 14))
    upstream.append(
        sc.CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id=ines), "ws-1", "scheduling"
    )
    await publish_three_and_one(instance, upstream, ines, paul)
    # The workshop's own convocation was due after the change delay: nothing more then.
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()

    (sms,) = texts_to(tmp_path / "sms.jsonl", registration, ines)
    assert "Atelier de préparation mardi 1/12 à 14h" in sms or "Atelier 1/12 14h" in sms, sms
    assert len(sms) <= 306
    mails = [m for m in mailbox.messages() if m["To"] == "personne0@example.org"]
    assert [m["X-Jobdating-Kind"] for m in mails] == ["convocation"]
    (mail,) = mails
    assert str(mail["Subject"]).strip() == "Vos 3 entretiens d'embauche le jeudi 3 décembre, et votre atelier"
    body = mail.get_body(("plain",))
    assert body is not None
    assert "Atelier de préparation au job dating" in body.get_content()
    # One calendar: an entry per interview and one for the workshop.
    uids = sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(calendar_of(mail)).walk("VEVENT"))
    assert uids == [f"slot-slot-{i}@jobdating" for i in range(3)] + ["workshop-ws-1@jobdating"]
    assert {(r[1], r[4], r[5]) for r in instance.deliveries(kind="workshop_convocation")} == {
        ("email", "skipped", "merged"),
        ("sms", "skipped", "merged"),
    }
    # Paul, with no workshop, gets his convocation as before.
    assert [m["X-Jobdating-Kind"] for m in mailbox.messages() if m["To"] == "personne1@example.org"] == [
        "convocation"
    ]


async def test_a_change_before_the_plans_agendas_went_is_left_to_them_not_told_by_an_update(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    # A recruiter's update tells every slot of the company that is news; the plan's slots are all news
    # until its agenda goes, and the agenda tells them: an update before then says nothing.
    ines, paul = world(registration, upstream, 2)
    upstream.publish_plan(slots=3)
    upstream.assign("slot-0", ines, paris(DAY, 9), company_id="co-1")
    upstream.assign("slot-1", paul, paris(DAY, 9, 30), company_id="co-1")
    upstream.move("slot-0", ines, paris(DAY, 11), paris(DAY, 9))  # a repair while the plan comes in
    await instance.caught_up(upstream)
    await instance.send()
    assert mailbox.messages("agenda_update") == []
    assert [r[4:6] for r in instance.deliveries(kind="agenda_update")] == [("skipped", "never_told")]
    upstream.assign("slot-2", paul, paris(DAY, 10), company_id="co-2")
    await instance.caught_up(upstream)
    await instance.send()
    (agenda,) = [m for m in mailbox.messages("recruiter_agenda") if m["To"] == "co-1@entreprise.example"]
    events = icalendar.Calendar.from_ical(calendar_of(agenda)).walk("VEVENT")
    # Slot-0 at its new time (11:00 in Paris), slot-1 at 9:30.
    assert sorted(e.decoded("DTSTART") for e in events) == [paris(DAY, 9, 30), paris(DAY, 11)]
    assert mailbox.messages("agenda_update") == []
