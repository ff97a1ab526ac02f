"""Scheduling's read model: tables kept from its own events, in the same transaction as the events.

`project` runs inside each command's transaction (live); `rebuild` replays the whole log into empty tables.
Both go through `apply`, so a rebuilt read model equals the live one by construction. The slot table holds
each slot's stream version: a repair that read it appends at the next version, and loses to any writer
that got in first (the log's unique (stream, version) key), so it never decides on a stale slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import REGISTRY, EventRegistry
from jobdating.contracts.scheduling import (
    CandidateCheckedIn,
    CandidateEnrolledInWorkshop,
    CandidateMarkedNoShow,
    InterviewCompleted,
    JobDatingFrozen,
    JobDatingPlanned,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopAttendanceRecorded,
    WorkshopScheduled,
)
from jobdating.eventstore.base import EventStore, StoredEvent, Transaction
from jobdating.eventstore.readmodel import rebuild_in_place
from jobdating.scheduling.adapters.facts import Reader
from jobdating.scheduling.adapters.tables import READ_MODEL_TABLES, from_ts, ts
from jobdating.scheduling.domain.state import AttendanceState, SlotState

PROJECTION = "scheduling-read-model"

_json = msgspec.json.Encoder()


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one of scheduling's own events to the read model."""
    env = event.envelope
    version = env.stream_version
    match event.data:
        case JobDatingPlanned() as e:
            tx.execute(
                "INSERT INTO sched_job_dating (job_dating_id, title, first_day, timezone, published_plan_id, "
                "frozen, version) VALUES (?, ?, ?, ?, NULL, 0, ?)",
                (e.job_dating_id, e.title, min(e.days).isoformat(), e.timezone, version),
            )
            return
        case PlanPublished() as e:
            tx.execute(
                "UPDATE sched_job_dating SET published_plan_id = ?, version = ? WHERE job_dating_id = ?",
                (e.plan_id, version, e.job_dating_id),
            )
            return
        case JobDatingFrozen() as e:
            tx.execute(
                "UPDATE sched_job_dating SET frozen = 1, version = ? WHERE job_dating_id = ?",
                (version, e.job_dating_id),
            )
            return
        case SlotAssigned() as e:
            tx.execute(
                "INSERT INTO sched_slot (slot_id, job_dating_id, candidate_id, company_id, site_id, "
                "computer_id, "
                "starts_at, ends_at, video_link, kind, wish_rank, from_waiting_list, status, cancel_reason, "
                "outcome, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned', NULL, NULL, ?)",
                (
                    e.slot_id,
                    e.job_dating_id,
                    e.candidate_id,
                    e.company_id,
                    e.site_id,
                    e.computer_id,
                    ts(e.starts_at),
                    ts(e.ends_at),
                    e.video_link,
                    e.kind,
                    e.wish_rank,
                    int(e.from_waiting_list),
                    version,
                ),
            )
            detail = {"computer_id": e.computer_id, "starts_at": ts(e.starts_at), "kind": e.kind}
            _change(tx, event, e.job_dating_id, e.slot_id, "assigned", None, detail)
        case SlotMoved() as e:
            tx.execute(
                "UPDATE sched_slot SET site_id = ?, computer_id = ?, starts_at = ?, ends_at = ?, version = ? "
                "WHERE slot_id = ?",
                (e.site_id, e.computer_id, ts(e.starts_at), ts(e.ends_at), version, e.slot_id),
            )
            detail = {
                "computer_id": e.computer_id,
                "starts_at": ts(e.starts_at),
                "previous_computer_id": e.previous_computer_id,
                "previous_starts_at": ts(e.previous_starts_at),
            }
            _change(tx, event, e.job_dating_id, e.slot_id, "moved", e.reason, detail)
        case SlotCancelled() as e:
            tx.execute(
                "UPDATE sched_slot SET status = 'cancelled', cancel_reason = ?, version = ? WHERE slot_id = "
                "?",
                (e.reason, version, e.slot_id),
            )
            _change(tx, event, e.job_dating_id, e.slot_id, "cancelled", e.reason, {})
        case InterviewCompleted() as e:
            tx.execute(
                "UPDATE sched_slot SET status = 'completed', outcome = ?, version = ? WHERE slot_id = ?",
                (e.outcome, version, e.slot_id),
            )
            _change(tx, event, e.job_dating_id, e.slot_id, "completed", None, {"outcome": e.outcome})
        case CandidateCheckedIn() as e:
            tx.execute(
                "INSERT INTO sched_attendance (job_dating_id, candidate_id, site_id, checked_in_at, no_show, "
                "no_show_at) VALUES (?, ?, ?, ?, 0, NULL) ON CONFLICT (job_dating_id, candidate_id) DO "
                "UPDATE "
                "SET site_id = excluded.site_id, checked_in_at = excluded.checked_in_at",
                (e.job_dating_id, e.candidate_id, e.site_id, ts(e.at)),
            )
        case CandidateMarkedNoShow() as e:
            tx.execute(
                "INSERT INTO sched_attendance (job_dating_id, candidate_id, site_id, checked_in_at, no_show, "
                "no_show_at) VALUES (?, ?, ?, NULL, 1, ?) ON CONFLICT (job_dating_id, candidate_id) DO "
                "UPDATE "
                "SET no_show = 1, no_show_at = excluded.no_show_at",
                (e.job_dating_id, e.candidate_id, e.site_id, ts(env.occurred_at)),
            )
        case WorkshopScheduled() as e:
            tx.execute(
                "INSERT INTO sched_workshop (workshop_id, job_dating_id, site_id, room_id, starts_at, "
                "ends_at, "
                "capacity, coach_ids, coach_orgs, enrolled, attendance_recorded) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
                (
                    e.workshop_id,
                    e.job_dating_id,
                    e.site_id,
                    e.room_id,
                    ts(e.starts_at),
                    ts(e.ends_at),
                    e.capacity,
                    _json.encode(e.coach_ids).decode(),
                    _json.encode(e.coach_orgs).decode(),
                ),
            )
        case CandidateEnrolledInWorkshop() as e:
            tx.execute(
                "INSERT INTO sched_workshop_seat (workshop_id, candidate_id, present) VALUES (?, ?, NULL)",
                (e.workshop_id, e.candidate_id),
            )
            tx.execute(
                "UPDATE sched_workshop SET enrolled = enrolled + 1 WHERE workshop_id = ?", (e.workshop_id,)
            )
        case WorkshopAttendanceRecorded() as e:
            for candidate_id, present in [(c, 1) for c in e.present] + [(c, 0) for c in e.absent]:
                tx.execute(
                    "UPDATE sched_workshop_seat SET present = ? WHERE workshop_id = ? AND candidate_id = ?",
                    (present, e.workshop_id, candidate_id),
                )
            tx.execute(
                "UPDATE sched_workshop SET attendance_recorded = 1 WHERE workshop_id = ?", (e.workshop_id,)
            )
    if env.stream_type == "job_dating":
        tx.execute(
            "UPDATE sched_job_dating SET version = ? WHERE job_dating_id = ?", (version, env.stream_id)
        )


def _change(
    tx: Transaction,
    event: RecordedEvent,
    job_dating_id: str,
    slot_id: str,
    change: str,
    reason: str | None,
    detail: dict[str, Any],
) -> None:
    env = event.envelope
    tx.execute(
        "INSERT INTO sched_slot_change (event_id, position, job_dating_id, slot_id, change, reason, detail, "
        "at, "
        "causation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            env.event_id,
            event.position,
            job_dating_id,
            slot_id,
            change,
            reason,
            _json.encode(detail).decode(),
            ts(env.occurred_at),
            env.causation_id,
        ),
    )


def project(tx: Transaction, stored: Sequence[StoredEvent], registry: EventRegistry = REGISTRY) -> None:
    """Apply events just appended in `tx` and move the read model's checkpoint with them."""
    for row in stored:
        apply(tx, registry.decode(decode_envelope(row.body), row.position))
    if stored:
        tx.set_checkpoint(PROJECTION, stored[-1].position)


def rebuild(store: EventStore, registry: EventRegistry = REGISTRY) -> int:
    """Empty the read model and replay the whole log into it (see `rebuild_in_place`)."""
    return rebuild_in_place(store, READ_MODEL_TABLES, apply, PROJECTION, registry)


def snapshot(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model in a stable order: what an audit or a rebuild test compares."""
    keys = {
        "sched_job_dating": "job_dating_id",
        "sched_slot": "slot_id",
        "sched_slot_change": "position",
        "sched_attendance": "job_dating_id, candidate_id",
        "sched_workshop": "workshop_id",
        "sched_workshop_seat": "workshop_id, candidate_id",
    }
    return {
        table: [tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in keys.items()
    }


# ---- reading the read model --------------------------------------------------------------------------

SLOT_COLUMNS = (
    "SELECT slot_id, status, version, job_dating_id, candidate_id, company_id, site_id, computer_id, "
    "starts_at, ends_at, kind, wish_rank, cancel_reason, outcome, video_link, from_waiting_list FROM "
    "sched_slot"
)
_SLOT = SLOT_COLUMNS


def slot_state(r: Any) -> SlotState:
    """A slot row as the decisions see a slot."""
    return SlotState(
        slot_id=r[0],
        status=r[1],
        version=int(r[2]),
        job_dating_id=r[3],
        candidate_id=r[4],
        company_id=r[5],
        site_id=r[6],
        computer_id=r[7],
        starts_at=from_ts(r[8]),
        ends_at=from_ts(r[9]),
        kind=r[10],
        wish_rank=r[11],
        cancel_reason=r[12],
        outcome=r[13],
    )


class SlotRow(msgspec.Struct, frozen=True):
    """A slot as the read model holds it: its state, its video link and whether it came from the waiting
    list."""

    state: SlotState
    video_link: str
    from_waiting_list: bool


def slot_rows(read: Reader, job_dating_id: str | None = None, slot_id: str | None = None) -> list[SlotRow]:
    """Slots of a job dating (or one slot), by time, with what the views show besides their state."""
    if slot_id is not None:
        rows = read(f"{SLOT_COLUMNS} WHERE slot_id = ?", (slot_id,))
    else:
        rows = read(f"{SLOT_COLUMNS} WHERE job_dating_id = ? ORDER BY starts_at, slot_id", (job_dating_id,))
    return [SlotRow(slot_state(r), r[14], bool(r[15])) for r in rows]


def active_slots(read: Reader, job_dating_id: str) -> list[SlotState]:
    """The job dating's slots still to take place or taking place (neither cancelled nor completed)."""
    rows = read(
        f"{_SLOT} WHERE job_dating_id = ? AND status = 'assigned' ORDER BY starts_at, slot_id",
        (job_dating_id,),
    )
    return [slot_state(r) for r in rows]


def slots(read: Reader, job_dating_id: str) -> list[SlotState]:
    """Every slot of a job dating, by time."""
    rows = read(f"{_SLOT} WHERE job_dating_id = ? ORDER BY starts_at, slot_id", (job_dating_id,))
    return [slot_state(r) for r in rows]


def job_datings_with_active_slots(read: Reader, column: str, value: str) -> list[str]:
    """Job datings where some active slot has `column` = `value` (a candidate, company, site, computer)."""
    assert column in ("candidate_id", "company_id", "site_id", "computer_id")
    rows = read(
        f"SELECT DISTINCT job_dating_id FROM sched_slot WHERE {column} = ? AND status = 'assigned' "
        "ORDER BY job_dating_id",
        (value,),
    )
    return [str(r[0]) for r in rows]


def published_job_datings(read: Reader) -> list[str]:
    """Job datings whose plan was published (the ones repairs and refills change)."""
    rows = read(
        "SELECT job_dating_id FROM sched_job_dating WHERE published_plan_id IS NOT NULL "
        "ORDER BY job_dating_id",
        (),
    )
    return [str(r[0]) for r in rows]


def attendance(read: Reader, job_dating_id: str, candidate_id: str) -> AttendanceState:
    """A candidate's attendance at one job dating."""
    rows = read(
        "SELECT checked_in_at, site_id, no_show FROM sched_attendance WHERE job_dating_id = ? AND "
        "candidate_id = ?",
        (job_dating_id, candidate_id),
    )
    if not rows:
        return AttendanceState()
    r = rows[0]
    return AttendanceState(checked_in_at=from_ts(r[0]) if r[0] else None, site_id=r[1], no_show=bool(r[2]))


def absent(read: Reader, job_dating_id: str) -> dict[str, datetime]:
    """Candidates marked as no-shows at a job dating, and when."""
    rows = read(
        "SELECT candidate_id, no_show_at FROM sched_attendance WHERE job_dating_id = ? AND no_show = 1",
        (job_dating_id,),
    )
    return {str(r[0]): from_ts(r[1]) for r in rows}


def room_taken(read: Reader, room_id: str, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a workshop session holds the room during [starts_at, ends_at)."""
    rows = read(
        "SELECT 1 FROM sched_workshop WHERE room_id = ? AND starts_at < ? AND ends_at > ?",
        (room_id, ts(ends_at), ts(starts_at)),
    )
    return bool(rows)
