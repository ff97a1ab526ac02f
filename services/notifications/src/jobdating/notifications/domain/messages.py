"""What a message is before it is sent: its kind, its recipient, its channel and when it is due.

A planned message is identified by its idempotency key (triggering event, recipient, channel, kind); its
notification id is derived from that key, so planning the same message twice gives the same id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final, Literal

import msgspec

from jobdating.contracts.notifications import Channel, RecipientType

ReminderKind = Literal["reminder_two_days", "reminder_morning"]
Kind = Literal[
    ReminderKind,
    "convocation",
    "slot_moved",
    "slot_cancelled",
    "thank_you",
    "recruiter_agenda",
    "agenda_update",
    "counsellor_outcome",
    "workshop_session",
    "workshop_convocation",
    "workshop_reminder",
    "workshop_cancelled",
    "counselling_convocation",
    "counselling_reminder",
    "counselling_cancelled",
    "waitlisted",
    "counsellor_call",
]
# What a message about a slot announces; it is only sent while that is still news to its recipient.
Change = Literal["new", "moved", "cancelled"]

CANDIDATE_CHANNELS: Final[tuple[Channel, ...]] = ("sms", "email")
# Recruiters, counsellors and coaches get their agendas and notices by e-mail (with calendar invitations).
STAFF_CHANNELS: Final[tuple[Channel, ...]] = ("email",)
# Reminders, which a candidate may refuse (`RemindersOptedOut`).
REMINDERS: Final[frozenset[str]] = frozenset(
    {"reminder_two_days", "reminder_morning", "workshop_reminder", "counselling_reminder"}
)

# A candidate's news about their interviews, told as one message per person per moment: each lists every
# slot of the job dating whose state they have not been told yet (a digest), whatever slot planned it.
CANDIDATE_DIGESTS: Final[frozenset[str]] = frozenset({"convocation", "slot_moved", "slot_cancelled"})
# The interview reminders: one per person and day, listing every interview of that day.
DAY_REMINDERS: Final[frozenset[str]] = frozenset({"reminder_two_days", "reminder_morning"})

_NAMESPACE = uuid.UUID("5b1f3c52-8d0e-4d0a-9a43-5d1c3e0e7a11")


class Recipient(msgspec.Struct, frozen=True):
    """Who a message is for, by id only (contact details are asked for at send time)."""

    type: RecipientType
    id: str


class PlannedMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message an event calls for.

    `subject_id` is what it is about (a slot, a workshop, a job dating); `expects` is the change a slot
    message announces; `recipient.id` may be empty for a counsellor not known yet (resolved at send time).
    """

    kind: Kind
    recipient: Recipient
    channel: Channel
    cause_event_id: str
    subject_id: str
    job_dating_id: str | None
    due_at: datetime
    expects: Change | None = None

    @property
    def notification_id(self) -> str:
        return notification_id(self.cause_event_id, self.recipient, self.channel, self.kind)


def notification_id(cause_event_id: str, recipient: Recipient, channel: str, kind: str) -> str:
    """The id of a message, derived from its idempotency key (a UUIDv5: same key, same id)."""
    key = "|".join((cause_event_id, recipient.type, recipient.id, channel, kind))
    return str(uuid.uuid5(_NAMESPACE, key))
