"""A candidate's reply to an SMS, relayed by notifications over NATS, is recorded as their own answer, the
way their personal link records it; a withdrawn candidate's counsellor is still said to notifications
(for their counsellor's notice), with nothing else."""

from __future__ import annotations

import msgspec
import pytest
from nats.aio.client import Client

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.queries import (
    CandidateAnswerReply,
    CandidateAnswerRequest,
    Contact,
    ContactReply,
    ContactRequest,
)
from jobdating.contracts.registration import CANNOT_COME
from jobdating.contracts.subjects import request_subject
from jobdating.privacy.box import BoxKeys
from jobdating.registration.adapters.messaging import relayed_by_notifications, serve_candidate_answers
from jobdating.registration.application.contacts import answer_contact
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.link_answers import SMS_ACTOR, LinkAnswers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.testing import CALLERS, candidate
from jobdating.runtime.rpc import ask

COUNSELLOR = CALLERS["mel-counsellor"]
SUBJECT = request_subject("mel", "registration", "candidate-answer")


def relay(candidate_id: str, answer: str) -> CandidateAnswerRequest:
    return msgspec.convert(
        {
            "candidate_id": candidate_id,
            "answer": answer,
            "requester": "notifications",
            "correlation_id": "c-1",
        },
        CandidateAnswerRequest,
    )


def recorded(service: RegistrationService, candidate_id: str) -> list[tuple[str, str, dict[str, object]]]:
    found = []
    for e in service.store.read_all():
        env = decode_envelope(e.body)
        if env.stream_id == candidate_id and e.event_type != "CandidateRegistered":
            found.append((e.event_type, env.actor_id, msgspec.json.decode(msgspec.json.encode(env.data))))
    return found


@pytest.mark.nats
async def test_oui_then_non_by_sms_are_recorded_like_the_personal_links_answers(
    nc: Client, service: RegistrationService, site: str
) -> None:
    cid = RegistrationHandlers(service).register_candidate(
        COUNSELLOR, candidate(site, counsellor_id=COUNSELLOR.actor_id)
    )
    await serve_candidate_answers(nc, service, LinkAnswers(RegistrationHandlers(service), None))

    yes = await ask(nc, SUBJECT, relay(cid, "coming"), CandidateAnswerReply)
    no = await ask(nc, SUBJECT, relay(cid, "not_coming"), CandidateAnswerReply)
    # Withdrawn, they cannot say « Je viens » again, nor withdraw twice: refused, with the reason.
    late = await ask(nc, SUBJECT, relay(cid, "coming"), CandidateAnswerReply)
    unknown = await ask(nc, SUBJECT, relay("cand-nobody", "not_coming"), CandidateAnswerReply)

    assert (yes.status, no.status, late.status, unknown.status) == (
        "recorded",
        "recorded",
        "refused",
        "unknown",
    )
    assert late.reason
    assert recorded(service, cid) == [
        ("CandidateConfirmedAttendance", SMS_ACTOR, {"candidate_id": cid}),
        ("CandidateWithdrew", SMS_ACTOR, {"candidate_id": cid, "reason": CANNOT_COME}),
    ]


@pytest.mark.nats
async def test_a_malformed_relay_is_refused_and_records_nothing(
    nc: Client, service: RegistrationService, site: str
) -> None:
    cid = RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site))
    await serve_candidate_answers(nc, service, LinkAnswers(RegistrationHandlers(service), None))
    before = service.store.count()
    msg = await nc.request(
        SUBJECT, b'{"candidate_id": "' + cid.encode() + b'", "answer": "maybe"}', timeout=2
    )
    assert msgspec.json.decode(msg.data) == {"error": "bad request"}
    assert service.store.count() == before


def test_only_notifications_inbox_may_relay_an_answer() -> None:
    assert relayed_by_notifications("_INBOX_notifications.abc")
    assert relayed_by_notifications("_INBOX.abc")  # a server without users (development)
    assert not relayed_by_notifications("_INBOX_registration-mission-locale.abc")
    assert not relayed_by_notifications("_INBOX_console.abc")


def test_a_withdrawn_candidates_counsellor_is_said_only_when_asked_for_the_counsellor(
    service: RegistrationService, site: str
) -> None:
    handlers = RegistrationHandlers(service)
    cid = handlers.register_candidate(COUNSELLOR, candidate(site, counsellor_id=COUNSELLOR.actor_id))
    LinkAnswers(handlers, None).record(cid, "not_coming", SMS_ACTOR)
    keys = BoxKeys()

    def ask_for(purpose: str) -> ContactReply:
        request = ContactRequest(
            subject_type="candidate",
            subject_id=cid,
            purpose=purpose,
            requester="notifications",
            reply_key=keys.public,
        )
        return answer_contact(service, request)

    assert ask_for("notifications:reminder_morning") == ContactReply(status="withdrawn")
    told = ask_for("notifications:counsellor_call:counsellor")
    assert told.status == "withdrawn"
    assert told.sealed is not None
    contact = msgspec.json.decode(keys.open(told.sealed), type=Contact)
    assert contact.counsellor_id == COUNSELLOR.actor_id
    assert contact.first_name
    assert (contact.phone, contact.email, contact.consent_sms) == (None, None, False)
