"""What the coordinator asks of the service: which messages failed, where one message stands."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Unpack

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import delivery_state, queries_deliveries
from jobdating.notifications.application.delivery_state import DeliveryState
from jobdating.notifications.application.ports import DeliveryWrites
from jobdating.notifications.application.preferences import followed
from jobdating.notifications.application.queries_deliveries import Delivery, DeliveryFilters
from jobdating.runtime.clock import Clock

MAX_PAGE = 500


@dataclass(frozen=True)
class NotificationView:
    """One message as the coordinator sees it: ids, kind, channel, state; never a contact detail.

    `status` is where its send stands; `delivery` whether it reached its recipient (`delivered`, `failed`:
    not sent or reported undelivered, `unknown`: sent and no receipt after the wait, `awaiting`: sent,
    receipt still possible; none while it is not sent), `delivery_reason` why it failed (a code),
    `delivery_reported_at` when the provider said so.
    """

    notification_id: str
    kind: str
    channel: str
    recipient_type: str
    recipient_id: str
    subject_id: str
    job_dating_id: str | None
    cause_event_id: str
    status: str
    reason: str | None
    last_error: str | None
    attempts: int
    due_at: datetime
    created_at: datetime
    updated_at: datetime
    provider_message_id: str | None
    # The channel that carried it when not `channel` ("voice": an SMS read aloud to a landline).
    carried_by: str | None = None
    delivery: DeliveryState | None = None
    delivery_reason: str | None = None
    delivery_reported_at: datetime | None = None


class NotificationQueries:
    """The messages as people read them, each with its delivery state at the clock's `now`."""

    def __init__(self, store: EventStore, clock: Clock, receipt_wait: timedelta) -> None:
        self.store = store
        self.clock = clock
        self.receipt_wait = receipt_wait

    def notifications(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        delivery: DeliveryState | None = None,
        **filters: Unpack[DeliveryFilters],
    ) -> list[NotificationView]:
        """A page of messages matching every given filter (`DeliveryFilters`, and the delivery state),
        most recently changed first."""
        now = self.clock.now()
        found = queries_deliveries.listing(
            self.store,
            limit=max(1, min(limit, MAX_PAGE)),
            offset=max(0, offset),
            condition=delivery_state.condition(delivery, now, self.receipt_wait) if delivery else None,
            **filters,
        )
        return self._views(found, now)

    def notification(self, notification_id: str) -> NotificationView | None:
        found = queries_deliveries.get(self.store, notification_id)
        return self._views([found], self.clock.now())[0] if found else None

    def _views(self, found: list[Delivery], now: datetime) -> list[NotificationView]:
        ids = [d.notification_id for d in found]
        receipts = delivery_state.receipts(self.store, ids)
        carriers = queries_deliveries.carriers(self.store, ids)
        return [
            _view(
                d,
                delivery_state.reached(d, receipts.get(d.notification_id), now, self.receipt_wait),
                carriers.get(d.notification_id),
            )
            for d in found
        ]

    def to_candidate(self, candidate_id: str, caller_org: str | None) -> list[NotificationView]:
        """The messages to one candidate (most recently changed first), for whoever follows them: their
        counsellor calls those the messages did not reach."""
        followed(self.store, candidate_id, caller_org)
        return self.notifications(recipient_type="candidate", recipient_id=candidate_id, limit=MAX_PAGE)

    def counts(self) -> dict[str, int]:
        return queries_deliveries.counts(self.store)

    def delivery_counts(self) -> dict[str, int]:
        """How many messages reached their person, did not, or may have (see `delivery_state`)."""
        return delivery_state.counts(self.store, self.clock.now(), self.receipt_wait)


def retry_failed(store: EventStore, deliveries: DeliveryWrites, notification_id: str, clock: Clock) -> bool:
    """Queue a failed message again with fresh retries (the coordinator's decision); False if not failed."""
    with store.transaction() as tx:
        return deliveries.retry(tx, notification_id, clock.now())


_ROW_FIELDS = tuple(
    f.name for f in fields(NotificationView) if not f.name.startswith("delivery") and f.name != "carried_by"
)


def _view(d: Delivery, reached: delivery_state.Reached, carried_by: str | None) -> NotificationView:
    return NotificationView(
        **{name: getattr(d, name) for name in _ROW_FIELDS},
        carried_by=carried_by,
        delivery=reached.state,
        delivery_reason=reached.reason,
        delivery_reported_at=reached.reported_at,
    )
