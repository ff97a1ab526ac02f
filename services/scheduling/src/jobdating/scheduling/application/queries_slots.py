"""Reading scheduling's read model back (written by `adapters.projections`): slots, attendance, rooms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from jobdating.eventstore.reading import columns, struct_of
from jobdating.scheduling.application.instants import from_ts, ts
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.state import AttendanceState, SlotState

# A slot's state, then what the views show besides it.
_STATE_COLUMNS = ", ".join(
    f"s.{name}" for name in SlotState.__struct_fields__ if name not in ("place", "address")
)
SLOT_COLUMNS = (
    f"SELECT {_STATE_COLUMNS}, COALESCE(p.place, 'site'), p.address, s.video_link, s.from_waiting_list "
    "FROM sched_slot s LEFT JOIN sched_slot_place p ON p.slot_id = s.slot_id"
)
_SLOT = SLOT_COLUMNS
_STATE = len(SlotState.__struct_fields__)


def slot_state(r: Any) -> SlotState:
    """A slot row as the decisions see a slot."""
    return struct_of(SlotState, r[:_STATE])


class SlotRow(msgspec.Struct, frozen=True):
    """A slot as the read model holds it: its state, its video link and whether it came from the waiting
    list."""

    state: SlotState
    video_link: str
    from_waiting_list: bool


def slot_rows(read: Reader, job_dating_id: str | None = None, slot_id: str | None = None) -> list[SlotRow]:
    """Slots of a job dating (or one slot), by time, with what the views show besides their state."""
    if slot_id is not None:
        rows = read(f"{SLOT_COLUMNS} WHERE s.slot_id = ?", (slot_id,))
    else:
        rows = read(f"{SLOT_COLUMNS} WHERE job_dating_id = ? ORDER BY starts_at, s.slot_id", (job_dating_id,))
    return [SlotRow(slot_state(r), r[_STATE], bool(r[_STATE + 1])) for r in rows]


def active_slots(read: Reader, job_dating_id: str) -> list[SlotState]:
    """The job dating's slots still to take place or taking place (neither cancelled nor completed)."""
    rows = read(
        f"{_SLOT} WHERE job_dating_id = ? AND status = 'assigned' ORDER BY starts_at, s.slot_id",
        (job_dating_id,),
    )
    return [slot_state(r) for r in rows]


def held_pairs(read: Reader, job_dating_id: str) -> list[tuple[str, str]]:
    """(candidate, company) of the job dating's first interviews already held: they have met."""
    rows = read(
        "SELECT DISTINCT candidate_id, company_id FROM sched_slot WHERE job_dating_id = ? "
        "AND status = 'completed' AND kind = 'interview' ORDER BY candidate_id, company_id",
        (job_dating_id,),
    )
    return [(str(r[0]), str(r[1])) for r in rows]


def cancelled_by_hand(read: Reader, job_dating_id: str) -> list[tuple[str, str]]:
    """(candidate, company) of the job dating's first interviews the coordination cancelled by hand and
    did not book again: a refill must not give them back what the coordination took away."""
    rows = read(
        "SELECT DISTINCT candidate_id, company_id FROM sched_slot s WHERE job_dating_id = ? "
        "AND kind = 'interview' AND status = 'cancelled' AND cancel_reason = 'coordinator' "
        "AND NOT EXISTS (SELECT 1 FROM sched_slot a WHERE a.job_dating_id = s.job_dating_id "
        "AND a.candidate_id = s.candidate_id AND a.company_id = s.company_id AND a.kind = 'interview' "
        "AND a.status IN ('assigned', 'completed')) ORDER BY candidate_id, company_id",
        (job_dating_id,),
    )
    return [(str(r[0]), str(r[1])) for r in rows]


def active_slots_elsewhere(read: Reader, job_dating_id: str, days: Iterable[date]) -> list[SlotState]:
    """Active slots of the other job datings around these days (a day either side, whatever the time
    zone): a company or a candidate is not tied to one job dating, so they are busy then."""
    dates = sorted(days)
    if not dates:
        return []
    since = datetime.combine(dates[0] - timedelta(days=1), time(0), tzinfo=UTC)
    until = datetime.combine(dates[-1] + timedelta(days=2), time(0), tzinfo=UTC)
    rows = read(
        f"{_SLOT} WHERE job_dating_id <> ? AND status = 'assigned' AND starts_at < ? AND ends_at > ? "
        "ORDER BY starts_at, s.slot_id",
        (job_dating_id, ts(until), ts(since)),
    )
    return [slot_state(r) for r in rows]


def slots(read: Reader, job_dating_id: str) -> list[SlotState]:
    """Every slot of a job dating, by time."""
    rows = read(f"{_SLOT} WHERE job_dating_id = ? ORDER BY starts_at, s.slot_id", (job_dating_id,))
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
        f"SELECT {columns(AttendanceState)} FROM sched_attendance "
        "WHERE job_dating_id = ? AND candidate_id = ?",
        (job_dating_id, candidate_id),
    )
    return struct_of(AttendanceState, rows[0]) if rows else AttendanceState()


def absent(read: Reader, job_dating_id: str) -> dict[str, datetime]:
    """Candidates marked as no-shows at a job dating, and when."""
    rows = read(
        "SELECT candidate_id, no_show_at FROM sched_attendance WHERE job_dating_id = ? AND no_show = 1",
        (job_dating_id,),
    )
    return {str(r[0]): from_ts(r[1]) for r in rows}


def room_taken(read: Reader, room_id: str, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a workshop session (not called off) holds the room during [starts_at, ends_at)."""
    rows = read(
        "SELECT 1 FROM sched_workshop WHERE room_id = ? AND starts_at < ? AND ends_at > ? "
        "AND workshop_id NOT IN (SELECT workshop_id FROM sched_workshop_cancelled)",
        (room_id, ts(ends_at), ts(starts_at)),
    )
    return bool(rows)
