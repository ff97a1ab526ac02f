"""Asking another organisation's registration instance to open one of its candidates' contact.

The question carries the purpose, the opener and this instance's public key; the answer comes sealed to
it (`jobdating.privacy.box`) and is opened here, for the HTTP caller only.
"""

from __future__ import annotations

from typing import Any

import msgspec
from nats.aio.client import Client

from jobdating.contracts.subjects import request_subject
from jobdating.privacy.box import BoxKeys, Unopened
from jobdating.registration.application.contact_openings import (
    OPENING_QUESTION,
    OpenedContact,
    OpeningReply,
    OpeningRequest,
    refusal_of,
)
from jobdating.registration.application.service import SERVICE
from jobdating.registration.domain.commands import OpenCandidateContact
from jobdating.runtime.rpc import RpcError, ask

_contact = msgspec.json.Decoder(OpenedContact)


class Unreachable(RuntimeError):
    """The candidate's organisation did not answer (no instance, a timeout, an answer that does not open)."""


class RemoteOpenings:
    """Openings asked of other instances over NATS; usable once `connect` gave it the instance's client."""

    def __init__(self, log: Any, wait: float = 5.0) -> None:
        self.log = log
        self.wait = wait
        self.keys = BoxKeys()
        self.nc: Client | None = None

    def connect(self, nc: Client) -> None:
        self.nc = nc

    async def open(self, owner_org: str, cmd: OpenCandidateContact) -> OpenedContact:
        """The contact of a candidate held by `owner_org`'s instance; `Rejected` as that instance refused,
        `Unreachable` when it cannot be asked."""
        if self.nc is None:
            raise Unreachable("not connected to NATS")
        request = OpeningRequest(
            candidate_id=cmd.candidate_id,
            purpose=cmd.purpose,
            opened_by=cmd.opened_by,
            opened_by_org=cmd.opened_by_org,
            reply_key=self.keys.public,
        )
        subject = request_subject(owner_org, SERVICE, OPENING_QUESTION)
        try:  # not asked, or an answer that does not open: that instance is out of reach
            reply = await ask(self.nc, subject, request, OpeningReply, wait=self.wait)
            if reply.status == "refused":
                raise refusal_of(reply)
            return self.keys.open_answer(reply.sealed, _contact, subject)
        except (RpcError, Unopened) as exc:
            raise Unreachable(str(exc)) from exc
