"""Interview slots and workshops, as the services that keep a copy of the plan store them: scheduling (its own
events) and notifications (to write convocations). The columns both copies share are named here once, with
the values an event gives them and the updates both make to a slot; each service adds its own columns
(scheduling the wish rank, notifications nothing more) and stores instants its own way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.scheduling import (
    InterviewCompleted,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopScheduled,
)
from jobdating.eventstore.base import Transaction

Stamp = Callable[[datetime], str]
"""How a service writes an instant in its tables."""

_json = msgspec.json.Encoder()

SLOT_COLUMNS = (
    "slot_id, job_dating_id, candidate_id, company_id, site_id, computer_id, starts_at, ends_at, "
    "video_link, kind"
)
"""The columns every copy of a slot starts with, named as `SlotAssigned`'s fields."""

SLOT_COLUMNS_DDL = """slot_id TEXT PRIMARY KEY,
        job_dating_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        company_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        computer_id TEXT,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        video_link TEXT NOT NULL,
        kind TEXT NOT NULL"""
"""The DDL of `SLOT_COLUMNS`, for a service's `CREATE TABLE`."""

WORKSHOP_COLUMNS = (
    "workshop_id, job_dating_id, site_id, room_id, starts_at, ends_at, capacity, coach_ids, coach_orgs"
)
"""The columns every copy of a workshop starts with, named as `WorkshopScheduled`'s fields."""

WORKSHOP_COLUMNS_DDL = """workshop_id TEXT PRIMARY KEY,
        job_dating_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        coach_ids TEXT NOT NULL,
        coach_orgs TEXT NOT NULL"""
"""The DDL of `WORKSHOP_COLUMNS`, for a service's `CREATE TABLE`."""


def values(columns: str, event: SlotAssigned | WorkshopScheduled, ts: Stamp) -> tuple[Any, ...]:
    """The values of `columns` (`SLOT_COLUMNS` or `WORKSHOP_COLUMNS`, named as the event's fields) in
    `event`: instants written by `ts`, the coaches' lists as JSON text."""
    return tuple(_stored(getattr(event, name), ts) for name in columns.split(", "))


def _stored(value: Any, ts: Stamp) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, tuple):
        return _json.encode(value).decode()
    return value


def apply_slot_change(tx: Transaction, table: str, event: RecordedEvent, ts: Stamp) -> bool:
    """Apply a move, a cancellation or an outcome to the slot's row in `table`, with the event's stream
    version; says whether the event was one of those (an assignment is each service's own insert)."""
    version = event.envelope.stream_version
    match event.data:
        case SlotMoved() as e:
            tx.execute(
                f"UPDATE {table} SET site_id = ?, computer_id = ?, starts_at = ?, ends_at = ?, version = ? "
                "WHERE slot_id = ?",
                (e.site_id, e.computer_id, ts(e.starts_at), ts(e.ends_at), version, e.slot_id),
            )
        case SlotCancelled() as e:
            tx.execute(
                f"UPDATE {table} SET status = 'cancelled', cancel_reason = ?, version = ? WHERE slot_id = ?",
                (e.reason, version, e.slot_id),
            )
        case InterviewCompleted() as e:
            tx.execute(
                f"UPDATE {table} SET status = 'completed', outcome = ?, version = ? WHERE slot_id = ?",
                (e.outcome, version, e.slot_id),
            )
        case _:
            return False
    return True
