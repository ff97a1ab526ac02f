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
