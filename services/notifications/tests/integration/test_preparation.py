"""The weeks before the day reach candidates: a convocation and a reminder, once each, for a workshop seat
and an individual interview; nothing for a seat given back; a notice when one is called off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar
import pytest

from jobdating.contracts import scheduling as sc
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope

from .conftest import (
    FakeClock,
    Instance,
    Mailbox,
    Registration,
    Upstream,
    calendar_of,
    paris,
    person,
    sms_lines,
)

pytestmark = pytest.mark.nats


async def test_a_workshop_seat_and_an_individual_interview_get_one_convocation_and_one_reminder_each(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    mailbox: Mailbox,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    # Thursday 26 November, 10:00 in Paris; the workshop is on Monday 30 at 14:00.
    kept, leaving = person(registration, upstream, 0), person(registration, upstream, 1)
    upstream.site()
    upstream.job_dating()
    upstream.workshop("ws-1", paris(date(2026, 11, 30), 14))
    for candidate_id in (kept, leaving):
        upstream.append(
            sc.CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id=candidate_id),
            "ws-1",
            "scheduling",
        )
    interview = sc.CounsellingInterviewBooked(
        interview_id="ci-1",
        job_dating_id="jd-1",
        candidate_id=kept,
        counsellor_id="ml-conseiller-1",
        counsellor_org="mission-locale",
        site_id="site-1",
        starts_at=paris(date(2026, 11, 27), 9),
        ends_at=paris(date(2026, 11, 27), 9, 45),
    )
    upstream.append(interview, "ci-1", "scheduling")
    await instance.caught_up(upstream)
    await instance.send()

    # The one leaving has a seat only; the one kept, booked with their counsellor at the same moment, hears
    # of both in one message (the counsellor's carries the workshop's).
    [convocation] = mailbox.messages("workshop_convocation")
    assert convocation["Subject"].strip() == "Atelier de préparation le lundi 30 novembre à 14 h"
    assert convocation["To"] == "personne1@example.org"
    [with_counsellor] = mailbox.messages("counselling_convocation")
    assert with_counsellor["To"] == "personne0@example.org"
    assert with_counsellor["Subject"].strip() == (
        "Rendez-vous avec votre conseiller le vendredi 27 novembre à 9 h, et votre atelier"
    )
    body = with_counsellor.get_body()
    assert body is not None
    assert "Vous avez rendez-vous avec Karima, votre conseiller" in body.get_content()
    assert (
        "Atelier de préparation au job dating\r\nDate : lundi 30 novembre, de 14 h à 16 h"
        in body.get_content()
    )
    calendar = icalendar.Calendar.from_ical(calendar_of(with_counsellor))
    assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == [
        "counselling-ci-1@jobdating",
        "workshop-ws-1@jobdating",
    ]
    assert [r[4:6] for r in instance.deliveries(kind="workshop_convocation", recipient_id=kept)] == [
        ("skipped", "merged"),
        ("skipped", "merged"),
    ]
    texts = [t["text"] for t in sms_lines(tmp_path / "sms.jsonl")]
    assert len(texts) == 2, texts
    assert sum("atelier de préparation au job dating lundi 30/11 de 14h à 16h" in t for t in texts) == 1
    # One part rather than two: the compact form, the workshop by its date, hour and commune.
    assert (
        sum("votre conseiller, vendredi 27/11 à 9h" in t and "Atelier 30/11 14h, Seclin." in t for t in texts)
        == 1
    )
    assert all(len(t) <= 306 for t in texts)
    assert instance.statuses("workshop_reminder") == {"pending": 4}
    # The interview is tomorrow morning: its eve reminder would come at 10:00 today, too soon after.
    assert instance.statuses("counselling_reminder") == {}

    # One candidate gives the seat back; the eve of the workshop, only the other is reminded.
    upstream.append(
        sc.CandidateUnenrolledFromWorkshop(workshop_id="ws-1", candidate_id=leaving), "ws-1", "scheduling"
    )
    await instance.caught_up(upstream)
    clock.set(paris(date(2026, 11, 29), 10))
    await instance.send()
    assert [m["To"] for m in mailbox.messages("workshop_reminder")] == ["personne0@example.org"]
    assert instance.deliveries(kind="workshop_reminder", recipient_id=leaving)[0][4:6] == (
        "skipped",
        "unenrolled",
    )
    reminders = [t for t in sms_lines(tmp_path / "sms.jsonl") if t["text"].startswith("Rappel : atelier")]
    assert [t["to"] for t in reminders] == ["+33639980000"]

    # Once each: sending again, or handling the same events again, sends nothing more.
    assert await instance.send() == 0
    with instance.service.store.transaction() as tx:
        for row in upstream.store.read_all():
            recorded = REGISTRY.decode(decode_envelope(row.body))
            if recorded.envelope.source.endswith("scheduling"):
                instance.service.planner.on_scheduling(tx, recorded)
    assert await instance.send() == 0
    assert len(mailbox.messages("workshop_reminder")) == 1

    # The session is called off: the one still enrolled is told, by e-mail and SMS.
    upstream.append(
        sc.WorkshopCancelled(workshop_id="ws-1", job_dating_id="jd-1", candidate_ids=(kept,)),
        "ws-1",
        "scheduling",
    )
    await instance.caught_up(upstream)
    await instance.send()
    [notice] = mailbox.messages("workshop_cancelled")
    assert notice["Subject"].strip() == "Atelier du lundi 30 novembre annulé"
    assert instance.statuses("workshop_cancelled") == {"sent": 2}
