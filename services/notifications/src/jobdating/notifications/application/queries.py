"""What the coordinator asks of the service: which messages failed, where one message stands."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Unpack

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.ports import DeliveryWrites
from jobdating.notifications.application.preferences import followed
from jobdating.notifications.application.queries_deliveries import Delivery, DeliveryFilters
from jobdating.runtime.clock import Clock

MAX_PAGE = 500


@dataclass(frozen=True)
class NotificationView:
    """One message as the coordinator sees it: ids, kind, channel, state; never a contact detail."""

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


class NotificationQueries:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def notifications(
        self, *, limit: int = 100, offset: int = 0, **filters: Unpack[DeliveryFilters]
    ) -> list[NotificationView]:
        """A page of messages matching every given filter (`DeliveryFilters`), most recently changed first."""
        found = queries_deliveries.listing(
            self.store, limit=max(1, min(limit, MAX_PAGE)), offset=max(0, offset), **filters
        )
        carriers = queries_deliveries.carriers(self.store, [d.notification_id for d in found])
        return [_view(d, carriers.get(d.notification_id)) for d in found]

    def notification(self, notification_id: str) -> NotificationView | None:
        found = queries_deliveries.get(self.store, notification_id)
        if found is None:
            return None
        return _view(found, queries_deliveries.carriers(self.store, [notification_id]).get(notification_id))

    def to_candidate(self, candidate_id: str, caller_org: str | None) -> list[NotificationView]:
        """The messages to one candidate (most recently changed first), for whoever follows them: their
        counsellor calls those the messages did not reach."""
        followed(self.store, candidate_id, caller_org)
        return self.notifications(recipient_type="candidate", recipient_id=candidate_id, limit=MAX_PAGE)

    def counts(self) -> dict[str, int]:
        return queries_deliveries.counts(self.store)


def retry_failed(store: EventStore, deliveries: DeliveryWrites, notification_id: str, clock: Clock) -> bool:
    """Queue a failed message again with fresh retries (the coordinator's decision); False if not failed."""
    with store.transaction() as tx:
        return deliveries.retry(tx, notification_id, clock.now())


def _view(d: Delivery, carried_by: str | None) -> NotificationView:
    shown = {f.name: getattr(d, f.name) for f in fields(NotificationView) if f.name != "carried_by"}
    return NotificationView(**shown, carried_by=carried_by)
