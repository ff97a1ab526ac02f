"""Events published by the notifications service: what happened to each message it had to send.

One stream per notification (`notification`, id = the notification id, derived from its idempotency key:
triggering event, recipient, channel, kind). The envelope's `causation_id` is the triggering event's id,
repeated as `cause_event_id` so that statistics need no envelope. No contact detail is ever part of these
events: a recipient is an id, a message a kind.

A candidate's wish not to get reminders is the service's own fact too (`reminder_preference`, one stream
per candidate, id `reminders-<candidate_id>`).

`kind` is one of: convocation, reminder_two_days, reminder_morning, slot_moved, slot_cancelled, thank_you,
recruiter_agenda, agenda_update, counsellor_outcome, workshop_session, workshop_convocation,
workshop_reminder, workshop_cancelled, counselling_convocation, counselling_reminder, counselling_cancelled,
waitlisted, counsellor_call (new kinds may be added).

A candidate's reply to one of our SMS is the service's own fact (`sms_reply`, one stream per reply): what it
understood of it and which message it answered; never the text nor the number.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY

SERVICE = "notifications"
NOTIFICATION = "notification"
REMINDER_PREFERENCE = "reminder_preference"
SMS_REPLY = "sms_reply"

Channel = Literal["sms", "email"]
Carrier = Literal["sms", "email", "voice"]
"""What actually carried a message: its planned channel, or a voice call for an SMS to a landline."""
RecipientType = Literal["candidate", "company", "counsellor", "coach"]


class _NotificationEvent(Event, frozen=True, kw_only=True):
    """What became of one message: which message it is, to whom, and what it was about."""

    stream_type: ClassVar[str] = NOTIFICATION

    notification_id: str
    kind: str
    channel: Channel
    recipient_type: RecipientType
    recipient_id: str
    cause_event_id: str
    subject_id: str


class _ReminderPreferenceEvent(Event, frozen=True, kw_only=True):
    """A change of a candidate's wish to get reminders."""

    stream_type: ClassVar[str] = REMINDER_PREFERENCE

    candidate_id: str


@REGISTRY.register
class NotificationSent(_NotificationEvent, frozen=True, kw_only=True, omit_defaults=True):
    """A message was accepted by the channel's provider (the SMTP server, the SMS or voice provider)."""

    attempts: int
    provider_message_id: str
    # Added later: set when another channel than the planned one carried it ("voice": a message planned
    # as an SMS was read aloud to a landline). Left out of the wire when None (omit_defaults), so earlier
    # payloads keep the form they always had.
    carried_by: Carrier | None = None


@REGISTRY.register
class NotificationFailed(_NotificationEvent, frozen=True, kw_only=True):
    """A message could not be sent after its retries (or at once, when retrying cannot help).

    `error` is a short code without personal data (e.g. `smtp_550`, `contact_unavailable`, `uncertain`);
    the coordinator sees the failed message and may send it again.
    """

    attempts: int
    error: str


@REGISTRY.register
class NotificationSkipped(_NotificationEvent, frozen=True, kw_only=True):
    """A planned message was deliberately not sent, and why.

    `reason`: erased, withdrawn, no_consent, no_address, opted_out, slot_cancelled, unchanged, never_told,
    expired, unknown_recipient, landline_no_voice (an SMS for a landline, and no voice provider to call
    it), phone_unusable (a special-rate number, or one that does not exist), declined (a reminder to a
    candidate who said they cannot come).
    """

    reason: str


@REGISTRY.register
class NotificationDelivered(_NotificationEvent, frozen=True, kw_only=True):
    """The provider reported a sent message delivered to its recipient's phone or mailbox.

    `receipt` says where the news came from: `sms_report` (the SMS provider's signed delivery webhook) or
    `dsn` (a delivery status notification read from the bounce mailbox). `reported_at` is the provider's
    time for it. Recorded at most once per message, whatever the provider repeats.
    """

    receipt: Literal["sms_report", "dsn"]
    reported_at: datetime


@REGISTRY.register
class NotificationUndelivered(_NotificationEvent, frozen=True, kw_only=True):
    """The provider reported that a sent message did not reach its recipient.

    `reason` is a short code without personal data: `expired` (the phone stayed off), `sms_<provider error>`
    (e.g. `sms_30003`), `bounce_<status>` (a DSN's status, e.g. `bounce_5.1.1`). `receipt` and `reported_at`
    as in `NotificationDelivered`. The person's counsellor then calls them.
    """

    receipt: Literal["sms_report", "dsn"]
    reported_at: datetime
    reason: str


@REGISTRY.register
class RemindersOptedOut(_ReminderPreferenceEvent, frozen=True, kw_only=True):
    """A candidate asked (through their counsellor or the coordinator) not to receive reminders."""


@REGISTRY.register
class RemindersOptedIn(_ReminderPreferenceEvent, frozen=True, kw_only=True):
    """A candidate who had opted out of reminders wants them again."""


ReplyAnswer = Literal["coming", "not_coming", "not_understood"]


@REGISTRY.register
class CandidateRepliedBySms(Event, frozen=True, kw_only=True):
    """A candidate answered one of our SMS (the provider's signed webhook). `notification_id` is the SMS
    answered (found from the provider's message id: that is how the candidate is known); `answer` what the
    reply said, `coming` (OUI), `not_coming` (NON) or `not_understood`; `recorded` whether registration
    took the answer as the candidate's own (as from their personal link). No text, no number."""

    stream_type: ClassVar[str] = SMS_REPLY

    reply_id: str
    candidate_id: str
    notification_id: str
    answer: ReplyAnswer
    recorded: bool
