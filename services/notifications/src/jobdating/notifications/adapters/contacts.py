"""Asks registration for contact details at send time, over NATS request-reply, with a stated purpose.

The answer is sealed to this process's key (`BoxKeys`, made at start and never stored), opened here, used
for one message and dropped: no contact detail is written to an event, a table or a log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Literal

import msgspec
from nats.aio.client import Client

from jobdating.contracts import queries
from jobdating.contracts.registration import SERVICE as REGISTRATION
from jobdating.contracts.subjects import request_subject
from jobdating.notifications.application.ports import ContactAnswer, ContactsUnavailable
from jobdating.privacy.box import BoxKeys, Unopened
from jobdating.runtime.rpc import RpcError, ask

REQUESTER = "notifications"
_contact = msgspec.json.Decoder(queries.Contact)
_first_names = msgspec.json.Decoder(queries.FirstNames)


class RegistrationContacts:
    """The `Contacts` port over NATS: one question per message, to the registration of the person's org."""

    def __init__(self, nc: Client, keys: BoxKeys | None = None, wait: float = 2.0) -> None:
        self.nc = nc
        self.keys = keys or BoxKeys()
        self.wait = wait
        self._asking: dict[tuple[str, str, str, str], asyncio.Future[ContactAnswer]] = {}

    async def ask(
        self, org: str, subject_type: Literal["candidate", "company"], subject_id: str, purpose: str
    ) -> ContactAnswer:
        # The SMS and the e-mail of one message are sent together: the same question asked while the
        # first is on its way shares its answer (kept only until it comes back, never afterwards).
        key = (org, subject_type, subject_id, purpose)
        pending = self._asking.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[ContactAnswer] = asyncio.get_running_loop().create_future()
        self._asking[key] = future
        try:
            answer = await self._ask(org, subject_type, subject_id, purpose)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: the sharers get it from their own await
            raise
        else:
            future.set_result(answer)
            return answer
        finally:
            del self._asking[key]

    async def _ask(
        self, org: str, subject_type: Literal["candidate", "company"], subject_id: str, purpose: str
    ) -> ContactAnswer:
        request = queries.ContactRequest(
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
            requester=REQUESTER,
            reply_key=self.keys.public,
        )
        subject = request_subject(org, REGISTRATION, queries.CONTACT_QUESTION)
        try:  # not asked, or an answer that does not open: registration is out of reach
            reply = await ask(self.nc, subject, request, queries.ContactReply, wait=self.wait)
            # A withdrawn candidate's answer may still say who follows them (asked for their counsellor).
            if reply.status not in ("found", "withdrawn") or reply.sealed is None:
                return ContactAnswer(status=reply.status)
            contact = self.keys.open_answer(reply.sealed, _contact, subject)
            return ContactAnswer(status=reply.status, contact=contact)
        except (RpcError, Unopened) as exc:
            raise ContactsUnavailable(str(exc)) from exc

    async def first_names(self, org: str, candidate_ids: Sequence[str], purpose: str) -> dict[str, str]:
        subject = request_subject(org, REGISTRATION, queries.FIRST_NAMES_QUESTION)
        names: dict[str, str] = {}
        wanted = list(dict.fromkeys(candidate_ids))
        for start in range(0, len(wanted), queries.FIRST_NAMES_AT_MOST):
            request = queries.FirstNamesRequest(
                candidate_ids=tuple(wanted[start : start + queries.FIRST_NAMES_AT_MOST]),
                purpose=purpose,
                requester=REQUESTER,
                reply_key=self.keys.public,
            )
            try:
                reply = await ask(self.nc, subject, request, queries.FirstNamesReply, wait=self.wait)
                if reply.status != "found" or reply.sealed is None:
                    raise ContactsUnavailable(reply.reason or reply.status)
                names |= self.keys.open_answer(reply.sealed, _first_names, subject).names
            except (RpcError, Unopened) as exc:
                raise ContactsUnavailable(str(exc)) from exc
        return names
