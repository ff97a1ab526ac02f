"""The delivery table: one row per planned message (its idempotency key is UNIQUE) and its state.

pending -> in_progress (committed before the provider is called) -> sent | failed | skipped;
in_progress -> pending again only through reconciliation, when the message is known not to have gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import msgspec

from jobdating.contracts.notifications import Channel, RecipientType
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.notifications.adapters.projections import Source, rows
from jobdating.notifications.application.instants import parse_ts, ts
from jobdating.notifications.domain.messages import Change, PlannedMessage
from jobdating.notifications.domain.rules import SlotFacts

Status = Literal["pending", "in_progress", "sent", "failed", "skipped"]
STATUSES: tuple[Status, ...] = ("pending", "in_progress", "sent", "failed", "skipped")
_presented = msgspec.json.Encoder()
_presented_decoder = msgspec.json.Decoder(list[SlotFacts])


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """A planned message and where it stands; nothing in it identifies a person beyond an id."""

    notification_id: str
    cause_event_id: str
    correlation_id: str
    recipient_type: RecipientType
    recipient_id: str
    channel: Channel
    kind: str
    subject_id: str
    job_dating_id: str | None
    expects: Change | None
    status: Status
    due_at: datetime
    attempts: int
    message_id: str | None
    provider_message_id: str | None
    reason: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = (
    "notification_id, cause_event_id, correlation_id, recipient_type, recipient_id, channel, kind, "
    "subject_id, job_dating_id, expects, status, due_at, attempts, message_id, provider_message_id, reason, "
    "last_error, created_at, updated_at"
)


def insert(tx: Transaction, message: PlannedMessage, correlation_id: str, now: datetime) -> None:
    """Record a planned message; the same idempotency key planned again (a redelivery) changes nothing."""
    tx.execute(
        f"INSERT INTO notif_delivery ({_COLUMNS}) VALUES "
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


def get(source: Source, notification_id: str) -> Delivery | None:
    found = rows(
        source, f"SELECT {_COLUMNS} FROM notif_delivery WHERE notification_id = ?", (notification_id,)
    )
    return _delivery(found[0]) if found else None


def due(store: EventStore, now: datetime, limit: int) -> list[Delivery]:
    """Pending messages due at `now`, oldest due first."""
    found = store.query(
        f"SELECT {_COLUMNS} FROM notif_delivery WHERE status = 'pending' AND due_at <= ? "
        "ORDER BY due_at, notification_id LIMIT ?",
        (ts(now), limit),
    )
    return [_delivery(r) for r in found]


def mark_in_progress(
    tx: Transaction, notification_id: str, message_id: str, presented: Sequence[SlotFacts], now: datetime
) -> None:
    """Committed before the provider is called: from now on, a crash leads to reconciliation.

    `presented` (the slots the message shows, as shown) is kept so that a reconciled message records
    what its recipient was told exactly as a sent one does.
    """
    tx.execute(
        "UPDATE notif_delivery SET status = 'in_progress', attempts = attempts + 1, message_id = ?, "
        "presented = ?, updated_at = ? WHERE notification_id = ?",
        (message_id, _presented.encode(list(presented)).decode(), ts(now), notification_id),
    )


def presented(source: Source, notification_id: str) -> list[SlotFacts]:
    """The slots an in-progress message shows (recorded when it was marked in progress)."""
    found = rows(source, "SELECT presented FROM notif_delivery WHERE notification_id = ?", (notification_id,))
    if not found or not found[0][0]:
        return []
    return _presented_decoder.decode(found[0][0])


def in_progress_since(store: EventStore, before: datetime) -> list[Delivery]:
    """Messages in progress since before `before`: their send crashed or timed out."""
    found = store.query(
        f"SELECT {_COLUMNS} FROM notif_delivery WHERE status = 'in_progress' AND updated_at < ?",
        (ts(before),),
    )
    return [_delivery(r) for r in found]


def mark_pending(
    tx: Transaction,
    notification_id: str,
    due_at: datetime,
    now: datetime,
    *,
    attempts: int | None = None,
    error: str | None = None,
) -> None:
    """Back to the queue, due at `due_at` (quiet hours, a retry, a send known not to have happened)."""
    tx.execute(
        "UPDATE notif_delivery SET status = 'pending', due_at = ?, attempts = COALESCE(?, attempts), "
        "last_error = COALESCE(?, last_error), updated_at = ? WHERE notification_id = ?",
        (ts(due_at), attempts, error, ts(now), notification_id),
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
) -> None:
    tx.execute(
        "UPDATE notif_delivery SET status = ?, provider_message_id = COALESCE(?, provider_message_id), "
        "reason = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE notification_id = ?",
        (status, provider_message_id, reason, error, ts(now), notification_id),
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


def listing(
    store: EventStore,
    *,
    status: str | None = None,
    kind: str | None = None,
    channel: str | None = None,
    subject_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Delivery]:
    """Messages matching every given filter, most recently changed first."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("status", status),
        ("kind", kind),
        ("channel", channel),
        ("subject_id", subject_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    found = store.query(
        f"SELECT {_COLUMNS} FROM notif_delivery {clause}ORDER BY updated_at DESC, notification_id "
        "LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [_delivery(r) for r in found]


def message_ids_to(source: Source, recipient_type: str, recipient_id: str) -> list[str]:
    """The Message-ID (e-mail) or idempotency key (SMS) of every message handed to a channel for someone."""
    found = rows(
        source,
        "SELECT message_id FROM notif_delivery WHERE recipient_type = ? AND recipient_id = ? "
        "AND message_id IS NOT NULL",
        (recipient_type, recipient_id),
    )
    return [str(r[0]) for r in found]


def counts(store: EventStore) -> dict[str, int]:
    """How many messages are in each state."""
    found = store.query("SELECT status, COUNT(*) FROM notif_delivery GROUP BY status", ())
    return dict.fromkeys(STATUSES, 0) | {str(r[0]): int(r[1]) for r in found}


def _delivery(r: Any) -> Delivery:
    return Delivery(
        notification_id=r[0],
        cause_event_id=r[1],
        correlation_id=r[2],
        recipient_type=r[3],
        recipient_id=r[4],
        channel=r[5],
        kind=r[6],
        subject_id=r[7],
        job_dating_id=r[8],
        expects=r[9],
        status=r[10],
        due_at=parse_ts(r[11]),
        attempts=int(r[12]),
        message_id=r[13],
        provider_message_id=r[14],
        reason=r[15],
        last_error=r[16],
        created_at=parse_ts(r[17]),
        updated_at=parse_ts(r[18]),
    )
