"""What the application needs from the outside world; `bootstrap` picks the adapters.

Channels report what happened instead of raising: accepted (with the provider's message id), rejected
(temporarily or for good) or uncertain (the call may have gone through: only reconciliation may tell).
The service's own tables are written through `ReadModelWrites` and `DeliveryWrites` (both in the caller's
transaction) and read through the read-side query modules (`queries_facts`, `queries_plan`,
`queries_deliveries`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.notifications import (
    CandidateRepliedBySms,
    NotificationDelivered,
    NotificationUndelivered,
)
from jobdating.contracts.queries import Contact
from jobdating.eventstore.base import Transaction
from jobdating.notifications.domain.calendar import Invitation
from jobdating.notifications.domain.letters import Letter
from jobdating.notifications.domain.messages import PlannedMessage
from jobdating.notifications.domain.rules import SlotFacts, Told


class ReadModelWrites(Protocol):
    """The read model's writes (`adapters.projections`): other services' facts, the recruiters' agenda
    window, the reminder opt-outs and what each recipient was told."""

    def apply_registration(self, tx: Transaction, event: RecordedEvent) -> None: ...

    def apply_sites(self, tx: Transaction, event: RecordedEvent) -> None: ...

    def apply_scheduling(self, tx: Transaction, event: RecordedEvent) -> None: ...

    def open_agenda_window(
        self,
        tx: Transaction,
        job_dating_id: str,
        timezone: str,
        plan_event_id: str,
        due_at: datetime,
        slots: int,
    ) -> None: ...

    def count_agenda_slot(self, tx: Transaction, job_dating_id: str) -> None: ...

    def record_reminder_wish(self, tx: Transaction, candidate_id: str, wanted: bool) -> None: ...

    def record_reply(self, tx: Transaction, reply: CandidateRepliedBySms, at: datetime) -> None: ...

    def remember_told(
        self,
        tx: Transaction,
        recipient_type: str,
        recipient_id: str,
        channel: str,
        told: Sequence[tuple[str, Told]],
    ) -> None: ...

    def record_receipt(
        self, tx: Transaction, report: NotificationDelivered | NotificationUndelivered
    ) -> None: ...


class DeliveryWrites(Protocol):
    """The planned messages' writes (`adapters.deliveries`): one row per idempotency key and its state."""

    def insert(
        self, tx: Transaction, message: PlannedMessage, correlation_id: str, now: datetime
    ) -> None: ...

    def claim(self, tx: Transaction, notification_id: str, now: datetime) -> None: ...

    def mark_in_progress(
        self,
        tx: Transaction,
        notification_id: str,
        message_id: str,
        presented: Sequence[SlotFacts],
        now: datetime,
        carried: Sequence[str] = (),
    ) -> None: ...

    def mark_pending(
        self, tx: Transaction, notification_id: str, due_at: datetime, now: datetime
    ) -> None: ...

    def mark_retry(
        self,
        tx: Transaction,
        notification_id: str,
        due_at: datetime,
        now: datetime,
        attempts: int,
        error: str,
    ) -> None: ...

    def mark_final(
        self,
        tx: Transaction,
        notification_id: str,
        status: Literal["sent", "failed", "skipped"],
        now: datetime,
        *,
        provider_message_id: str | None = None,
        reason: str | None = None,
        error: str | None = None,
        carried_by: str | None = None,
    ) -> None: ...

    def skip_all(
        self, tx: Transaction, notification_ids: Sequence[str], now: datetime, reason: str
    ) -> None: ...

    def insert_unless_pending(
        self, tx: Transaction, message: PlannedMessage, correlation_id: str, now: datetime
    ) -> bool: ...

    def set_recipient(self, tx: Transaction, notification_id: str, recipient_id: str) -> None: ...

    def tell_with(self, tx: Transaction, notification_id: str, candidate_ids: Sequence[str]) -> None: ...

    def reschedule(
        self, tx: Transaction, subject_id: str, kind: str, due_at: datetime, now: datetime
    ) -> None: ...

    def release(
        self, tx: Transaction, cause_event_id: str, kind: str, due_at: datetime, now: datetime
    ) -> None: ...

    def retry(self, tx: Transaction, notification_id: str, now: datetime) -> bool: ...


class ContactAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Registration's answer, opened: `contact` is set when `status` is found."""

    status: Literal["found", "erased", "withdrawn", "unknown", "refused"]
    contact: Contact | None = None


class ContactsUnavailable(RuntimeError):
    """Registration did not answer (no responder, a timeout, an answer we cannot open)."""


class Contacts(Protocol):
    async def ask(
        self, org: str, subject_type: Literal["candidate", "company"], subject_id: str, purpose: str
    ) -> ContactAnswer:
        """Ask the registration instance of `org` how to reach someone, for a stated purpose."""
        ...

    async def first_names(self, org: str, candidate_ids: Sequence[str], purpose: str) -> dict[str, str]:
        """Ask the registration instance of `org` the first names of candidates it registered, in one
        question (a recruiter's agenda): those who may be named, by id; raises `ContactsUnavailable`."""
        ...


class StaffMember(msgspec.Struct, frozen=True, kw_only=True):
    """A counsellor or a coach, from the staff directory: professional contact details only."""

    id: str
    role: Literal["counsellor", "coach"]
    org: str
    first_name: str
    last_name: str = ""
    email: str | None = None
    phone: str | None = None


class StaffDirectory(Protocol):
    def get(self, staff_id: str) -> StaffMember | None: ...


class Email(msgspec.Struct, frozen=True, kw_only=True):
    """An e-mail ready to go; `message_id` is derived from the notification id (what reconciliation seeks)."""

    to: str
    subject: str
    text: str
    message_id: str
    headers: dict[str, str]
    calendar: str | None = None
    calendar_method: str | None = None


class _ToPhone(msgspec.Struct, frozen=True, kw_only=True):
    """A text for a phone number; the provider treats a second one with the same idempotency key as the
    first."""

    to: str
    text: str
    idempotency_key: str


class Sms(_ToPhone, frozen=True, kw_only=True):
    """An SMS ready to go."""


class VoiceCall(_ToPhone, frozen=True, kw_only=True):
    """A message read aloud to a landline: `text` is what the voice says; same key, same call."""


class Accepted(msgspec.Struct, frozen=True):
    provider_message_id: str


class Rejected(msgspec.Struct, frozen=True):
    """`error` is a short code without personal data (e.g. smtp_550); `temporary` says a retry may help."""

    error: str
    temporary: bool


class Uncertain(msgspec.Struct, frozen=True):
    error: str


SendResult = Accepted | Rejected | Uncertain


class EmailChannel(Protocol):
    async def send(self, email: Email) -> SendResult: ...


class SmsChannel(Protocol):
    async def send(self, sms: Sms) -> SendResult: ...


class VoiceChannel(Protocol):
    async def call(self, call: VoiceCall) -> SendResult: ...


class MailboxProbe(Protocol):
    def holds(self, message_id: str) -> bool | None:
        """Whether the mailbox received this message (None: this mailbox cannot tell)."""
        ...


class SentCopies(Protocol):
    def forget(self, message_ids: Collection[str]) -> int:
        """Remove the copies of these messages kept on this machine (an embedded sink's Maildir or file),
        so that an erased person's messages go with them; returns how many went. Idempotent."""
        ...


class RenderedText(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str


class Renderer(Protocol):
    def render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText: ...


class RenderingPool(Protocol):
    """Renders as the `Renderer` does, elsewhere than on the event loop (`adapters.render_pool`)."""

    async def render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText: ...


class CalendarWriter(Protocol):
    def write(self, invitation: Invitation, organizer: str) -> str:
        """The `.ics` text of an invitation."""
        ...


class LetterPrinter(Protocol):
    def print(self, title: str, letters: Sequence[Letter]) -> bytes:
        """One PDF: a page per letter (a page saying there is none when `letters` is empty)."""


class AnswersUnavailable(RuntimeError):
    """Registration did not take a candidate's answer (no responder, a timeout, an unreadable answer)."""


class RelayedAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """What registration did with a relayed answer: `recorded`, or why not (`unknown`, `refused`)."""

    status: Literal["recorded", "unknown", "refused"]
    reason: str | None = None


class CandidateAnswers(Protocol):
    async def relay(
        self, org: str, candidate_id: str, answer: Literal["coming", "not_coming"], correlation_id: str
    ) -> RelayedAnswer:
        """Hand a candidate's answer (a reply to an SMS) to the registration instance of `org`, which
        records it as from their personal link; `AnswersUnavailable` when it does not answer."""
        ...
