"""Reading back the delivery table (written by `adapters.deliveries`): one row per planned message and
where it stands.

pending -> in_progress (committed before the provider is called) -> sent | failed | skipped;
in_progress -> pending again only through reconciliation, when the message is known not to have gone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime
from typing import Any, Literal, TypedDict, Unpack

import msgspec

from jobdating.contracts.notifications import Channel, RecipientType
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.reading import Source, columns, rows, rows_for, struct_of
from jobdating.notifications.application.instants import parse_ts, ts
from jobdating.notifications.domain.messages import Change
from jobdating.notifications.domain.rules import SlotFacts

Status = Literal["pending", "in_progress", "sent", "failed", "skipped"]
STATUSES: tuple[Status, ...] = ("pending", "in_progress", "sent", "failed", "skipped")
_presented = msgspec.json.Decoder(list[SlotFacts])


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


COLUMNS = columns(Delivery)
"""The delivery row's columns as a `Delivery` reads them (what `adapters.deliveries` inserts)."""
_DELIVERY = f"SELECT {COLUMNS} FROM notif_delivery"


def get(source: Source, notification_id: str) -> Delivery | None:
    found = rows(source, f"{_DELIVERY} WHERE notification_id = ?", (notification_id,))
    return struct_of(Delivery, found[0]) if found else None


def get_many(source: Source, notification_ids: Collection[str]) -> dict[str, Delivery]:
    """Several messages by id, read together (those unknown are missing)."""
    found = rows_for(source, f"{_DELIVERY} WHERE notification_id IN ({{keys}})", notification_ids)
    return {d.notification_id: d for d in (struct_of(Delivery, r) for r in found)}


def due(
    store: EventStore,
    now: datetime,
    limit: int,
    in_flight: Callable[[str], bool] = lambda notification_id: False,
    *,
    waiting: Collection[str] = (),
    candidates_only: bool = False,
) -> Iterator[Delivery]:
    """Pending messages due at `now`, oldest due first (then first planned: a convocation before the
    change notices planned after it), decoded as they are taken: not those `in_flight` (by id), nor those
    after the last one taken (a backlog's rows are read at every send, and decoding them all was most of
    the cost of finding the next ones). Left out too: those to the recipients `waiting` (by id: someone
    with a message in flight) and, with `candidates_only`, those to anyone but a candidate. The index
    `notif_delivery_due_order` holds every column these read, so passing over the thousands of updates
    due at one instant to a few busy companies reads no table row (3 ms for 15,000, against 24 ms for
    sorting them at each look when the index held only the due time)."""
    skip = [r for r in waiting if r]
    found = store.query(
        f"{_DELIVERY} WHERE status = 'pending' AND due_at <= ? "
        + (f"AND recipient_id NOT IN ({', '.join('?' for _ in skip)}) " if skip else "")
        + ("AND recipient_type = 'candidate' " if candidates_only else "")
        + "ORDER BY due_at, created_at, notification_id LIMIT ?",
        (ts(now), *skip, limit),
    )
    for r in found:
        if not in_flight(r[_ID]):
            yield struct_of(Delivery, r)


_ID = Delivery.__struct_fields__.index("notification_id")


def pending_of_kind(source: Source, kind: str) -> list[Delivery]:
    """Every message of `kind` still waiting to go, due or not, oldest due first."""
    found = rows(
        source,
        f"{_DELIVERY} WHERE kind = ? AND status = 'pending' ORDER BY due_at, created_at, notification_id",
        (kind,),
    )
    return [struct_of(Delivery, r) for r in found]


def answered(source: Source, provider_message_id: str) -> Delivery | None:
    """The SMS to a candidate that the provider knows by `provider_message_id` (what a reply answers)."""
    found = rows(
        source,
        f"{_DELIVERY} WHERE provider_message_id = ? AND channel = 'sms' AND recipient_type = 'candidate'",
        (provider_message_id,),
    )
    return struct_of(Delivery, found[0]) if found else None


def siblings(source: Source, d: Delivery) -> list[Delivery]:
    """The same message on the person's other channels (same cause, recipient and kind)."""
    found = rows(
        source,
        f"{_DELIVERY} WHERE cause_event_id = ? AND recipient_type = ? AND recipient_id = ? AND kind = ? "
        "AND notification_id <> ?",
        (d.cause_event_id, d.recipient_type, d.recipient_id, d.kind, d.notification_id),
    )
    return [struct_of(Delivery, r) for r in found]


def presented(source: Source, notification_id: str) -> list[SlotFacts]:
    """The slots an in-progress message shows (recorded when it was marked in progress)."""
    found = rows(source, "SELECT presented FROM notif_delivery WHERE notification_id = ?", (notification_id,))
    if not found or not found[0][0]:
        return []
    return _presented.decode(found[0][0])


def reminded_between(source: Source, d: Delivery, start: datetime, end: datetime) -> bool:
    """Whether `d`'s recipient already had (or is being sent) a reminder of `d`'s kind on `d`'s channel for
    a slot starting in [start, end): the reminder of that day, planned by another of their slots."""
    found = rows(
        source,
        "SELECT 1 FROM notif_delivery d JOIN notif_slot s ON s.slot_id = d.subject_id "
        "WHERE d.recipient_type = ? AND d.recipient_id = ? AND d.channel = ? AND d.kind = ? "
        "AND d.notification_id <> ? AND d.status IN ('sent', 'in_progress') "
        "AND s.starts_at >= ? AND s.starts_at < ? LIMIT 1",
        (d.recipient_type, d.recipient_id, d.channel, d.kind, d.notification_id, ts(start), ts(end)),
    )
    return bool(found)


def still_to_go(source: Source, d: Delivery, kinds: Sequence[str]) -> list[Delivery]:
    """The messages of `kinds` to `d`'s recipient on `d`'s channel not gone yet (pending or being sent):
    those `d` may carry, or wait for (one message per person per moment, `domain.moments`)."""
    if not kinds:
        return []
    marks = ", ".join("?" for _ in kinds)
    found = rows(
        source,
        f"{_DELIVERY} WHERE recipient_type = ? AND recipient_id = ? AND channel = ? "
        f"AND status IN ('pending', 'in_progress') AND notification_id <> ? AND kind IN ({marks})",
        (d.recipient_type, d.recipient_id, d.channel, d.notification_id, *kinds),
    )
    return [struct_of(Delivery, r) for r in found]


def waiting_to_go(
    source: Source, recipient_type: str, recipient_id: str, channel: str, kind: str, job_dating_id: str | None
) -> bool:
    """Whether a message of `kind` to this recipient, on this channel, about this job dating waits to go
    (pending, not being sent)."""
    return _to_go(source, ("pending",), recipient_type, recipient_id, channel, kind, job_dating_id)


def waiting_or_going(
    source: Source, recipient_type: str, recipient_id: str, channel: str, kind: str, job_dating_id: str | None
) -> bool:
    """`waiting_to_go`, or being sent."""
    return _to_go(
        source, ("pending", "in_progress"), recipient_type, recipient_id, channel, kind, job_dating_id
    )


def _to_go(
    source: Source,
    statuses: Sequence[str],
    recipient_type: str,
    recipient_id: str,
    channel: str,
    kind: str,
    job_dating_id: str | None,
) -> bool:
    marks = ", ".join("?" for _ in statuses)
    # Not `IS ?`: SQLite takes it, PostgreSQL does not.
    about = "job_dating_id IS NULL" if job_dating_id is None else "job_dating_id = ?"
    found = rows(
        source,
        f"SELECT 1 FROM notif_delivery WHERE recipient_id = ? AND channel = ? AND status IN ({marks}) "
        f"AND kind = ? AND recipient_type = ? AND {about} LIMIT 1",
        (recipient_id, channel, *statuses, kind, recipient_type)
        + (() if job_dating_id is None else (job_dating_id,)),
    )
    return bool(found)


def last_went(
    source: Source,
    recipient_type: str,
    recipient_id: str,
    channel: str,
    kinds: Sequence[str],
    other_than: str = "",
) -> datetime | None:
    """When the last message of `kinds` to this recipient on this channel (other than `other_than`) went:
    sent, or marked in progress (being sent); None if none did."""
    marks = ", ".join("?" for _ in kinds)
    found = rows(
        source,
        "SELECT MAX(updated_at) FROM notif_delivery WHERE recipient_id = ? AND channel = ? "
        "AND recipient_type = ? AND status IN ('sent', 'in_progress') AND notification_id <> ? "
        f"AND kind IN ({marks})",
        (recipient_id, channel, recipient_type, other_than, *kinds),
    )
    return parse_ts(found[0][0]) if found and found[0][0] is not None else None


def merged_into(source: Source, carrier_id: str) -> list[Delivery]:
    """The messages an in-progress message carries (recorded when it was marked in progress) that are still
    to go: a reconciled carrier settles them as a sent one does."""
    found = rows(
        source,
        f"{_DELIVERY} WHERE status = 'pending' AND notification_id IN "
        "(SELECT notification_id FROM notif_merged WHERE carrier_id = ?)",
        (carrier_id,),
    )
    return [struct_of(Delivery, r) for r in found]


def carrier_of(source: Source, d: Delivery) -> Delivery | None:
    """The message that carries `d` (recorded when it was marked in progress), when it has not ended: `d`
    waits for it (a carrier sent again after a crash, with its SMS's idempotency key, carries `d` again)."""
    found = rows(
        source,
        f"{_DELIVERY} WHERE status IN ('pending', 'in_progress') AND notification_id = "
        "(SELECT carrier_id FROM notif_merged WHERE notification_id = ?)",
        (d.notification_id,),
    )
    return struct_of(Delivery, found[0]) if found else None


def in_progress_since(store: EventStore, before: datetime) -> list[Delivery]:
    """Messages in progress since before `before`: their send crashed or timed out."""
    found = store.query(f"{_DELIVERY} WHERE status = 'in_progress' AND updated_at < ?", (ts(before),))
    return [struct_of(Delivery, r) for r in found]


class DeliveryFilters(TypedDict, total=False):
    """What a listing of messages may be narrowed to (each filter given must match)."""

    status: str | None
    kind: str | None
    channel: str | None
    subject_id: str | None
    recipient_type: str | None
    recipient_id: str | None


def listing(
    store: EventStore,
    *,
    limit: int = 100,
    offset: int = 0,
    condition: tuple[str, tuple[Any, ...]] | None = None,
    **filters: Unpack[DeliveryFilters],
) -> list[Delivery]:
    """Messages matching every given filter (and `condition`, SQL with its parameters), most recently
    changed first."""
    # The filters' names become column names: only the declared ones may.
    if unknown := filters.keys() - DeliveryFilters.__optional_keys__:
        raise TypeError(f"unknown delivery filters: {sorted(unknown)}")
    given = {column: value for column, value in filters.items() if value is not None}
    where = [f"{column} = ?" for column in given]
    params: list[Any] = list(given.values())
    if condition is not None:
        where.append(condition[0])
        params += condition[1]
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    found = store.query(
        f"{_DELIVERY} {clause}ORDER BY updated_at DESC, notification_id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [struct_of(Delivery, r) for r in found]


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


def carriers(store: EventStore, notification_ids: Sequence[str]) -> dict[str, str]:
    """The channel that carried each of these messages, for those not carried by their planned one."""
    if not notification_ids:
        return {}
    marks = ", ".join("?" * len(notification_ids))
    found = store.query(
        f"SELECT notification_id, channel FROM notif_carried WHERE notification_id IN ({marks})",
        tuple(notification_ids),
    )
    return {str(r[0]): str(r[1]) for r in found}
