"""The delivery table's writes: one row per planned message (its idempotency key is UNIQUE) and its state,
each in the caller's transaction. Read back by `application.queries_deliveries`; the application reaches
these through the `DeliveryWrites` port.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import msgspec

from jobdating.eventstore.base import Transaction
from jobdating.notifications.application.instants import ts
from jobdating.notifications.application.queries_deliveries import COLUMNS
from jobdating.notifications.domain.messages import PlannedMessage
from jobdating.notifications.domain.rules import SlotFacts

_presented = msgspec.json.Encoder()


def insert(tx: Transaction, message: PlannedMessage, correlation_id: str, now: datetime) -> None:
    """Record a planned message; the same idempotency key planned again (a redelivery) changes nothing."""
    tx.execute(
        f"INSERT INTO notif_delivery ({COLUMNS}) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, NULL, NULL, NULL, NULL, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (
            message.notification_id,
            message.cause_event_id,
            correlation_id,
            message.recipient.type,
            message.recipient.id,
            message.channel,
            message.kind,
            message.subject_id,
            message.job_dating_id,
            message.expects,
            ts(message.due_at),
            ts(now),
            ts(now),
        ),
    )


def insert_unless_pending(
    tx: Transaction, message: PlannedMessage, correlation_id: str, now: datetime
) -> bool:
    """Record a planned message unless one of the same kind about the same subject, to the same recipient,
    still waits to go (it will say this too: messages of one moment go as one); True when inserted."""
    pending = tx.execute(
        "SELECT 1 FROM notif_delivery WHERE kind = ? AND subject_id = ? AND recipient_type = ? "
        "AND channel = ? AND status = 'pending' LIMIT 1",
        (message.kind, message.subject_id, message.recipient.type, message.channel),
    ).fetchall()
    if pending:
        return False
    insert(tx, message, correlation_id, now)
    return True


def claim(tx: Transaction, notification_id: str, now: datetime) -> None:
    """In progress before its content is read; the message id comes with `mark_in_progress`, just before
    the provider is called (none: the provider was never called for this attempt)."""
    tx.execute(
        "UPDATE notif_delivery SET status = 'in_progress', message_id = NULL, updated_at = ? "
        "WHERE notification_id = ?",
        (ts(now), notification_id),
    )


def mark_in_progress(
    tx: Transaction,
    notification_id: str,
    message_id: str,
    presented: Sequence[SlotFacts],
    now: datetime,
    carried: Sequence[str] = (),
) -> None:
    """Committed before the provider is called: from now on, a crash leads to reconciliation.

    `presented` (the slots the message shows, as shown) and `carried` (the messages of the same moment it
    tells too) are kept so that a reconciled message records what its recipient was told exactly as a
    sent one does.
    """
    tx.execute(
        "UPDATE notif_delivery SET status = 'in_progress', attempts = attempts + 1, message_id = ?, "
        "presented = ?, updated_at = ? WHERE notification_id = ?",
        (message_id, _presented.encode(list(presented)).decode(), ts(now), notification_id),
    )
    # What an earlier attempt carried is forgotten: this attempt says what it carries.
    tx.execute("DELETE FROM notif_merged WHERE carrier_id = ?", (notification_id,))
    # Upsert: a message another carrier's attempt carried before is this one's now. One statement for
    # all: a recruiter's update at an interval's end carries hundreds, and this commit holds the loop.
    tx.executemany(
        "INSERT INTO notif_merged (notification_id, carrier_id) VALUES (?, ?) "
        "ON CONFLICT (notification_id) DO UPDATE SET carrier_id = excluded.carrier_id",
        [(other, notification_id) for other in carried],
    )


def mark_pending(tx: Transaction, notification_id: str, due_at: datetime, now: datetime) -> None:
    """Back to the queue, due at `due_at` (quiet hours, a send known not to have happened)."""
    tx.execute(
        "UPDATE notif_delivery SET status = 'pending', due_at = ?, updated_at = ? WHERE notification_id = ?",
        (ts(due_at), ts(now), notification_id),
    )


def mark_retry(
    tx: Transaction, notification_id: str, due_at: datetime, now: datetime, attempts: int, error: str
) -> None:
    """Back to the queue after a temporary failure, due at `due_at`, with the attempts counted and why."""
    tx.execute(
        "UPDATE notif_delivery SET status = 'pending', due_at = ?, attempts = ?, last_error = ?, "
        "updated_at = ? WHERE notification_id = ?",
        (ts(due_at), attempts, error, ts(now), notification_id),
    )


# A message's last state; kept provider id and error unless the new mark brings its own.
_FINAL = (
    "UPDATE notif_delivery SET status = ?, provider_message_id = COALESCE(?, provider_message_id), "
    "reason = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE notification_id = ?"
)


def mark_final(
    tx: Transaction,
    notification_id: str,
    status: Literal["sent", "failed", "skipped"],
    now: datetime,
    *,
    provider_message_id: str | None = None,
    reason: str | None = None,
    error: str | None = None,
    carried_by: str | None = None,
) -> None:
    tx.execute(_FINAL, (status, provider_message_id, reason, error, ts(now), notification_id))
    if carried_by is not None:
        # Upsert: a reconciled resend records the same carrier again.
        tx.execute(
            "INSERT INTO notif_carried (notification_id, channel) VALUES (?, ?) "
            "ON CONFLICT (notification_id) DO UPDATE SET channel = excluded.channel",
            (notification_id, carried_by),
        )


def skip_all(tx: Transaction, notification_ids: Sequence[str], now: datetime, reason: str) -> None:
    """`mark_final` skipped, for reason, of many messages in one statement (those a carrier told)."""
    at = ts(now)
    tx.executemany(_FINAL, [("skipped", None, reason, None, at, nid) for nid in notification_ids])


def tell_with(tx: Transaction, notification_id: str, candidate_ids: Sequence[str]) -> None:
    """Keep the other candidates a counsellor's notice tells of (its resend says them again)."""
    for candidate_id in candidate_ids:
        tx.execute(
            "INSERT INTO notif_call_group (notification_id, candidate_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (notification_id, candidate_id),
        )


def set_recipient(tx: Transaction, notification_id: str, recipient_id: str) -> None:
    """Fill in a recipient resolved at send time (a counsellor unknown when the message was planned)."""
    tx.execute(
        "UPDATE notif_delivery SET recipient_id = ? WHERE notification_id = ?",
        (recipient_id, notification_id),
    )


def reschedule(tx: Transaction, subject_id: str, kind: str, due_at: datetime, now: datetime) -> None:
    """Move a slot's pending reminder of one kind to a new time (the interview moved)."""
    tx.execute(
        "UPDATE notif_delivery SET due_at = ?, updated_at = ? WHERE subject_id = ? AND kind = ? "
        "AND status = 'pending'",
        (ts(due_at), ts(now), subject_id, kind),
    )


def release(tx: Transaction, cause_event_id: str, kind: str, due_at: datetime, now: datetime) -> None:
    """Make a plan's pending agendas due (every slot of the plan has arrived)."""
    tx.execute(
        "UPDATE notif_delivery SET due_at = ?, updated_at = ? WHERE cause_event_id = ? AND kind = ? "
        "AND status = 'pending' AND due_at > ?",
        (ts(due_at), ts(now), cause_event_id, kind, ts(due_at)),
    )


def retry(tx: Transaction, notification_id: str, now: datetime) -> bool:
    """Put a failed message back in the queue with fresh retries; False when it is not failed."""
    cur = tx.execute(
        "UPDATE notif_delivery SET status = 'pending', due_at = ?, attempts = 0, reason = NULL, "
        "updated_at = ? "
        "WHERE notification_id = ? AND status = 'failed'",
        (ts(now), ts(now), notification_id),
    )
    return bool(cur.rowcount)
