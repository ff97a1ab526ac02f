"""A landline gets no SMS: the message planned as an SMS is read aloud in a voice call (the embedded run's
file sink holds the spoken text), and the events and the coordinator's view say it went by voice. With no
voice provider the message is skipped (`landline_no_voice`) for the counsellor's call list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.notifications import NotificationSent, NotificationSkipped
from jobdating.contracts.queries import Contact

from .conftest import Instance, Mailbox, Registration, Upstream, consenting, paris, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
LANDLINE = "+33320456789"
MOBILE = "+33639980042"


def outcomes(instance: Instance) -> list[Any]:
    return [
        REGISTRY.decode(decode_envelope(e.body)).data
        for e in instance.service.store.read_all()
        if e.event_type in ("NotificationSent", "NotificationSkipped")
    ]


async def landline_and_mobile(instance: Instance, upstream: Upstream, registration: Registration) -> None:
    consenting(registration, upstream, "cand-fixe", ("Odette", LANDLINE, "odette@example.org"))
    consenting(registration, upstream, "cand-mobile", ("Yanis", MOBILE, "yanis@example.org"))
    registration.people["co-1"] = Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    upstream.assign("slot-fixe", "cand-fixe", paris(DAY, 9, 30))
    upstream.assign("slot-mobile", "cand-mobile", paris(DAY, 10))
    await instance.caught_up(upstream)
    await instance.send()


async def test_a_landline_gets_a_voice_call_with_the_spoken_text_and_no_sms(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    await landline_and_mobile(instance, upstream, registration)

    assert [t["to"] for t in sms_lines(tmp_path / "sms.jsonl")] == [MOBILE]
    calls = sms_lines(tmp_path / "voice.jsonl")
    assert [c["to"] for c in calls] == [LANDLINE]
    spoken = calls[0]["text"]
    assert spoken.startswith("Bonjour Odette. Ici le job dating Emploi Booster.")
    assert "le jeudi trois décembre, à neuf heures trente" in spoken
    assert "Le lieu : Maison de l'emploi, 2 rue de l'Emploi, à Seclin." in spoken
    assert calls[0]["id"].startswith("call-")
    # The e-mail goes as ever, to both.
    assert len(mailbox.messages("convocation")) == 2

    sent = [e for e in outcomes(instance) if isinstance(e, NotificationSent) and e.kind == "convocation"]
    carriers = {(e.recipient_id, e.channel): e.carried_by for e in sent}
    assert carriers == {
        ("cand-fixe", "sms"): "voice",
        ("cand-fixe", "email"): None,
        ("cand-mobile", "sms"): None,
        ("cand-mobile", "email"): None,
    }
    # The coordinator's view says which line carried it.
    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        listed = await client.get(
            "/candidates/cand-fixe/notifications", headers={"Authorization": "Bearer coordinator-token"}
        )
    assert listed.status_code == 200
    by_channel = {(v["kind"], v["channel"]): v for v in listed.json()}
    assert by_channel["convocation", "sms"]["status"] == "sent"
    assert by_channel["convocation", "sms"]["carried_by"] == "voice"
    assert by_channel["convocation", "email"]["carried_by"] is None

    # Sending again calls nobody twice: the same idempotency key is the same call.
    assert await instance.send() == 0
    assert len(sms_lines(tmp_path / "voice.jsonl")) == 1


class TestWithoutVoiceProvider:
    @pytest.fixture
    def setting_changes(self) -> dict[str, Any]:
        return {"voice_sink": None}

    async def test_a_landline_with_no_voice_provider_is_skipped_as_landline_no_voice(
        self, instance: Instance, upstream: Upstream, registration: Registration, tmp_path: Path
    ) -> None:
        await landline_and_mobile(instance, upstream, registration)

        assert [t["to"] for t in sms_lines(tmp_path / "sms.jsonl")] == [MOBILE]
        assert not (tmp_path / "voice.jsonl").exists()
        # (The recruiter's two updates go as one: the other one is `merged`.)
        skipped = [
            e for e in outcomes(instance) if isinstance(e, NotificationSkipped) and e.kind != "agenda_update"
        ]
        assert [(e.recipient_id, e.channel, e.kind, e.reason) for e in skipped] == [
            ("cand-fixe", "sms", "convocation", "landline_no_voice")
        ]
        assert instance.deliveries(recipient_id="cand-fixe", kind="convocation", channel="sms") == [
            ("convocation", "sms", "cand-fixe", "slot-fixe", "skipped", "landline_no_voice", None, 0)
        ]
