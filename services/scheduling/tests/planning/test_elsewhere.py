"""Interviews held in other job datings: given a company's recruiter or a candidate already busy elsewhere,
then no plan books them at the same time, and the checker refuses one that does."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest

from jobdating.scheduling.planning import model as m
from jobdating.scheduling.planning.check import Rule, check
from jobdating.scheduling.planning.solution import Solution
from jobdating.scheduling.planning.solve import greedy, solve

from .builders import at

NINE_TO_TEN = m.Window(day=0, start=540, end=600)  # slots 9:00, 9:20, 9:40
EVENT = m.Instance(
    days=(m.Day(index=0, start=540, end=600),),
    grid=m.SlotGrid(length=20, buffer=10),
    sites=(m.Site(id="faches", opening=(NINE_TO_TEN,)),),
    computers=tuple(m.Computer(id=f"faches-{n}", site_id="faches") for n in (1, 2, 3)),
    companies=(
        m.Company(id="bakery", recruiters=1, windows=(NINE_TO_TEN,)),
        m.Company(id="garage", recruiters=2, windows=(NINE_TO_TEN,)),
    ),
    candidates=tuple(
        m.Candidate(id=c, site_id="faches", available=(NINE_TO_TEN,), wishes=("bakery",), max_interviews=1)
        for c in ("ana", "bob", "cleo")
    ),
)
# The bakery's one recruiter meets zoe at 9:00-9:20 in another job dating.
BAKERY_BUSY = msgspec.structs.replace(
    EVENT, elsewhere=(m.Elsewhere(candidate_id="zoe", company_id="bakery", day=0, start=540, end=560),)
)
# ana meets another company at 9:00-9:20 in another job dating.
ANA_BUSY = msgspec.structs.replace(
    EVENT,
    candidates=(
        m.Candidate(
            id="ana",
            site_id="faches",
            available=(NINE_TO_TEN,),
            wishes=("bakery", "garage"),
            max_interviews=2,
        ),
    ),
    elsewhere=(m.Elsewhere(candidate_id="ana", company_id="florist", day=0, start=540, end=560),),
)
PLANNERS: dict[str, Callable[[m.Instance], Solution]] = {"greedy": greedy, "optimised": solve}


def rules(instance: m.Instance, *interviews: m.Interview) -> set[Rule]:
    return {v.rule for v in check(instance, m.Plan(interviews=interviews))}


@pytest.mark.parametrize("planner", PLANNERS.values(), ids=PLANNERS.keys())
def test_a_company_whose_only_recruiter_is_busy_elsewhere_gets_no_interview_then(
    planner: Callable[[m.Instance], Solution],
) -> None:
    plan = planner(BAKERY_BUSY).plan

    bakery = sorted(i.start for i in plan.interviews if i.company_id == "bakery")
    assert bakery == [560, 580]
    assert rules(BAKERY_BUSY, *plan.interviews) == set()


@pytest.mark.parametrize("planner", PLANNERS.values(), ids=PLANNERS.keys())
def test_a_candidate_busy_elsewhere_gets_no_interview_then_nor_within_the_buffer(
    planner: Callable[[m.Instance], Solution],
) -> None:
    plan = planner(ANA_BUSY).plan

    # Busy 9:00-9:20 and 10 minutes either side: only 9:40 is left.
    assert [(i.company_id, i.start) for i in plan.interviews] in ([("bakery", 580)], [("garage", 580)])
    assert rules(ANA_BUSY, *plan.interviews) == set()


def test_a_company_with_a_recruiter_left_still_meets_one_candidate_at_once() -> None:
    garage_busy = msgspec.structs.replace(
        EVENT,
        candidates=tuple(msgspec.structs.replace(c, wishes=("garage",)) for c in EVENT.candidates),
        elsewhere=(m.Elsewhere(candidate_id="zoe", company_id="garage", day=0, start=540, end=560),),
    )

    plan = solve(garage_busy).plan

    starts = sorted(i.start for i in plan.interviews)
    assert starts.count(540) == 1
    assert len(starts) == 3
    assert rules(garage_busy, *plan.interviews) == set()


def test_the_checker_refuses_a_recruiter_booked_twice_across_job_datings() -> None:
    assert rules(BAKERY_BUSY, at("ana", "bakery", "faches-1", 540)) == {"recruiters_exceeded"}
    assert rules(BAKERY_BUSY, at("ana", "bakery", "faches-1", 560)) == set()


def test_the_checker_refuses_a_candidate_booked_twice_across_job_datings() -> None:
    assert rules(ANA_BUSY, at("ana", "garage", "faches-1", 540)) == {"candidate_busy_elsewhere"}
    # 9:20 starts when the other interview ends: no buffer between them.
    assert rules(ANA_BUSY, at("ana", "garage", "faches-1", 560)) == {"candidate_busy_elsewhere"}
    assert rules(ANA_BUSY, at("ana", "garage", "faches-1", 580)) == set()
