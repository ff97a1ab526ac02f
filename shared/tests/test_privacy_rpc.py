"""Sealed boxes and request-reply: personal data answers never cross the bus in clear."""

from __future__ import annotations

import msgspec
import pytest
from cryptography.exceptions import InvalidTag
from nats.aio.client import Client
from nats.aio.msg import Msg

from jobdating.contracts.queries import Contact, ContactReply, ContactRequest
from jobdating.contracts.subjects import request_subject
from jobdating.privacy.box import BoxKeys, seal_for
from jobdating.runtime.rpc import RpcError, ask, serve


def test_only_the_asker_can_open_a_sealed_answer() -> None:
    asker, other = BoxKeys(), BoxKeys()
    box = seal_for(asker.public, b"06 39 98 00 01")
    assert asker.open(box) == b"06 39 98 00 01"
    with pytest.raises(InvalidTag):
        other.open(box)
    assert b"06 39 98" not in msgspec.json.encode(box)


@pytest.mark.nats
async def test_a_contact_question_gets_a_sealed_answer_over_nats(nc: Client) -> None:
    subject = request_subject("mel", "registration", "contact")
    wire: list[bytes] = []

    async def answer(q: ContactRequest) -> ContactReply:
        contact = Contact(first_name="Inès", phone="+33639980001", consent_sms=True)
        return ContactReply(status="found", sealed=seal_for(q.reply_key, msgspec.json.encode(contact)))

    await serve(nc, subject, ContactRequest, answer)

    async def record(msg: Msg) -> None:
        wire.append(msg.data)

    spy = await nc.subscribe(">", cb=record)
    keys = BoxKeys()
    reply = await ask(
        nc,
        subject,
        ContactRequest(
            subject_type="candidate",
            subject_id="c1",
            purpose="convocation",
            requester="notifications",
            reply_key=keys.public,
        ),
        ContactReply,
    )
    assert reply.status == "found"
    assert reply.sealed is not None
    contact = msgspec.json.decode(keys.open(reply.sealed), type=Contact)
    assert contact.phone == "+33639980001"
    await nc.flush()
    await spy.unsubscribe()
    assert all(b"+33639980001" not in data for data in wire)
    with pytest.raises(RpcError):
        await ask(nc, request_subject("mel", "registration", "nobody"), {"x": 1}, ContactReply, wait=0.3)
