"""What happened on the day: changes to slots in log order, check-ins and no-shows, workshop sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from jobdating.eventstore.reading import struct_of
from jobdating.scheduling.application.instants import from_ts
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.errors import NotFound


@dataclass(frozen=True)
class ChangeView:
    """A change to a slot, in log order: assigned, moved, cancelled, completed, with its reason; `position`
    is its place in the log, to pass as `after` to read the changes that follow it. A change by hand is
    `by_hand` (its `detail`: what changed, the coordinator's reason and account, whether it was forced and
    the rules overridden), followed by the slot's own change."""

    slot_id: str
    change: str
    reason: str | None
    detail: dict[str, Any]
    at: datetime
    event_id: str
    causation_id: str | None
    position: int


@dataclass(frozen=True)
class AttendanceView:
    candidate_id: str
    site_id: str
    checked_in_at: datetime | None
    no_show: bool


@dataclass(frozen=True)
class WorkshopView:
    """A workshop session, its seats and (once recorded) who came."""

    workshop_id: str
    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    coach_ids: list[str]
    coach_orgs: list[str]
    enrolled: list[str]
    attendance_recorded: bool
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    cancelled: bool = False


_strings = msgspec.json.Decoder(list[str])
_detail = msgspec.json.Decoder(dict[str, Any])

_WORKSHOP = (
    "SELECT workshop_id, job_dating_id, site_id, room_id, starts_at, ends_at, capacity, coach_ids, "
    "coach_orgs, attendance_recorded FROM sched_workshop"
)


def changes(read: Reader, job_dating_id: str, after: int = 0, limit: int = 500) -> list[ChangeView]:
    """Changes to the job dating's slots in log order, those strictly after the log position `after` (the
    `position` of the last change read, to page through them)."""
    rows = read(
        "SELECT slot_id, change, reason, detail, at, event_id, causation_id, position FROM sched_slot_change "
        "WHERE job_dating_id = ? AND position > ? ORDER BY position LIMIT ?",
        (job_dating_id, after, limit),
    )
    return [struct_of(ChangeView, r, json=("detail",)) for r in rows]


def attendance(read: Reader, job_dating_id: str, site_id: str | None = None) -> list[AttendanceView]:
    """Who checked in or was marked absent."""
    sql = "SELECT candidate_id, site_id, checked_in_at, no_show FROM sched_attendance WHERE job_dating_id = ?"
    params: list[Any] = [job_dating_id]
    if site_id is not None:
        sql += " AND site_id = ?"
        params.append(site_id)
    rows = read(sql + " ORDER BY site_id, candidate_id", params)
    return [struct_of(AttendanceView, r) for r in rows]


def workshops(read: Reader, job_dating_id: str | None = None) -> list[WorkshopView]:
    """Workshop sessions (of one job dating), by start."""
    sql = _WORKSHOP
    params: tuple[Any, ...] = ()
    if job_dating_id is not None:
        sql += " WHERE job_dating_id = ?"
        params = (job_dating_id,)
    return [_workshop(read, r) for r in read(sql + " ORDER BY starts_at, workshop_id", params)]


def workshop(read: Reader, workshop_id: str) -> WorkshopView:
    """One workshop session."""
    rows = read(_WORKSHOP + " WHERE workshop_id = ?", (workshop_id,))
    if not rows:
        raise NotFound.on("workshop_id", "atelier inconnu")
    return _workshop(read, rows[0])


def _workshop(read: Reader, r: Any) -> WorkshopView:
    seats = read(
        "SELECT candidate_id, present FROM sched_workshop_seat WHERE workshop_id = ? ORDER BY candidate_id",
        (r[0],),
    )
    return WorkshopView(
        workshop_id=r[0],
        job_dating_id=r[1],
        site_id=r[2],
        room_id=r[3],
        starts_at=from_ts(r[4]),
        ends_at=from_ts(r[5]),
        capacity=int(r[6]),
        coach_ids=_strings.decode(r[7]),
        coach_orgs=_strings.decode(r[8]),
        enrolled=[s[0] for s in seats],
        attendance_recorded=bool(r[9]),
        present=[s[0] for s in seats if s[1] == 1],
        absent=[s[0] for s in seats if s[1] == 0],
        cancelled=bool(read("SELECT 1 FROM sched_workshop_cancelled WHERE workshop_id = ?", (r[0],))),
    )
