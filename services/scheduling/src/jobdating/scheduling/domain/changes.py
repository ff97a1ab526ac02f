"""What a repair of a published plan tells people: only the slots that changed, each with its reason.

The planning core's repair returns a diff (cancelled, moved, newly assigned interviews); this module turns
it into SlotCancelled, SlotMoved and SlotAssigned events on the slots' streams. It never touches a slot
that began before `now`, and a change the planner could not know to be impossible (a recruiter busy with a
second interview) is refused here: a move becomes a cancellation, a refill is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

import msgspec

from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.facts import CandidateFacts, CompanyFacts
from jobdating.scheduling.domain.instance import wish_rank
from jobdating.scheduling.domain.plans import Write
from jobdating.scheduling.domain.state import SlotState
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.repair_diff import Cancellation, Move, Repair


class RepairRefused(RuntimeError):
    """The planner's repair would change a slot that already began: a bug, never recorded."""


def interview_of(slot: SlotState, cal: Calendar) -> Interview | None:
    """A first-interview slot as the planner sees it (None for a second interview or an odd slot)."""
    if slot.kind != "interview" or slot.computer_id is None or slot.starts_at is None:
        return None
    return cal.interview_at(slot, slot.computer_id, slot.starts_at)


def keep_recruiters_for_second_interviews(
    diff: Repair, active: Sequence[SlotState], recruiters: Mapping[str, int], cal: Calendar
) -> Repair:
    """The diff without changes that would make a company run more interviews at once than it has
    recruiters, counting its second interviews (which the planner does not see)."""
    seconds = [s for s in active if s.kind == "second_interview" and s.starts_at and s.ends_at]
    if not seconds:
        return diff
    gone = {c.interview.pair for c in diff.cancelled} | {m.before.pair for m in diff.moved}
    load: list[tuple[str, datetime, datetime]] = []
    for s in active:
        if (
            s.starts_at
            and s.ends_at
            and (s.kind != "interview" or (s.candidate_id, s.company_id) not in gone)
        ):
            load.append((s.company_id, s.starts_at, s.ends_at))

    def fits(interview: Interview) -> bool:
        start, end = cal.interview_times(interview)
        busy = sum(1 for k, a, b in load if k == interview.company_id and a < end and start < b)
        if busy >= recruiters.get(interview.company_id, 0):
            return False
        load.append((interview.company_id, start, end))
        return True

    cancelled = list(diff.cancelled)
    moved: list[Move] = []
    # A chain stands or falls whole: the interview moved aside stays put if the one it made room for
    # cannot move.
    aside = {m.making_room_for: m for m in diff.moved if m.making_room_for is not None}
    for m in diff.moved:
        if m.making_room_for is not None:
            continue
        room = aside.get(m.before.pair)
        if fits(m.after) and (room is None or fits(room.after)):
            moved += [m] if room is None else [m, room]
        else:
            detail = "every recruiter of the company is busy with second interviews then"
            cancelled.append(Cancellation(interview=m.before, reason=m.reason, detail=detail))
            if room is not None:
                load.append((room.before.company_id, *cal.interview_times(room.before)))
    assigned = tuple(i for i in diff.assigned if fits(i))
    return Repair(cancelled=tuple(cancelled), moved=tuple(moved), assigned=assigned)


def repair_writes(
    job_dating_id: str,
    diff: Repair,
    slots: Mapping[tuple[str, str], SlotState],
    cal: Calendar,
    now: datetime,
    candidates: Mapping[str, CandidateFacts],
    companies: Mapping[str, CompanyFacts],
    slot_ids: Iterator[str],
    video_links: Iterator[str],
    *,
    from_waiting_list: bool = True,
) -> list[Write]:
    """The events of a repair: cancellations and moves of existing slots (`slots`: the active first
    interviews by (candidate, company)), then the new slots: given to candidates of the waiting list, or
    (`from_waiting_list` False) given back to a late candidate."""
    writes: list[Write] = []
    for c in diff.cancelled:
        slot = _untouched_yet(slots, c.interview, now)
        writes.append(Write(slot.slot_id, slot_events.cancelled(job_dating_id, slot, c.reason)))
    for m in diff.moved:
        slot = _untouched_yet(slots, m.before, now)
        starts_at, ends_at = cal.interview_times(m.after)
        if starts_at < now:
            raise RepairRefused(f"slot {slot.slot_id} would move into the past")
        to = slot_events.place_of(m.after.site_id, m.after.computer_id, (starts_at, ends_at))
        moved = slot_events.moved(job_dating_id, slot, to, m.reason)
        writes.append(Write(slot.slot_id, moved))
    for interview in diff.assigned:
        times = cal.interview_times(interview)
        if times[0] < now:
            raise RepairRefused("a refill would start in the past")
        slot_id = next(slot_ids)
        rank = wish_rank(candidates.get(interview.candidate_id), companies.get(interview.company_id))
        given = slot_events.assigned(
            job_dating_id,
            slot_id,
            interview,
            interview.computer_id,
            times,
            next(video_links),
            wish_rank=rank,
            from_waiting_list=from_waiting_list,
        )
        writes.append(Write(slot_id, given))
    return writes


def _untouched_yet(
    slots: Mapping[tuple[str, str], SlotState], interview: Interview, now: datetime
) -> SlotState:
    slot = slots.get(interview.pair)
    if slot is None:
        raise RepairRefused(f"the repair names an interview with no active slot: {interview.pair}")
    if slot.starts_at is not None and slot.starts_at < now:
        raise RepairRefused(f"slot {slot.slot_id} began before now: it never changes")
    return slot


def with_version(slot: SlotState, version: int) -> SlotState:
    """A slot at a later stream version (after a write in the same repair)."""
    return msgspec.structs.replace(slot, version=version)
