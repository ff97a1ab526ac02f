"""Request-reply on NATS: registration answers contact questions addressed to its organisation, and contact
openings asked by other organisations' registration instances."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from jobdating.bus.connection import DEFAULT_INBOX_PREFIX, inbox_prefix_of
from jobdating.contracts.queries import (
    CANDIDATE_ANSWER_QUESTION,
    CONTACT_QUESTION,
    FIRST_NAMES_QUESTION,
    CandidateAnswerReply,
    CandidateAnswerRequest,
    ContactReply,
    ContactRequest,
    FirstNamesReply,
    FirstNamesRequest,
)
from jobdating.contracts.subjects import request_subject
from jobdating.registration.application.contact_openings import (
    OPENING_QUESTION,
    OpeningReply,
    OpeningRequest,
    answer_opening,
)
from jobdating.registration.application.contacts import answer_contact, answer_first_names
from jobdating.registration.application.link_answers import LinkAnswers, relayed
from jobdating.registration.application.service import SERVICE, RegistrationService
from jobdating.runtime.ids import new_id
from jobdating.runtime.rpc import serve

_opening = msgspec.json.Decoder(OpeningRequest)
_answer = msgspec.json.Decoder(CandidateAnswerRequest)
Q = TypeVar("Q", OpeningRequest, CandidateAnswerRequest)
# Only notifications relays candidates' answers (their replies to its SMS).
ANSWER_RELAY = "notifications"


async def serve_contacts(nc: Client, svc: RegistrationService) -> Subscription:
    """Answer `jobdating-rpc.<org>.registration.contact` (a queue group, so instances share the load)."""

    async def answer(request: ContactRequest) -> ContactReply:
        # The store is synchronous: read it off the event loop so the relay and consumers keep going.
        return await asyncio.to_thread(answer_contact, svc, request)

    return await serve(
        nc, request_subject(svc.org, SERVICE, CONTACT_QUESTION), ContactRequest, answer, log=svc.log
    )


async def serve_first_names(nc: Client, svc: RegistrationService) -> Subscription:
    """Answer `jobdating-rpc.<org>.registration.first-names`: the names a recruiter's agenda shows, in one
    question for all its slots (a queue group, as contact questions)."""

    async def answer(request: FirstNamesRequest) -> FirstNamesReply:
        return await asyncio.to_thread(answer_first_names, svc, request)

    return await serve(
        nc, request_subject(svc.org, SERVICE, FIRST_NAMES_QUESTION), FirstNamesRequest, answer, log=svc.log
    )


async def serve_contact_openings(nc: Client, svc: RegistrationService) -> Subscription:
    """Answer `jobdating-rpc.<org>.registration.contact-opening`: record the opening, answer sealed.

    Where NATS users are configured each client reads only its own inbox (`_INBOX_<user>`), so the reply
    subject says which instance asks: a question claiming another organisation than its asker's registration
    instance is refused before anything is recorded.
    """
    subject = request_subject(svc.org, SERVICE, OPENING_QUESTION)

    async def handle(msg: Msg) -> None:
        request = await _decoded(msg, _opening, svc, subject)
        if request is None:
            return
        if not asked_by(msg.reply, request.opened_by_org):
            reply = OpeningReply(
                status="refused",
                kind="not_allowed",
                field="opened_by_org",
                reason="la question ne vient pas de l'instance de cette structure",
            )
        else:
            reply = await asyncio.to_thread(answer_opening, svc, request, new_id())
        svc.log.info(
            "contact_opening_asked",
            candidate_id=request.candidate_id,
            purpose=request.purpose[:50],
            opened_by=request.opened_by,
            opened_by_org=request.opened_by_org,
            status=reply.status,
        )
        await msg.respond(msgspec.json.encode(reply))

    return await nc.subscribe(subject, queue=subject, cb=handle)


async def _decoded(
    msg: Msg, decoder: msgspec.json.Decoder[Q], svc: RegistrationService, subject: str
) -> Q | None:
    """A question's body, or None once an unreadable one has been answered "bad request" (and logged)."""
    try:
        return decoder.decode(msg.data)
    except msgspec.DecodeError as exc:
        svc.log.warning("rpc_bad_request", subject=subject, error=str(exc))
        await msg.respond(msgspec.json.encode({"error": "bad request"}))
        return None


def asked_by(reply_subject: str, org: str) -> bool:
    """Whether a reply subject may be the registration instance of `org`'s: its user's inbox, or the
    default inbox of a server without users (development, tests)."""
    if reply_subject.startswith(DEFAULT_INBOX_PREFIX + "."):
        return True
    return reply_subject.startswith(inbox_prefix_of(f"{SERVICE}-{org}") + ".")


async def serve_candidate_answers(nc: Client, svc: RegistrationService, answers: LinkAnswers) -> Subscription:
    """Answer `jobdating-rpc.<org>.registration.candidate-answer`: a candidate's reply to an SMS, relayed by
    notifications (which found them from the SMS they answered), recorded like their personal link's.

    Where NATS users are configured the reply subject says who asks: only notifications' inbox (or the
    default inbox of a server without users) may relay an answer.
    """
    subject = request_subject(svc.org, SERVICE, CANDIDATE_ANSWER_QUESTION)

    async def handle(msg: Msg) -> None:
        request = await _decoded(msg, _answer, svc, subject)
        if request is None:
            return
        if not relayed_by_notifications(msg.reply):
            reply = CandidateAnswerReply(status="refused", reason="seul le service des messages relaie")
        else:
            reply = await asyncio.to_thread(relayed, answers, request)
        svc.log.info(
            "candidate_answer_relayed",
            candidate_id=request.candidate_id,
            answer=request.answer,
            requester=request.requester[:50],
            status=reply.status,
        )
        await msg.respond(msgspec.json.encode(reply))

    return await nc.subscribe(subject, queue=subject, cb=handle)


def relayed_by_notifications(reply_subject: str) -> bool:
    """Whether a reply subject may be notifications': its user's inbox, or the default inbox of a server
    without users (development, tests)."""
    if reply_subject.startswith(DEFAULT_INBOX_PREFIX + "."):
        return True
    return reply_subject.startswith(inbox_prefix_of(ANSWER_RELAY) + ".")
