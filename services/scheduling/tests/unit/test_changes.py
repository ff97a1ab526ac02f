"""A repair's diff becomes events on the changed slots only, never on a slot that began."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from jobdating.contracts.scheduling import (
    JobDatingPlanned,
    SiteWindow,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
)
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.changes import (
    RepairRefused,
    interview_of,
    keep_recruiters_for_second_interviews,
    repair_writes,
)
from jobdating.scheduling.domain.evolve import evolve_job_dating
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.repair import Cancellation, Move, Repair
from jobdating.scheduling.testing import held

DAY = date(2026, 12, 3)
CAL = Calendar(
    evolve_job_dating(
        JobDatingState(),
        JobDatingPlanned(
            job_dating_id="jd-1",
            title="t",
            days=(DAY,),
            site_windows=(SiteWindow(site_id="site-a", day=DAY, start=time(9), end=time(12)),),
            interview_minutes=20,
            buffer_minutes=10,
        ),
    )
)


def slot(
    slot_id: str, candidate_id: str, minute: int, computer_id: str = "pc-1", company_id: str = "co-1"
) -> SlotState:
    starts = CAL.at(0, minute)
    return held(
        starts,
        slot_id=slot_id,
        candidate_id=candidate_id,
        company_id=company_id,
        site_id="site-a",
        computer_id=computer_id,
    )


SLOTS = [slot("s1", "cand-1", 600), slot("s2", "cand-2", 620), slot("s3", "cand-3", 640)]
BY_PAIR = {(s.candidate_id, s.company_id): s for s in SLOTS}
NOW = CAL.at(0, 605)


def interview(s: SlotState) -> Interview:
    found = interview_of(s, CAL)
    assert found is not None
    return found


def write(diff: Repair, now: datetime = NOW) -> list[object]:
    writes = repair_writes("jd-1", diff, BY_PAIR, CAL, now, {}, {}, iter(["new-1"]), iter(["https://v/new"]))
    return [w.event for w in writes]


def test_a_moved_and_a_cancelled_slot_are_told_with_their_reason_and_a_refill_is_new() -> None:
    moved_to = Interview(
        candidate_id="cand-2", company_id="co-1", site_id="site-a", computer_id="pc-2", day=0, start=620
    )
    refill = Interview(
        candidate_id="cand-9", company_id="co-2", site_id="site-a", computer_id="pc-1", day=0, start=640
    )
    diff = Repair(
        cancelled=(Cancellation(interview=interview(SLOTS[2]), reason="computer_broken", detail="x"),),
        moved=(Move(before=interview(SLOTS[1]), after=moved_to, reason="computer_broken"),),
        assigned=(refill,),
    )
    events = write(diff)
    assert events[0] == SlotCancelled(
        job_dating_id="jd-1", slot_id="s3", candidate_id="cand-3", company_id="co-1", reason="computer_broken"
    )
    assert events[1] == SlotMoved(
        job_dating_id="jd-1",
        slot_id="s2",
        candidate_id="cand-2",
        company_id="co-1",
        site_id="site-a",
        computer_id="pc-2",
        starts_at=SLOTS[1].starts_at,  # type: ignore[arg-type]
        ends_at=SLOTS[1].ends_at,  # type: ignore[arg-type]
        previous_computer_id="pc-1",
        previous_starts_at=SLOTS[1].starts_at,  # type: ignore[arg-type]
        reason="computer_broken",
    )
    assert isinstance(events[2], SlotAssigned)
    assert (events[2].slot_id, events[2].from_waiting_list, events[2].video_link) == (
        "new-1",
        True,
        "https://v/new",
    )


def test_a_slot_that_began_is_never_changed_by_a_repair() -> None:
    diff = Repair(
        cancelled=(Cancellation(interview=interview(SLOTS[0]), reason="computer_broken", detail="x"),)
    )
    with pytest.raises(RepairRefused):
        write(diff, now=CAL.at(0, 601))


def test_a_move_that_would_need_a_recruiter_busy_with_a_second_interview_becomes_a_cancellation() -> None:
    second = held(
        CAL.at(0, 660),
        slot_id="s9",
        candidate_id="cand-7",
        site_id="site-a",
        computer_id="pc-3",
        kind="second_interview",
    )
    later = Interview(
        candidate_id="cand-3", company_id="co-1", site_id="site-a", computer_id="pc-2", day=0, start=660
    )
    diff = Repair(moved=(Move(before=interview(SLOTS[2]), after=later, reason="computer_broken"),))
    kept = keep_recruiters_for_second_interviews(diff, [*SLOTS, second], {"co-1": 1}, CAL)
    assert kept.moved == ()
    assert [c.interview.pair for c in kept.cancelled] == [("cand-3", "co-1")]
    assert keep_recruiters_for_second_interviews(diff, [*SLOTS, second], {"co-1": 2}, CAL) == diff


def test_only_first_interviews_on_the_grid_are_the_planners() -> None:
    second = SlotState(
        slot_id="x", status="assigned", kind="second_interview", computer_id="pc-1", starts_at=NOW
    )
    assert interview_of(second, CAL) is None
    assert interview_of(SLOTS[0], CAL) == Interview(
        candidate_id="cand-1", company_id="co-1", site_id="site-a", computer_id="pc-1", day=0, start=600
    )
