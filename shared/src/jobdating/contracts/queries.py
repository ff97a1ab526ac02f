"""Request-reply questions between services (NATS core request-reply, never persisted).

Every question states its purpose, which the answering service logs with the asker and the subject id
(never the answer). Answers carrying personal data are sealed to the asker's public key.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from jobdating.privacy.box import SealedBox

CONTACT_QUESTION = "contact"


class ContactRequest(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Ask registration how to reach a candidate or a company's contact, for a stated purpose."""

    subject_type: Literal["candidate", "company"]
    subject_id: str
    purpose: str
    requester: str
    reply_key: str


class Contact(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What a sealed contact answer holds once opened."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    consent_sms: bool = False
    consent_email: bool = False
    reminders: bool = True
    counsellor_id: str | None = None
    """A candidate's counsellor (their account id): who notifications tells of the candidate's outcomes."""
    postal_address: tuple[str, ...] = ()
    """A candidate's postal address (street, then postcode and commune), given only for a printed letter
    (purpose `notifications:letter`): nobody else needs where a person lives."""


class ContactReply(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """`status`: found (then `sealed` holds a Contact), erased (never contact them), unknown, or refused."""

    status: Literal["found", "erased", "withdrawn", "unknown", "refused"]
    sealed: SealedBox | None = None
    reason: str | None = None


FIRST_NAMES_QUESTION = "first-names"
FIRST_NAMES_AT_MOST = 1000
"""The most candidates one first-names question may name (an agenda telling more asks again)."""


class FirstNamesRequest(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Ask registration the first names of candidates, for a stated purpose (a recruiter's agenda): one
    question for every slot a message tells, not one a slot (an update telling 400 walk-ins asked 400,
    ahead of every convocation's own contact question)."""

    candidate_ids: tuple[str, ...]
    purpose: str
    requester: str
    reply_key: str


class FirstNames(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What a sealed first-names answer holds once opened: the first name of each candidate asked who may
    be named (registered, neither withdrawn nor erased); the others are left out."""

    names: dict[str, str] = {}


class FirstNamesReply(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """`status`: found (then `sealed` holds FirstNames, possibly empty) or refused, with `reason`."""

    status: Literal["found", "refused"]
    sealed: SealedBox | None = None
    reason: str | None = None


CANDIDATE_ANSWER_QUESTION = "candidate-answer"


class CandidateAnswerRequest(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Record a candidate's own answer given outside the console (a reply to an SMS), found by
    notifications from the message they answered, never from their number: « coming » or « not_coming »
    (the same as their personal link's « Je viens » / « Je ne peux pas venir »)."""

    candidate_id: str
    answer: Literal["coming", "not_coming"]
    requester: str
    correlation_id: str


class CandidateAnswerReply(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """`status`: recorded (or already so: nothing new), unknown (not a candidate of that instance), refused
    (e.g. already withdrawn: « Je viens » cannot undo it), with `reason` in French."""

    status: Literal["recorded", "unknown", "refused"]
    reason: str | None = None
