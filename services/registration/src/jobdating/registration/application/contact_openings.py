"""A coordinator opens a candidate's contact for a stated purpose: the opening is recorded in the candidate's
stream (`CandidateContactOpened`) by the instance holding them, in the transaction that reads the contact.

Within one instance the contact goes back to the HTTP caller directly. When another organisation's
instance holds the candidate, the asking instance sends the question over NATS request-reply
(`OpeningRequest`, with the purpose and its public key), and the owning instance records the opening and
answers sealed to that key (`jobdating.privacy.box`): the contact never crosses the bus in clear.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import StoredEvent
from jobdating.privacy.box import SealedBox, seal_for
from jobdating.registration.application.command_steps import CommandSteps
from jobdating.registration.application.handlers import CANDIDATES
from jobdating.registration.application.rows import Db, fetch_all, fetch_one
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import OpenCandidateContact
from jobdating.registration.domain.errors import Conflict, DomainError, Kind, NotAllowed, NotFound, Rejected
from jobdating.registration.domain.opening_rules import open_contact
from jobdating.runtime.commands import Meta, UnitOfWork

OPENING_QUESTION: Final = "contact-opening"
"""The request-reply question (`request_subject(owner org, "registration", OPENING_QUESTION)`)."""

_KINDS: Final[dict[Kind, type[DomainError]]] = {
    "invalid": DomainError,
    "conflict": Conflict,
    "not_found": NotFound,
    "not_allowed": NotAllowed,
}


class OpenedContact(msgspec.Struct, frozen=True, kw_only=True):
    """What an opening gives: how to reach the candidate (sealed when it crosses the bus)."""

    first_name: str
    last_name: str
    phone: str
    email: str | None = None


class OpeningRequest(msgspec.Struct, frozen=True, kw_only=True):
    """From one registration instance to the one holding the candidate: who opens, why, and the key to seal
    the answer to. The asking instance checked that its caller is a coordinator."""

    candidate_id: str
    purpose: str
    opened_by: str
    opened_by_org: str
    reply_key: str


class OpeningReply(msgspec.Struct, frozen=True, kw_only=True):
    """`opened` (then `sealed` holds an `OpenedContact`) or `refused` (the refusal's kind, field, reason)."""

    status: Literal["opened", "refused"]
    sealed: SealedBox | None = None
    kind: Kind | None = None
    field: str | None = None
    reason: str | None = None


class Opening(msgspec.Struct, frozen=True, kw_only=True):
    """One recorded opening, as the candidate's organisation reads it (no personal data)."""

    purpose: str
    opened_by: str
    opened_by_org: str
    opened_at: str


def open_here(
    svc: RegistrationService, cmd: OpenCandidateContact, correlation_id: str
) -> tuple[OpenedContact, list[StoredEvent]]:
    """Record the opening and read the contact in one transaction; `Rejected` when it may not be opened."""
    steps = CommandSteps(svc)
    meta = Meta(org=svc.org, actor_id=cmd.opened_by, correlation_id=correlation_id)
    contact: list[OpenedContact] = []

    def work(w: UnitOfWork) -> list[StoredEvent]:
        contact.clear()  # the bus may run the unit again after a concurrent append
        state = w.fold(CANDIDATES, cmd.candidate_id)
        events: list[Event] = open_contact(cmd, state)
        stored = steps.append(w, cmd.candidate_id, events, meta)
        contact.append(_contact(w.tx, cmd.candidate_id))
        return stored

    stored = steps.run("OpenCandidateContact", cmd.candidate_id, work, meta)
    return contact[0], stored


def answer_opening(svc: RegistrationService, request: OpeningRequest, correlation_id: str) -> OpeningReply:
    """Another instance's question: the opening recorded here, the contact sealed to `request.reply_key`.

    The key is checked before anything is recorded: an opening whose answer nobody can read is no opening.
    """
    try:
        seal_for(request.reply_key, b"")
    except ValueError:
        return OpeningReply(
            status="refused", kind="invalid", field="reply_key", reason="clé de réponse invalide"
        )
    cmd = OpenCandidateContact(
        candidate_id=request.candidate_id,
        purpose=request.purpose,
        opened_by=request.opened_by,
        opened_by_org=request.opened_by_org,
    )
    try:
        contact, _ = open_here(svc, cmd, correlation_id)
    except Rejected as refused:
        kind = refused.kind
        first = next(e for e in refused.errors if e.kind == kind)
        return OpeningReply(status="refused", kind=kind, field=first.field, reason=first.reason)
    return OpeningReply(status="opened", sealed=seal_for(request.reply_key, msgspec.json.encode(contact)))


def refusal_of(reply: OpeningReply) -> Rejected:
    """The owning instance's refusal, as this instance's HTTP edge reports refusals."""
    kind = _KINDS[reply.kind or "invalid"]
    reason = reply.reason or "refusé par la structure du candidat"
    return Rejected([kind(reply.field or "candidate_id", reason)])


def openings(db: Db, candidate_id: str) -> list[Opening]:
    """The openings of a candidate's contact, oldest first."""
    rows = fetch_all(
        db,
        "SELECT purpose, opened_by, opened_by_org, opened_at FROM contact_openings WHERE candidate_id = ? "
        "ORDER BY opened_at, event_id",
        (candidate_id,),
    )
    return [Opening(purpose=p, opened_by=by, opened_by_org=org, opened_at=at) for p, by, org, at in rows]


def referring_org_of(db: Db, candidate_id: str) -> str | None:
    """The organisation following a candidate of this instance, or None when this instance has no such one."""
    row = fetch_one(db, "SELECT referring_org FROM candidates WHERE candidate_id = ?", (candidate_id,))
    return None if row is None else str(row[0])


def _contact(db: Db, candidate_id: str) -> OpenedContact:
    sql = "SELECT first_name, last_name, phone, email FROM candidates WHERE candidate_id = ?"
    row = fetch_one(db, sql, (candidate_id,))
    if row is None or row[0] is None:
        # The rule let a live candidate through: their row and personal columns are in this transaction.
        raise RuntimeError("a live candidate without their personal columns")
    first_name, last_name, phone, email = row
    return OpenedContact(first_name=first_name, last_name=last_name, phone=phone, email=email)
