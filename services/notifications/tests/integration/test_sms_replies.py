"""Candidates answer our SMS: the provider's signed webhook, OUI / NON handed to registration (here its
side of the question over a real nats-server) as from the personal link, the counsellor told of what we
could not act on, of a decline, of a cancellation and of a candidate no message reached; nothing changes
for a call that is not the provider's or not a reply."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nats.aio.client import Client

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.notifications import CandidateRepliedBySms
from jobdating.contracts.queries import CandidateAnswerReply, CandidateAnswerRequest, Contact
from jobdating.contracts.registration import CANNOT_COME, CandidateWithdrew
from jobdating.contracts.subjects import request_subject
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.adapters import http_receipts, tables
from jobdating.notifications.adapters.own_rows import apply_own
from jobdating.notifications.adapters.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from jobdating.runtime.rpc import serve

from .conftest import ORG, Instance, Mailbox, Registration, Upstream, consenting, paris, plain_text, sms_lines

pytestmark = [pytest.mark.nats, pytest.mark.usefixtures("recruiting")]
DAY = date(2026, 12, 3)
SECRET = b"shared-with-the-sms-provider"
KARIMA = "karima.conseil@mission-locale.example"


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    secret = tmp_path / "sms-provider-secret"
    secret.write_bytes(SECRET + b"\n")
    return {"sms_provider_secret_file": secret, "coordinator_phone": "03 20 99 99 99"}


class Answers:
    """Registration's side of the relayed answer: records it as the candidate's own, as the real service
    does (a NON withdraws them « indisponible à la date »: the event goes on the bus)."""

    def __init__(self, upstream: Upstream, registration: Registration) -> None:
        self.upstream = upstream
        self.registration = registration
        self.asked: list[tuple[str, str]] = []

    async def answer(self, request: CandidateAnswerRequest) -> CandidateAnswerReply:
        self.asked.append((request.candidate_id, request.answer))
        if self.registration.statuses.get(request.candidate_id) == "withdrawn":
            return CandidateAnswerReply(status="refused", reason="ce candidat s'est déjà retiré")
        if request.answer == "not_coming":
            withdrew = CandidateWithdrew(candidate_id=request.candidate_id, reason=CANNOT_COME)
            self.upstream.append(withdrew, request.candidate_id, "registration")
            self.registration.statuses[request.candidate_id] = "withdrawn"
        return CandidateAnswerReply(status="recorded")


@pytest.fixture
async def answers(nc: Client, upstream: Upstream, registration: Registration) -> Answers:
    responder = Answers(upstream, registration)
    subject = request_subject(ORG, "registration", "candidate-answer")
    await serve(nc, subject, CandidateAnswerRequest, responder.answer)
    return responder


def candidate(registration: Registration, upstream: Upstream, i: int, **contact: Any) -> str:
    phone, email = contact.get("phone", f"+3363998{i:04d}"), contact.get("email", f"personne{i}@example.org")
    return consenting(registration, upstream, f"cand-{i}", (f"Prénom{i}", phone, email))


async def convoked(
    instance: Instance, upstream: Upstream, tmp_path: Path, candidate_id: str, slot: str
) -> str:
    """The provider's id of the SMS convocation sent to the candidate."""
    upstream.assign(slot, candidate_id, paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    ids = [line["id"] for line in sms_lines(tmp_path / "sms.jsonl") if line["text"] and candidate_id]
    found = instance.service.store.query(
        "SELECT provider_message_id FROM notif_delivery WHERE kind = 'convocation' AND channel = 'sms' "
        "AND recipient_id = ?",
        (candidate_id,),
    )
    assert found
    assert found[0][0] in ids
    return str(found[0][0])


Convoke = Callable[[int], Awaitable[tuple[str, str]]]


@pytest.fixture
def convoke(instance: Instance, upstream: Upstream, registration: Registration, tmp_path: Path) -> Convoke:
    """Candidate `cand-{i}` convoked by SMS to `slot-{i}`: their id and the provider's id of that SMS."""

    async def convoke(i: int) -> tuple[str, str]:
        cand = candidate(registration, upstream, i)
        return cand, await convoked(instance, upstream, tmp_path, cand, f"slot-{i}")

    return convoke


async def recorded(
    instance: Instance, answers: Answers, cand: str, text: str, sms_id: str, answer: str
) -> httpx.Response:
    """Reply `text` to the SMS `sms_id`: taken as `answer`, recorded, and handed to registration once."""
    got = await reply(instance, body(text, sms_id))
    assert got.status_code == 200, got.text
    assert got.json()["answer"] == answer
    assert got.json()["recorded"] is True
    assert answers.asked == [(cand, answer)]
    return got


def signed(instance: Instance, body: bytes, secret: bytes = SECRET, ago: float = 0.0) -> dict[str, str]:
    # The provider dates its signatures by the real time, whatever the service's clock reads.
    stamp = str(int(time.time() - ago))
    return {
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(secret, stamp, body),
        "content-type": "application/json",
    }


async def reply(instance: Instance, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=instance.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        return await client.post("/sms/replies", content=body, headers=headers or signed(instance, body))


def body(text: str, in_reply_to: str, sender: str = "+33639980001") -> bytes:
    return json.dumps({"from": sender, "text": text, "in_reply_to": in_reply_to}).encode()


def replies(instance: Instance) -> list[CandidateRepliedBySms]:
    return [
        REGISTRY.payload(decode_envelope(e.body))  # type: ignore[misc]
        for e in instance.service.store.read_all()
        if e.event_type == "CandidateRepliedBySms"
    ]


async def test_a_yes_confirms_through_registration_and_tells_nobody(
    instance: Instance, answers: Answers, mailbox: Mailbox, tmp_path: Path, convoke: Convoke
) -> None:
    cand, sms_id = await convoke(1)

    got = await recorded(instance, answers, cand, " Oui merci ! ", sms_id, "coming")
    [event] = replies(instance)
    assert (event.candidate_id, event.answer, event.recorded) == (cand, "coming", True)
    # The provider calling again with the same signed reply: the same answer, asked and recorded once.
    again = await reply(instance, body(" Oui merci ! ", sms_id), got.request.headers)  # type: ignore[arg-type]
    assert again.json() == got.json()
    assert answers.asked == [(cand, "coming")]
    assert len(replies(instance)) == 1
    instance.clock.set(instance.clock.now() + timedelta(minutes=5))
    await instance.send()
    assert mailbox.messages("counsellor_call") == []
    # A replay of the service's own log rebuilds the replies' rows exactly.
    fresh = SqliteEventStore(tmp_path / "replayed.db")
    fresh.migrate()
    tables.migrate(fresh)
    with fresh.transaction() as tx:
        for row in instance.service.store.read_all():
            apply_own(tx, REGISTRY.decode(decode_envelope(row.body), row.position))
    everything = "SELECT * FROM notif_sms_reply ORDER BY reply_id"
    assert fresh.query(everything, ()) == instance.service.store.query(everything, ())
    fresh.close()
    # Nothing of the reply is kept but what it meant: not the number, not the words.
    raw = (tmp_path / "notifications.db").read_bytes()
    assert b"+33639980001" not in raw
    assert b"Oui merci" not in raw


async def test_a_no_withdraws_the_candidate_pauses_reminders_and_tells_their_counsellor(
    instance: Instance,
    upstream: Upstream,
    answers: Answers,
    mailbox: Mailbox,
    tmp_path: Path,
    convoke: Convoke,
) -> None:
    cand, sms_id = await convoke(2)

    await recorded(instance, answers, cand, "NÔN je peux pas", sms_id, "not_coming")
    # Registration's withdrawal reaches notifications like the personal link's: the counsellor is told.
    await instance.caught_up(upstream)
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()
    [notice] = mailbox.messages("counsellor_call")
    assert notice["To"] == KARIMA
    text = plain_text(notice)
    (tmp_path / "counsellor_call.txt").write_text(f"{notice['Subject']}\n\n{text}")
    assert notice["Subject"] == "À rappeler : Prénom2"
    assert "« Je ne peux pas venir »" in text
    # Their reminders pause: they said they cannot come.
    instance.clock.set(paris(DAY, 7, 30))
    await instance.send()
    reasons = {r[5] for r in instance.deliveries(recipient_id=cand) if r[0].startswith("reminder")}
    assert reasons == {"declined"}


async def test_a_reply_not_understood_is_recorded_so_and_the_counsellor_calls(
    instance: Instance, answers: Answers, mailbox: Mailbox, convoke: Convoke
) -> None:
    _, sms_id = await convoke(3)

    got = await reply(instance, body("c'est où ?", sms_id))
    assert got.status_code == 200, got.text
    assert got.json() == {"reply_id": got.json()["reply_id"], "answer": "not_understood", "recorded": False}
    assert answers.asked == []  # nothing decided on their behalf
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()
    [notice] = mailbox.messages("counsellor_call")
    assert "non comprise (ni OUI ni NON)" in plain_text(notice)
    assert notice["To"] == KARIMA


async def test_a_cancellation_promises_a_call_only_when_the_counsellor_is_told(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, tmp_path: Path
) -> None:
    followed = candidate(registration, upstream, 4)
    alone = candidate(registration, upstream, 5)
    # Registration says who follows the second one, but the staff directory does not know them.
    registration.people[alone] = Contact(
        first_name="Prénom5",
        phone="+33639980005",
        email="personne5@example.org",
        consent_sms=True,
        consent_email=True,
        counsellor_id="conseiller-inconnu",
    )
    for slot, cand in (("slot-4", followed), ("slot-5", alone)):
        upstream.assign(slot, cand, paris(DAY, 10))
    await instance.caught_up(upstream)
    await instance.send()
    upstream.cancel("slot-4", followed, "computer_broken")
    upstream.cancel("slot-5", alone, "computer_broken")
    await instance.caught_up(upstream)
    await instance.send()

    texts = {
        line["to"]: line["text"]
        for line in sms_lines(tmp_path / "sms.jsonl")
        if "annulé" in line["text"].lower()
    }
    assert "Votre conseiller vous rappelle" in texts["+33639980004"]
    assert "conseiller" not in texts["+33639980005"]
    assert "03 20 99 99 99" in texts["+33639980005"]  # the coordination's number instead
    mails = {m["To"]: plain_text(m) for m in mailbox.messages("slot_cancelled")}
    assert "conseiller est prévenu" in mails["personne4@example.org"]
    assert "conseiller" not in mails["personne5@example.org"]
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()
    [notice] = mailbox.messages("counsellor_call")
    assert notice["To"] == KARIMA
    assert "annulé (panne de matériel)" in plain_text(notice)


async def test_a_candidate_no_message_can_reach_is_one_for_their_counsellor_to_call(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    cand = candidate(registration, upstream, 6, phone=None, email=None)
    upstream.assign("slot-6", cand, paris(DAY, 11))
    await instance.caught_up(upstream)
    await instance.send()
    assert {r[5] for r in instance.deliveries(kind="convocation", recipient_id=cand)} == {"no_address"}
    instance.clock.set(instance.clock.now() + timedelta(minutes=3))
    await instance.send()
    [notice] = mailbox.messages("counsellor_call")
    assert "pas de numéro ou d'adresse" in plain_text(notice)


async def test_a_call_not_signed_by_the_provider_or_not_a_reply_changes_nothing(
    instance: Instance, answers: Answers, convoke: Convoke
) -> None:
    _, sms_id = await convoke(7)
    before = instance.service.store.count()
    good = body("NON", sms_id)

    refused = [
        await reply(instance, good, {TIMESTAMP_HEADER: "1", SIGNATURE_HEADER: "00"}),
        await reply(instance, good, signed(instance, good, secret=b"guessed")),
        await reply(instance, good, signed(instance, good, ago=3600)),
        await reply(instance, good, {"content-type": "application/json"}),
        await reply(instance, body("NON", "sms-not-ours")),
        await reply(instance, b'{"from": "+33639980007", "text": 3, "in_reply_to": "x"}'),
        await reply(instance, b'{"text": "NON"}'),
        await reply(instance, b"NON"),
    ]
    assert [r.status_code for r in refused] == [401, 401, 401, 401, 404, 422, 422, 400]
    assert all(r.json()["detail"][0]["reason"] for r in refused)  # a reason, in French
    assert refused[5].json()["detail"][0]["field"] == "text"
    assert answers.asked == []
    assert instance.service.store.count() == before

    # Bytes, or JSON shaped like a reply (any field of any type, any id but that of an SMS of ours).
    scalar = st.one_of(st.text(max_size=40), st.integers(), st.none(), st.booleans())
    shaped = st.dictionaries(
        st.sampled_from(["from", "text", "in_reply_to", "other"]), scalar, max_size=4
    ).filter(lambda d: d.get("in_reply_to") != sms_id)
    bodies = st.one_of(st.binary(max_size=300), shaped.map(lambda d: json.dumps(d).encode()))

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(bodies, st.booleans())
    def fuzzed(raw: bytes, sign_it: bool) -> None:
        headers = signed(instance, raw) if sign_it else {"content-type": "application/json"}
        statuses.append((sign_it, raw, headers))

    statuses: list[tuple[bool, bytes, dict[str, str]]] = []
    fuzzed()
    for sign_it, raw, headers in statuses:
        got = await reply(instance, raw, headers)
        assert 400 <= got.status_code < 500, (raw, got.status_code, got.text)
        assert sign_it or got.status_code == 401
    assert answers.asked == []
    assert instance.service.store.count() == before


async def test_one_provider_secret_signs_both_webhooks_and_a_new_one_serves_both_at_once(
    instance: Instance, answers: Answers, convoke: Convoke, tmp_path: Path
) -> None:
    cand, sms_id = await convoke(8)
    report = json.dumps({"id": sms_id, "status": "delivered"}).encode()

    async def receipt(secret: bytes) -> httpx.Response:
        # Delivery reports are dated by the service's clock (the embedded sink signs with it).
        stamp = str(int(instance.clock.now().timestamp()))
        headers = {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, report)}
        transport = httpx.ASGITransport(app=instance.service.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
            return await client.post(http_receipts.PATH, content=report, headers=headers)

    # The delivery report, signed with the secret the replies are signed with: both taken.
    assert (await receipt(SECRET)).json() == {"outcome": "recorded"}
    # The operator replaces the file: both webhooks refuse the old secret and take the new one at once.
    new = b"the provider's next secret"
    (tmp_path / "sms-provider-secret").write_bytes(new + b"\n")
    oui = body("OUI", sms_id)
    assert (await receipt(SECRET)).status_code == 401
    assert (await reply(instance, oui, signed(instance, oui, secret=SECRET))).status_code == 401
    assert answers.asked == []
    assert (await receipt(new)).json() == {"outcome": "repeated"}
    taken = await reply(instance, oui, signed(instance, oui, secret=new))
    assert (taken.status_code, taken.json()["answer"]) == (200, "coming")
    assert answers.asked == [(cand, "coming")]


async def test_registration_not_answering_records_nothing_and_the_provider_calls_again(
    instance: Instance, convoke: Convoke
) -> None:
    _, sms_id = await convoke(8)
    before = instance.service.store.count()
    got = await reply(instance, body("OUI", sms_id))  # nobody serves the answer question here
    assert got.status_code == 503
    assert "inscriptions" in got.json()["detail"][0]["reason"]
    assert instance.service.store.count() == before
    assert replies(instance) == []
