"""Scheduling's read model: tables kept from its own events, in the same transaction as the events.

`project` runs inside each command's transaction (live); `rebuild` replays the whole log into empty tables.
Both go through `apply`, so a rebuilt read model equals the live one by construction. The slot table holds
each slot's stream version: a repair that read it appends at the next version, and loses to any writer
that got in first (the log's unique (stream, version) key), so it never decides on a stale slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registry import REGISTRY, EventRegistry
from jobdating.contracts.scheduling import (
    CandidateArrivedLate,
    CandidateCheckedIn,
    CandidateMarkedNoShow,
    InterviewChangedByHand,
    InterviewCompleted,
    InterviewNoteWritten,
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
from jobdating.eventstore.projecting import project_appended
from jobdating.eventstore.readmodel import rebuild_in_place
from jobdating.eventstore.slots import (
    SLOT_COLUMNS,
    WORKSHOP_COLUMNS,
    apply_slot_change,
    values,
)
from jobdating.scheduling.adapters import projections_prep, projections_waiting
from jobdating.scheduling.adapters.tables import READ_MODEL_TABLES
from jobdating.scheduling.application.instants import ts

PROJECTION = "scheduling-read-model"

_json = msgspec.json.Encoder()


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one of scheduling's own events to the read model."""
    env = event.envelope
    version = env.stream_version
    projections_waiting.apply(tx, event.data)
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
                f"INSERT INTO sched_slot ({SLOT_COLUMNS}, wish_rank, from_waiting_list, status, "
                "cancel_reason, outcome, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned', NULL, NULL, ?)",
                (*values(SLOT_COLUMNS, e, ts), e.wish_rank, int(e.from_waiting_list), version),
            )
            if e.place != "site":
                tx.execute(
                    "INSERT INTO sched_slot_place (slot_id, place, address) VALUES (?, ?, ?)",
                    (e.slot_id, e.place, e.address),
                )
            detail = {"computer_id": e.computer_id, "starts_at": ts(e.starts_at), "kind": e.kind}
            _change(tx, event, e.job_dating_id, e.slot_id, "assigned", None, detail)
        case SlotMoved() as e:
            apply_slot_change(tx, "sched_slot", event, ts)
            detail = {
                "computer_id": e.computer_id,
                "starts_at": ts(e.starts_at),
                "previous_computer_id": e.previous_computer_id,
                "previous_starts_at": ts(e.previous_starts_at),
            }
            _change(tx, event, e.job_dating_id, e.slot_id, "moved", e.reason, detail)
        case SlotCancelled() as e:
            apply_slot_change(tx, "sched_slot", event, ts)
            _change(tx, event, e.job_dating_id, e.slot_id, "cancelled", e.reason, {})
        case InterviewCompleted() as e:
            apply_slot_change(tx, "sched_slot", event, ts)
            _change(tx, event, e.job_dating_id, e.slot_id, "completed", None, {"outcome": e.outcome})
        case InterviewNoteWritten() as e:
            # The slot's stream moved on: a repair reading its version must append after the note.
            tx.execute("UPDATE sched_slot SET version = ? WHERE slot_id = ?", (version, e.slot_id))
            tx.execute(
                "INSERT INTO sched_slot_note (note_id, job_dating_id, slot_id, candidate_id, company_id, "
                "author_org, author_role, author_id, written_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.note_id,
                    e.job_dating_id,
                    e.slot_id,
                    e.candidate_id,
                    e.company_id,
                    e.author_org,
                    e.author_role,
                    env.actor_id,
                    ts(env.occurred_at),
                    e.note,
                ),
            )
        case InterviewChangedByHand() as e:
            # The coordinator's decision comes first in the feed, the slot's change (caused by it) next.
            decided: dict[str, Any] = {
                "change": e.change,
                "reason": e.reason,
                "forced": e.forced,
                "overridden": [{"rule": r.rule, "says": r.says} for r in e.overridden],
                "actor_id": env.actor_id,
                "candidate_id": e.candidate_id,
                "company_id": e.company_id,
            }
            _change(tx, event, e.job_dating_id, e.slot_id, "by_hand", "coordinator", decided)
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
        case CandidateArrivedLate() as e:
            tx.execute(
                "UPDATE sched_attendance SET site_id = ?, checked_in_at = ?, no_show = 0, no_show_at = NULL "
                "WHERE job_dating_id = ? AND candidate_id = ?",
                (e.site_id, ts(e.at), e.job_dating_id, e.candidate_id),
            )
        case WorkshopScheduled() as e:
            tx.execute(
                f"INSERT INTO sched_workshop ({WORKSHOP_COLUMNS}, enrolled, attendance_recorded) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
                values(WORKSHOP_COLUMNS, e, ts),
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
        case _:
            projections_prep.apply(tx, event)
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
    project_appended(tx, stored, apply, PROJECTION, registry)


def rebuild(store: EventStore, registry: EventRegistry = REGISTRY) -> int:
    """Empty the read model and replay the whole log into it (see `rebuild_in_place`)."""
    return rebuild_in_place(store, READ_MODEL_TABLES, apply, PROJECTION, registry)


def snapshot(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model in a stable order: what an audit or a rebuild test compares."""
    keys = {
        "sched_job_dating": "job_dating_id",
        "sched_slot": "slot_id",
        "sched_slot_place": "slot_id",
        "sched_slot_change": "position",
        "sched_attendance": "job_dating_id, candidate_id",
        "sched_workshop": "workshop_id",
        "sched_workshop_seat": "workshop_id, candidate_id",
        "sched_waiting": "job_dating_id, candidate_id",
        "sched_workshop_cancelled": "workshop_id",
        "sched_counselling": "interview_id",
    }
    return {
        table: [tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in keys.items()
    }
