"""What happened on the day: changes to slots in log order, check-ins and no-shows, workshop sessions, the
notes written on interviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobdating.eventstore.reading import columns, struct_of
from jobdating.eventstore.slots import WORKSHOP_COLUMNS
from jobdating.runtime.placements import Session
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
class WorkshopView(Session):
    """A workshop session, its seats and (once recorded) who came."""

    enrolled: list[str]
    attendance_recorded: bool
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    cancelled: bool = False


_WORKSHOP = f"SELECT {WORKSHOP_COLUMNS}, attendance_recorded FROM sched_workshop"


@dataclass(frozen=True)
class InterviewNoteView:
    """A note on an interview, as its author's organisation reads it."""

    note_id: str
    slot_id: str
    candidate_id: str
    company_id: str
    author_role: str
    author_id: str
    written_at: datetime
    note: str


def interview_notes(read: Reader, job_dating_id: str, author_org: str | None) -> list[InterviewNoteView]:
    """The notes on a job dating's interviews written for `author_org` (None: every note, for the
    coordination), oldest first."""
    sql = f"SELECT {columns(InterviewNoteView)} FROM sched_slot_note WHERE job_dating_id = ?"
    params: tuple[str, ...] = (job_dating_id,)
    if author_org is not None:
        sql, params = sql + " AND author_org = ?", (job_dating_id, author_org)
    rows = read(sql + " ORDER BY written_at, note_id", params)
    return [struct_of(InterviewNoteView, r) for r in rows]


def interview_note(read: Reader, note_id: str) -> InterviewNoteView:
    """One note, as just written."""
    rows = read(f"SELECT {columns(InterviewNoteView)} FROM sched_slot_note WHERE note_id = ?", (note_id,))
    if not rows:
        raise NotFound.on("note_id", "note inconnue")
    return struct_of(InterviewNoteView, rows[0])


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
    # The stored columns first, then the seats and whether the session was called off, in field order.
    row = (
        *r[:9],
        [s[0] for s in seats],
        r[9],
        [s[0] for s in seats if s[1] == 1],
        [s[0] for s in seats if s[1] == 0],
        bool(read("SELECT 1 FROM sched_workshop_cancelled WHERE workshop_id = ?", (r[0],))),
    )
    return struct_of(WorkshopView, row, json=("coach_ids", "coach_orgs"))
