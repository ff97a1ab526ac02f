"""A candidate put on a site's waiting list is told once, in plain French, by SMS and e-mail as their
consents allow, SMS held by quiet hours; a slot given to them from the list is a convocation like any
other, and the waiting notice still held then is not sent (it would say the opposite)."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

import pytest

from jobdating.contracts import scheduling as sc

from .conftest import Instance, Mailbox, Registration, Upstream, consenting, paris, person, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)


def waitlisted(upstream: Upstream, candidate_id: str, instance: Instance) -> None:
    event = sc.CandidateWaitlisted(
        job_dating_id="jd-1",
        candidate_id=candidate_id,
        site_id="site-1",
        reason="registered_after_publication",
        at=instance.clock.now(),
    )
    upstream.append(event, f"jd-1_{candidate_id}", "scheduling")


def from_the_list(upstream: Upstream, candidate_id: str) -> None:
    upstream.assign("slot-freed", candidate_id, paris(DAY, 11, 20), from_waiting_list=True)


@pytest.mark.usefixtures("recruiting")
async def test_a_waitlisted_candidate_is_told_once_by_sms_and_email(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    candidate_id = person(registration, upstream, 0)
    waitlisted(upstream, candidate_id, instance)
    await instance.caught_up(upstream)
    await instance.send()
    assert await instance.send() == 0

    (mail,) = mailbox.messages("waitlisted")
    assert mail["Subject"] == "Vous êtes sur la liste d'attente"
    body = mail.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    assert "Vous êtes sur la liste d'attente à Maison de l'emploi (2 rue de l'Emploi, Seclin)." in (
        body.get_content().replace("\r\n", "\n")
    )
    (sms,) = sms_lines(instance.service.settings.sms_sink)
    assert "liste d'attente à Maison de l'emploi" in sms["text"]
    assert len(sms["text"]) <= 160


@pytest.mark.usefixtures("recruiting")
async def test_the_waiting_notice_follows_consents(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    consenting(registration, upstream, "cand-7", ("Sept", "+33639980007", "sept@example.org"), sms=False)
    waitlisted(upstream, "cand-7", instance)
    await instance.caught_up(upstream)
    await instance.send()
    assert [m["To"] for m in mailbox.messages("waitlisted")] == ["sept@example.org"]
    assert sms_lines(instance.service.settings.sms_sink) == []
    assert instance.statuses("waitlisted") == {"sent": 1, "skipped": 1}


@pytest.mark.usefixtures("recruiting")
async def test_a_slot_from_the_list_is_a_convocation_and_the_held_waiting_sms_is_dropped(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    candidate_id = person(registration, upstream, 0)
    instance.clock.set(paris(DAY - timedelta(days=2), 22, 30))  # quiet hours: SMS wait for the morning
    waitlisted(upstream, candidate_id, instance)
    await instance.caught_up(upstream)
    await instance.send()
    assert len(mailbox.messages("waitlisted")) == 1
    assert sms_lines(instance.service.settings.sms_sink) == []

    from_the_list(upstream, candidate_id)
    await instance.caught_up(upstream)
    await instance.send()
    (convocation,) = mailbox.messages("convocation")
    assert "Logistique du Nord" in convocation["Subject"]

    instance.clock.set(paris(DAY - timedelta(days=1), 8, 30))
    await instance.send()
    texts = [t["text"] for t in sms_lines(instance.service.settings.sms_sink)]
    assert len(texts) == 1
    assert "entretien d'embauche avec Logistique du Nord" in texts[0]
    skipped = [r for r in instance.deliveries(kind="waitlisted") if r[1] == "sms"]
    assert [(r[4], r[5]) for r in skipped] == [("skipped", "no_longer_waiting")]
