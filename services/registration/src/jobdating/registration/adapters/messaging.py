"""Request-reply on NATS: registration answers contact questions addressed to its organisation."""

from __future__ import annotations

import asyncio

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from jobdating.contracts.queries import CONTACT_QUESTION, ContactReply, ContactRequest
from jobdating.contracts.subjects import request_subject
from jobdating.registration.application.contacts import answer_contact
from jobdating.registration.application.service import SERVICE, RegistrationService
from jobdating.runtime.rpc import serve


async def serve_contacts(nc: Client, svc: RegistrationService) -> Subscription:
    """Answer `jobdating-rpc.<org>.registration.contact` (a queue group, so instances share the load)."""

    async def answer(request: ContactRequest) -> ContactReply:
        # The store is synchronous: read it off the event loop so the relay and consumers keep going.
        return await asyncio.to_thread(answer_contact, svc, request)

    return await serve(
        nc, request_subject(svc.org, SERVICE, CONTACT_QUESTION), ContactRequest, answer, log=svc.log
    )
