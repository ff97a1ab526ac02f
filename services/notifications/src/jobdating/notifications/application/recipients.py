"""Who a due message goes to and what the service knows of them: the facts read for it, the person the
rules judge, and their contact details (registration for candidates and companies, the staff directory for
counsellors and coaches), asked for at send time and never kept.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Literal

import msgspec

from jobdating.contracts.queries import Contact
from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import counsellor_calls, queries_facts, queries_plan
from jobdating.notifications.application.content import Facts
from jobdating.notifications.application.outcomes import Outcomes
from jobdating.notifications.application.ports import (
    Contacts,
    ContactsUnavailable,
    DeliveryWrites,
    StaffDirectory,
)
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Candidate, Company
from jobdating.notifications.application.queries_plan import Slot
from jobdating.notifications.domain.rules import Person, Skip

SLOT_SUBJECT_KINDS = frozenset(
    {
        "convocation",
        "reminder_two_days",
        "reminder_morning",
        "slot_moved",
        "slot_cancelled",
        "agenda_update",
        "thank_you",
        "counsellor_outcome",
    }
)


class TryLater(Exception):
    """A temporary obstacle before the provider call (no contact answer, a fact not known yet)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class GiveUp(Exception):
    """A permanent obstacle before the provider call (registration does not know the person)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(eq=False)
class Recipients:
    """Reads what a message needs to know of its recipient, and asks for their contact details."""

    _: KW_ONLY
    store: EventStore
    deliveries: DeliveryWrites
    outcomes: Outcomes
    contacts: Contacts
    staff: StaffDirectory

    async def resolved(self, d: Delivery) -> Delivery | Skip:
        """The message with its recipient known: a notice to a candidate's counsellor is planned to nobody
        (the bus does not say who follows whom) and addressed now, from registration's sealed answer."""
        if d.recipient_type != "counsellor" or d.recipient_id:
            return d
        if d.kind == counsellor_calls.KIND:
            candidate_id: str | None = d.subject_id  # a notice about the candidate, not about a slot
        else:
            slot = queries_plan.slot(self.store, d.subject_id)
            candidate_id = slot.candidate_id if slot else None
        candidate = queries_facts.candidate(self.store, candidate_id) if candidate_id else None
        if candidate_id is None or candidate is None:
            raise TryLater("unknown_recipient")
        try:
            answer = await self.contacts.ask(
                candidate.org, "candidate", candidate_id, f"notifications:{d.kind}:counsellor"
            )
        except ContactsUnavailable as exc:
            raise TryLater("contact_unavailable") from exc
        # A withdrawn candidate's counsellor is still told whom to call (they said they cannot come).
        told_anyway = d.kind == counsellor_calls.KIND and answer.status == "withdrawn"
        if answer.status == "erased" or (answer.status == "withdrawn" and not told_anyway):
            # Who followed an erased candidate is forgotten with them; a withdrawn one is not followed.
            return Skip(answer.status)
        if answer.contact is None or not answer.contact.counsellor_id:
            raise GiveUp("unknown_recipient")
        counsellor_id = answer.contact.counsellor_id
        await self.outcomes.write(
            lambda tx: self.deliveries.set_recipient(tx, d.notification_id, counsellor_id)
        )
        return msgspec.structs.replace(d, recipient_id=counsellor_id)

    async def addressed(self, d: Delivery) -> Delivery | None:
        """`d` resolved as `resolved` does, or None when it cannot be now: it then goes its own way (and
        is skipped or retried on its own)."""
        try:
            found = await self.resolved(d)
        except (TryLater, GiveUp):
            return None
        return None if isinstance(found, Skip) else found

    def facts(self, d: Delivery) -> Facts:
        """The facts read once and handed on: the rules, the contact question and the content share them."""
        return Facts(
            job_dating=queries_plan.job_dating(self.store, d.job_dating_id),
            slot=self._slot(d),
            registered=self._registered(d),
        )

    def _slot(self, d: Delivery) -> Slot | None:
        if d.kind not in SLOT_SUBJECT_KINDS or d.subject_id == d.job_dating_id:
            # A plan's convocation is about the whole job dating: its slots are the candidate's digest.
            return None
        slot = queries_plan.slot(self.store, d.subject_id)
        if slot is None:
            raise TryLater("slot_unknown")
        return slot

    def _registered(self, d: Delivery) -> Candidate | Company | None:
        if d.recipient_type == "candidate":
            return queries_facts.candidate(self.store, d.recipient_id)
        if d.recipient_type == "company":
            return queries_facts.company(self.store, d.recipient_id)
        return None

    def person(self, d: Delivery, registered: Candidate | Company | None) -> Person:
        """The recipient as the rules judge them: status, consents, reminder wish."""
        if isinstance(registered, Candidate):
            return registered.person()
        if isinstance(registered, Company):
            return Person(status="withdrawn" if registered.status == "withdrawn" else "active")
        if d.recipient_type == "candidate":
            return Person(
                status="unknown", reminders=queries_facts.wants_reminders(self.store, d.recipient_id)
            )
        return Person(status="unknown" if d.recipient_type == "company" else "active")

    async def contact(self, d: Delivery, registered: Candidate | Company | None) -> Contact | Skip:
        """How to reach the recipient now, or why not to (erased, withdrawn)."""
        if d.recipient_type in ("counsellor", "coach"):
            member = self.staff.get(d.recipient_id)
            if member is None:
                raise TryLater("staff_unknown")
            return Contact(first_name=member.first_name, email=member.email, phone=member.phone)
        subject_type: Literal["candidate", "company"] = (
            "candidate" if d.recipient_type == "candidate" else "company"
        )
        if registered is None:
            raise TryLater(f"{subject_type}_unknown")
        try:
            answer = await self.contacts.ask(
                registered.org, subject_type, d.recipient_id, f"notifications:{d.kind}"
            )
        except ContactsUnavailable as exc:
            raise TryLater("contact_unavailable") from exc
        if answer.status in ("erased", "withdrawn"):
            return Skip(answer.status)
        if answer.status == "unknown":
            raise GiveUp("unknown_recipient")
        if answer.status == "refused" or answer.contact is None:
            raise GiveUp("contact_refused")
        return answer.contact
