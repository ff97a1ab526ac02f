"""The reads and writes that fold a company's slots into its waiting update, on both stores compose and the
embedded run use: the update found waiting, then claimed (being sent: found going, no longer waiting)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.adapters.tables import migrate
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.domain.messages import PlannedMessage, Recipient

NOW = datetime(2026, 12, 3, 8, tzinfo=UTC)
UPDATE = PlannedMessage(
    kind="agenda_update",
    recipient=Recipient("company", "co-1"),
    channel="email",
    cause_event_id="ev-1",
    subject_id="slot-1",
    job_dating_id="jd-1",
    due_at=NOW,
    expects="new",
)


@pytest.mark.postgres
def test_a_waiting_update_is_found_then_claimed_on_either_store(any_store: EventStore) -> None:
    migrate(any_store)

    def waiting(job_dating_id: str | None = "jd-1") -> tuple[bool, bool]:
        args = ("company", "co-1", "email", "agenda_update", job_dating_id)
        return (
            queries_deliveries.waiting_to_go(any_store, *args),
            queries_deliveries.waiting_or_going(any_store, *args),
        )

    assert waiting() == (False, False)
    with any_store.transaction() as tx:
        deliveries.insert(tx, UPDATE, "corr-1", NOW)
    assert waiting() == (True, True)
    assert waiting("jd-2") == (False, False)
    assert waiting(None) == (False, False)
    (update,) = queries_deliveries.pending_of_kind(any_store, "agenda_update")
    with any_store.transaction() as tx:
        deliveries.claim(tx, update.notification_id, NOW)
    # Being sent: a slot given now gets a row of its own (it is no longer folded into this one).
    assert waiting() == (False, True)
    claimed = queries_deliveries.get(any_store, update.notification_id)
    assert claimed is not None
    assert (claimed.status, claimed.message_id) == ("in_progress", None)
