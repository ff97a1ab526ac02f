"""Answers to "how do I reach this person?" from other services, for a stated purpose, sealed to the asker.

Every question is logged with its purpose, asker and subject id, never with the answer. Withdrawn and
erased people are not to be contacted: the answer says so and carries nothing, except, for a withdrawn
candidate whose counsellor is asked for, that counsellor and the name (their counsellor is told).
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from jobdating.contracts.queries import (
    FIRST_NAMES_AT_MOST,
    Contact,
    ContactReply,
    ContactRequest,
    FirstNames,
    FirstNamesReply,
    FirstNamesRequest,
)
from jobdating.privacy.box import seal_for
from jobdating.registration.application import queries
from jobdating.registration.application.queries import WITHDRAWN
from jobdating.registration.application.service import RegistrationService

MAX_PURPOSE: Final = 200
# How notifications asks for a candidate's counsellor (`notifications:<kind>:counsellor`).
COUNSELLOR_PURPOSE: Final = ":counsellor"


def answer_contact(svc: RegistrationService, request: ContactRequest) -> ContactReply:
    """The contact of a candidate or a company's contact person, sealed to `request.reply_key`."""
    reply = _reply(svc, request)
    svc.log.info(
        "contact_requested",
        requester=request.requester,
        purpose=request.purpose[:MAX_PURPOSE],
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        status=reply.status,
    )
    return reply


def _reply(svc: RegistrationService, request: ContactRequest) -> ContactReply:
    if not request.purpose.strip() or not request.requester.strip():
        return ContactReply(status="refused", reason="a purpose and a requester are required")
    if request.subject_type == "candidate":
        row = queries.candidate_contact_row(svc.store, request.subject_id)
        if row is None:
            return ContactReply(status="unknown")
        status, erased, first_name, last_name, phone, email, profile, counsellor_id = row
        if erased or first_name is None:
            return ContactReply(status="erased")
        if status == WITHDRAWN:
            if not request.purpose.endswith(COUNSELLOR_PURPOSE) or not counsellor_id:
                return ContactReply(status="withdrawn")
            # Not to be contacted, but their counsellor is told (they said they cannot come): who
            # follows them and their name, for that counsellor's e-mail; no phone, no address.
            told = Contact(first_name=first_name, last_name=last_name, counsellor_id=counsellor_id)
            return _sealed(request, told, "withdrawn")
        consents = msgspec.json.decode(profile, type=_Consents)
        contact = Contact(
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            email=email,
            consent_sms=consents.consent_sms,
            consent_email=consents.consent_email,
            # Sealed like the rest: the bus never says who follows whom.
            counsellor_id=counsellor_id or None,
            postal_address=_postal_address(svc, request),
        )
    else:
        row = queries.company_contact_row(svc.store, request.subject_id)
        if row is None:
            return ContactReply(status="unknown")
        status, name, phone, email = row
        if status == WITHDRAWN:
            return ContactReply(status="withdrawn")
        # A recruiter's work contact, given for this job dating: no consent to collect as for candidates.
        contact = Contact(last_name=name, phone=phone, email=email, consent_sms=True, consent_email=True)
    return _sealed(request, contact, "found")


def _sealed(request: ContactRequest, contact: Contact, status: Literal["found", "withdrawn"]) -> ContactReply:
    try:
        sealed = seal_for(request.reply_key, msgspec.json.encode(contact))
    except ValueError:
        return ContactReply(status="refused", reason="reply_key is not an X25519 public key")
    return ContactReply(status=status, sealed=sealed)


def answer_first_names(svc: RegistrationService, request: FirstNamesRequest) -> FirstNamesReply:
    """The first names of the candidates asked who may be named (for a recruiter's agenda), sealed to
    `request.reply_key`: nothing of a withdrawn or erased candidate, nor of an id this instance does not
    hold. Logged as a contact question is, with every id asked."""
    reply = _first_names(svc, request)
    svc.log.info(
        "first_names_requested",
        requester=request.requester,
        purpose=request.purpose[:MAX_PURPOSE],
        subject_ids=list(request.candidate_ids[:FIRST_NAMES_AT_MOST]),
        status=reply.status,
    )
    return reply


def _first_names(svc: RegistrationService, request: FirstNamesRequest) -> FirstNamesReply:
    if not request.purpose.strip() or not request.requester.strip():
        return FirstNamesReply(status="refused", reason="a purpose and a requester are required")
    if len(request.candidate_ids) > FIRST_NAMES_AT_MOST:
        return FirstNamesReply(status="refused", reason=f"{FIRST_NAMES_AT_MOST} candidates at most")
    names = queries.nameable_first_names(svc.store, list(dict.fromkeys(request.candidate_ids)))
    try:
        sealed = seal_for(request.reply_key, msgspec.json.encode(FirstNames(names=names)))
    except ValueError:
        return FirstNamesReply(status="refused", reason="reply_key is not an X25519 public key")
    return FirstNamesReply(status="found", sealed=sealed)


class _Consents(msgspec.Struct):
    consent_sms: bool = False
    consent_email: bool = False


LETTER_PURPOSE = "notifications:letter"


def _postal_address(svc: RegistrationService, request: ContactRequest) -> tuple[str, ...]:
    """Where a candidate lives, only when asked for a printed letter (no other purpose needs it)."""
    if request.purpose != LETTER_PURPOSE:
        return ()
    row = queries.candidate_postal_row(svc.store, request.subject_id)
    if row is None:
        return ()
    address, postcode, commune = row
    town = " ".join(part for part in (postcode, commune) if part)
    return tuple(line for line in (address, town) if line)
