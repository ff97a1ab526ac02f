"""Whether a message reached its recipient, as the people who follow them need it: computed at read time
from the send's status, the provider's receipt (`notif_receipt`) and how long ago it was sent.

- `delivered`: the provider said so;
- `failed`: it could not be sent (`status` failed), or the provider said it did not arrive;
- `unknown`: sent, and no receipt after `wait` (e-mail without a DSN, an SMS provider that kept quiet);
- `awaiting`: sent less than `wait` ago, no receipt yet;
- none: not sent (still queued, or deliberately skipped).

A sent row is never updated after its `sent` mark, so its `updated_at` is when it was sent.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from jobdating.eventstore.reading import Source, rows
from jobdating.notifications.application.instants import parse_ts, ts
from jobdating.notifications.application.queries_deliveries import Delivery

DeliveryState = Literal["delivered", "failed", "unknown", "awaiting"]
DELIVERY_STATES: tuple[DeliveryState, ...] = ("delivered", "failed", "unknown", "awaiting")
_RECEIPTS = "SELECT notification_id FROM notif_receipt WHERE state = ?"


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """A message's receipt as `notif_receipt` keeps it."""

    state: Literal["delivered", "undelivered"]
    reason: str | None
    receipt: str
    reported_at: datetime


class Reached(msgspec.Struct, frozen=True, kw_only=True):
    """A message's delivery state, why it failed (a code) and when the provider said so."""

    state: DeliveryState | None
    reason: str | None = None
    reported_at: datetime | None = None


def receipts(source: Source, notification_ids: Collection[str]) -> dict[str, Receipt]:
    """The receipts of these messages (those that have one)."""
    ids = list(notification_ids)
    found: dict[str, Receipt] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in rows(
            source,
            "SELECT notification_id, state, reason, receipt, reported_at FROM notif_receipt "
            f"WHERE notification_id IN ({marks})",
            chunk,
        ):
            found[str(r[0])] = Receipt(state=r[1], reason=r[2], receipt=r[3], reported_at=parse_ts(r[4]))
    return found


def reached(d: Delivery, receipt: Receipt | None, now: datetime, wait: timedelta) -> Reached:
    """Where a message stands for the person waiting for it (see the module's docstring)."""
    if receipt is not None and receipt.state == "delivered":
        return Reached(state="delivered", reported_at=receipt.reported_at)
    if receipt is not None:
        return Reached(state="failed", reason=receipt.reason, reported_at=receipt.reported_at)
    if d.status == "failed":
        return Reached(state="failed", reason=d.last_error)
    if d.status != "sent":
        return Reached(state=None)
    return Reached(state="unknown" if d.updated_at <= now - wait else "awaiting")


def counts(source: Source, now: datetime, wait: timedelta) -> dict[str, int]:
    """How many messages are in each delivery state."""
    found: dict[str, int] = {}
    for state in DELIVERY_STATES:
        where, params = condition(state, now, wait)
        found[state] = int(rows(source, f"SELECT COUNT(*) FROM notif_delivery WHERE {where}", params)[0][0])
    return found


def condition(state: DeliveryState, now: datetime, wait: timedelta) -> tuple[str, tuple[Any, ...]]:
    """The SQL condition (on `notif_delivery`) of the messages in one delivery state, and its parameters."""
    sent_before = ts(now - wait)
    if state == "delivered":
        return f"notification_id IN ({_RECEIPTS})", ("delivered",)
    if state == "failed":
        return f"(status = 'failed' OR notification_id IN ({_RECEIPTS}))", ("undelivered",)
    without = "status = 'sent' AND notification_id NOT IN (SELECT notification_id FROM notif_receipt)"
    if state == "unknown":
        return f"{without} AND updated_at <= ?", (sent_before,)
    return f"{without} AND updated_at > ?", (sent_before,)
