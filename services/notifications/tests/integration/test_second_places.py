"""A second interview away from the site's computers is announced where it happens: at the company's
premises (its address, face to face) or by video (what the candidate needs, the link or the promise of it),
to the candidate by e-mail and SMS and to the recruiter, with the calendar entry at that place."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest

from jobdating.contracts.scheduling import VIDEO_LINK_SENT_BY_COMPANY, SecondPlace

from .conftest import Instance, Mailbox, Registration, Upstream, calendar_of, paris, person, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
PREMISES = "12 rue de l'Usine, 59810 Lesquin"


def second(
    upstream: Upstream, slot_id: str, place: SecondPlace, video_link: str, address: str | None = None
) -> None:
    at = paris(DAY + timedelta(days=7), 14)
    where: dict[str, Any] = {"computer_id": None, "place": place, "address": address}
    upstream.assign(slot_id, "cand-0", at, kind="second_interview", video_link=video_link, **where)


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    content: str = body.get_content()
    return content.replace("\r\n", "\n")


def location_of(message: EmailMessage) -> str:
    (entry,) = icalendar.Calendar.from_ical(calendar_of(message)).walk("VEVENT")
    return str(entry["LOCATION"])


@pytest.fixture
def world(upstream: Upstream, registration: Registration, recruiting: None) -> None:
    person(registration, upstream, 0)


@pytest.mark.usefixtures("world")
async def test_a_second_interview_at_the_companys_premises_gives_its_address_not_the_site(
    instance: Instance, upstream: Upstream, mailbox: Mailbox
) -> None:
    second(upstream, "slot-p", "premises", "", PREMISES)
    await instance.caught_up(upstream)
    await instance.send()

    (convocation,) = mailbox.messages("convocation")
    text = text_of(convocation)
    assert f"Lieu : dans les locaux de l'entreprise\n       {PREMISES}" in text
    assert "en face à face" in text
    assert "ordinateur du lieu" not in text
    assert location_of(convocation) == PREMISES
    (sms,) = sms_lines(instance.service.settings.sms_sink)
    assert f"chez l'entreprise, {PREMISES}." in sms["text"]
    (update,) = mailbox.messages("agenda_update")
    recruiter = text_of(update)
    assert f"Dans vos locaux, en face à face : {PREMISES}" in recruiter
    assert "Lien de la visio" not in recruiter
    assert location_of(update) == PREMISES


@pytest.mark.usefixtures("world")
async def test_a_video_second_interview_says_en_visio_with_the_link_or_that_the_company_sends_it(
    instance: Instance, upstream: Upstream, mailbox: Mailbox
) -> None:
    second(upstream, "slot-v", "video", "https://visio.logistique.example/r/42")
    await instance.caught_up(upstream)
    await instance.send()
    (convocation,) = mailbox.messages("convocation")
    text = text_of(convocation)
    assert "Lieu : en visio" in text
    assert "Lien de la visio : https://visio.logistique.example/r/42" in text
    assert "une caméra et un micro" in text
    assert "Venez 15 minutes" not in text
    assert location_of(convocation) == "En visio"
    (sms,) = sms_lines(instance.service.settings.sms_sink)
    assert "en visio : https://visio.logistique.example/r/42." in sms["text"]
    (update,) = mailbox.messages("agenda_update")
    assert "Lien de la visio : https://visio.logistique.example/r/42" in text_of(update)

    upstream.cancel("slot-v", "cand-0", reason="coordinator")
    second(upstream, "slot-w", "video", VIDEO_LINK_SENT_BY_COMPANY)
    await instance.caught_up(upstream)
    await instance.send()
    # Cancelled and given again at the same moment: one message tells both (the digest of what is new).
    (later,) = [
        m
        for m in mailbox.messages()
        if m["X-Jobdating-Kind"] in ("convocation", "slot_cancelled") and "slot-slot-w@" in calendar_of(m)
    ]
    assert "slot-slot-v@" in calendar_of(later)
    text = text_of(later)
    assert "Lien de la visio : l'entreprise vous l'envoie avant l'entretien." in text
    assert "https://" not in text
    (added,) = [m for m in mailbox.messages("agenda_update") if "slot-slot-w@" in calendar_of(m)]
    assert "à envoyer vous-même à la personne" in text_of(added)


@pytest.mark.usefixtures("world")
async def test_a_forged_link_on_a_premises_or_video_interview_sends_nobody_there(
    instance: Instance, upstream: Upstream, mailbox: Mailbox
) -> None:
    second(upstream, "slot-x", "premises", "https://elsewhere.example/phish", PREMISES)
    second(upstream, "slot-y", "video", "http://elsewhere.example/phish")
    await instance.caught_up(upstream)
    await instance.send()
    assert mailbox.messages("convocation") == []
    assert mailbox.messages("agenda_update") == []
