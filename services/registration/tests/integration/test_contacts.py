"""Contact questions from other services: answered for a purpose, sealed to the asker, logged without data."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
import structlog
from cryptography.exceptions import InvalidTag
from nats.aio.client import Client
from nats.aio.msg import Msg

from jobdating.contracts import queries
from jobdating.contracts.queries import Contact, ContactReply, ContactRequest
from jobdating.contracts.subjects import request_subject
from jobdating.privacy.box import BoxKeys
from jobdating.registration.adapters.messaging import serve_contacts, serve_first_names
from jobdating.registration.application.contacts import answer_contact
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import EraseCandidate, WithdrawCandidate, WithdrawCompany
from jobdating.registration.testing import CALLERS, candidate, company
from jobdating.runtime.rpc import ask

COUNSELLOR = CALLERS["mel-counsellor"]


def question(
    keys: BoxKeys, subject_id: str, subject_type: str = "candidate", purpose: str = "convocation"
) -> ContactRequest:
    return msgspec.convert(
        {
            "subject_type": subject_type,
            "subject_id": subject_id,
            "purpose": purpose,
            "requester": "notifications",
            "reply_key": keys.public,
        },
        ContactRequest,
    )


def registered(service: RegistrationService, site: str, **fields: Any) -> str:
    """A candidate the counsellor registers at `site`: the sample candidate with `fields`."""
    return RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site, **fields))


def opened(keys: BoxKeys, reply: ContactReply) -> Contact:
    assert reply.status == "found"
    assert reply.sealed is not None
    return msgspec.json.decode(keys.open(reply.sealed), type=Contact)


def test_a_live_candidate_contact_is_sealed_to_the_asker_and_the_log_keeps_only_the_purpose(
    service: RegistrationService, site: str
) -> None:
    cid = registered(service, site, phone="06 39 98 00 07", consent_sms=True, consent_email=False)
    keys = BoxKeys()
    with structlog.testing.capture_logs() as logs:
        reply = answer_contact(service, question(keys, cid))
    contact = opened(keys, reply)
    assert (contact.first_name, contact.phone, contact.consent_sms, contact.consent_email) == (
        "Samia",
        "+33639980007",
        True,
        False,
    )
    assert b"+33639980007" not in msgspec.json.encode(reply)
    (entry,) = [e for e in logs if e["event"] == "contact_requested"]
    assert (entry["purpose"], entry["requester"], entry["subject_id"], entry["status"]) == (
        "convocation",
        "notifications",
        cid,
        "found",
    )
    assert "+33639980007" not in str(logs)
    assert reply.sealed is not None
    with pytest.raises(InvalidTag):  # nobody else can open it
        BoxKeys().open(reply.sealed)


def test_the_candidates_counsellor_travels_sealed_in_the_answer_never_in_the_registration_event(
    service: RegistrationService, site: str
) -> None:
    cid = registered(service, site, counsellor_id="mel-conseiller-7", postcode="59790", commune="Ronchin")
    keys = BoxKeys()
    reply = answer_contact(service, question(keys, cid, purpose="notifications:counsellor_outcome"))
    assert opened(keys, reply).counsellor_id == "mel-conseiller-7"
    assert b"mel-conseiller-7" not in msgspec.json.encode(reply)
    (published,) = [e.body for e in service.store.read_stream(cid)]
    for clear in (b"mel-conseiller-7", b"59790", b"Ronchin"):
        assert clear not in published


def test_the_postal_address_is_given_for_a_printed_letter_only(
    service: RegistrationService, site: str
) -> None:
    cid = registered(service, site, address="12 rue des Tilleuls", postcode="59790", commune="Ronchin")
    keys = BoxKeys()
    letter = opened(keys, answer_contact(service, question(keys, cid, purpose="notifications:letter")))
    assert letter.postal_address == ("12 rue des Tilleuls", "59790 Ronchin")
    for purpose in ("notifications:convocation", "convocation", "notifications:letter:x"):
        assert (
            opened(keys, answer_contact(service, question(keys, cid, purpose=purpose))).postal_address == ()
        )


def test_withdrawn_erased_unknown_and_purposeless_questions_get_no_contact(
    service: RegistrationService, site: str
) -> None:
    keys = BoxKeys()
    gone = registered(service, site)
    RegistrationHandlers(service).withdraw_candidate(
        COUNSELLOR, WithdrawCandidate(candidate_id=gone, reason="autre")
    )
    erased = registered(service, site)
    RegistrationHandlers(service).erase_candidate(COUNSELLOR, EraseCandidate(candidate_id=erased))
    live = registered(service, site)
    replies = {
        "withdrawn": answer_contact(service, question(keys, gone)),
        "erased": answer_contact(service, question(keys, erased)),
        "unknown": answer_contact(service, question(keys, "nobody")),
        "refused": answer_contact(service, question(keys, live, purpose=" ")),
    }
    assert {expected: r.status for expected, r in replies.items()} == {k: k for k in replies}
    assert all(r.sealed is None for r in replies.values())
    bad_key = msgspec.structs.replace(question(keys, live), reply_key="not-a-key")
    assert answer_contact(service, bad_key).status == "refused"


def test_a_company_contact_is_answered_until_it_withdraws(service: RegistrationService) -> None:
    keys = BoxKeys()
    company_id = RegistrationHandlers(service).register_company(
        CALLERS["mel-coordinator"], company(contact_name="Paul Durand")
    )
    contact = opened(keys, answer_contact(service, question(keys, company_id, "company", "agenda")))
    assert contact.last_name == "Paul Durand"
    RegistrationHandlers(service).withdraw_company(
        CALLERS["mel-coordinator"], WithdrawCompany(company_id=company_id, reason="pourvu")
    )
    assert answer_contact(service, question(keys, company_id, "company", "agenda")).status == "withdrawn"


@pytest.mark.nats
async def test_contact_questions_are_answered_over_nats_without_the_data_in_clear(
    nc: Client, service: RegistrationService, site: str
) -> None:
    cid = registered(service, site, phone="06 39 98 00 08")
    await serve_contacts(nc, service)
    await serve_first_names(nc, service)
    wire: list[bytes] = []

    async def record(msg: Msg) -> None:
        wire.append(msg.data)

    spy = await nc.subscribe(">", cb=record)
    keys = BoxKeys()
    subject = request_subject("mel", "registration", "contact")
    reply = await ask(nc, subject, question(keys, cid, purpose="rappel"), ContactReply)
    assert opened(keys, reply).phone == "+33639980008"
    # The first names of a recruiter's agenda, in one question for all its slots.
    names = queries.FirstNamesRequest(
        candidate_ids=(cid,), purpose="recruiter_agenda", requester="notifications", reply_key=keys.public
    )
    subject = request_subject("mel", "registration", "first-names")
    answer = await ask(nc, subject, names, queries.FirstNamesReply)
    assert answer.sealed is not None
    assert msgspec.json.decode(keys.open(answer.sealed), type=queries.FirstNames).names == {cid: "Samia"}
    await nc.flush()
    await spy.unsubscribe()
    assert wire
    assert all(b"39980008" not in data and b"Benali" not in data and b"Samia" not in data for data in wire)
