"""Delivery receipts: what a provider reports of a message it took (the SMS provider's webhook, a DSN read
from the bounce mailbox) becomes NotificationDelivered or NotificationUndelivered on the notification's
stream, with its `notif_receipt` row, in one commit.

A receipt names a message the provider's way (an SMS provider's message id, an e-mail's Message-ID); it is
recorded at most once per message (the outcome stream decides), so a provider repeating itself, a replayed
webhook or a DSN read again after a crash change nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from jobdating.contracts.notifications import NotificationDelivered, NotificationUndelivered
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.reading import rows, struct_of
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.outcomes import ACTOR, AGGREGATE, event_fields
from jobdating.notifications.application.ports import ReadModelWrites
from jobdating.notifications.application.queries_deliveries import COLUMNS, Delivery
from jobdating.notifications.domain import outcome
from jobdating.runtime.commands import CommandBus, Meta, UnitOfWork

Source = Literal["sms_report", "dsn"]
Recorded = Literal["recorded", "repeated", "not_sent"]
"""`recorded`: a new fact; `repeated`: nothing new (already known, or the message was not sent);
`not_sent`: the message is not recorded as sent yet (ask again later)."""


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """One provider's word on one message: delivered, or not and why (a code without personal data)."""

    delivered: bool
    reason: str | None = None
    reported_at: datetime
    source: Source


def by_provider_id(store: EventStore, channel: str, provider_message_id: str) -> Delivery | None:
    """The message a provider knows by this id (the id it answered when it took the message)."""
    found = rows(
        store,
        f"SELECT {COLUMNS} FROM notif_delivery WHERE provider_message_id = ? AND channel = ?",
        (provider_message_id, channel),
    )
    return struct_of(Delivery, found[0]) if found else None


def by_message_id(store: EventStore, message_id: str) -> Delivery | None:
    """The e-mail whose Message-ID is this (`<notification id@domain>`, as `Messenger` names them)."""
    local = message_id.strip().removeprefix("<").split("@", 1)[0]
    found = queries_deliveries.get(store, local)
    if found is None or found.channel != "email" or found.message_id != message_id.strip():
        return None
    return found


class Receipts:
    """Records receipts through the command bus (the store's group commit, as the sender's outcomes)."""

    def __init__(self, bus: CommandBus, read_model: ReadModelWrites, org: str, log: Any = None) -> None:
        self.bus = bus
        self.read_model = read_model
        self.org = org
        self.log = log

    async def record(self, d: Delivery, report: Report) -> Recorded:
        """Append the receipt to the message's stream and keep its row, unless it adds nothing."""
        event = _event(d, report)
        meta = Meta(
            org=self.org, actor_id=ACTOR, correlation_id=d.correlation_id, causation_id=d.cause_event_id
        )

        def work(w: UnitOfWork) -> Recorded:
            state = w.fold(AGGREGATE, d.notification_id)
            try:
                new = outcome.receipt(event)(state)
            except outcome.NotYetSent:
                return "not_sent"
            if not new:
                return "repeated"
            w.append(d.notification_id, new, meta)
            self.read_model.record_receipt(w.tx, event)  # `new` is [event]: its row, in its commit
            return "recorded"

        done = await self.bus.run_async(work)
        if self.log is not None:
            self.log.info(
                "notification_receipt",
                notification_id=d.notification_id,
                channel=d.channel,
                kind=d.kind,
                delivered=report.delivered,
                reason=report.reason,
                source=report.source,
                outcome=done,
            )
        return done


def _event(d: Delivery, report: Report) -> NotificationDelivered | NotificationUndelivered:
    common = {**event_fields(d), "receipt": report.source, "reported_at": report.reported_at}
    if report.delivered:
        return NotificationDelivered(**common)
    return NotificationUndelivered(**common, reason=report.reason or "undelivered")
