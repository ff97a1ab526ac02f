"""The checker: given a tiny event and a plan, then exactly the broken rules are reported."""

from __future__ import annotations

import msgspec

from jobdating.scheduling.planning.check import Rule, check
from jobdating.scheduling.planning.model import (
    Candidate,
    Company,
    Computer,
    Day,
    Instance,
    Interview,
    Moment,
    Pair,
    Plan,
    Site,
    SlotGrid,
    Window,
)

from .builders import at

MORNING = Window(day=0, start=540, end=660)  # 9:00-11:00: slots 9:00, 9:20, 9:40, 10:00, 10:20, 10:40
EVENT = Instance(
    days=(Day(index=0, start=540, end=660),),
    grid=SlotGrid(length=20, buffer=10, breaks=(Window(day=0, start=620, end=640),)),
    sites=(
        Site(id="faches", opening=(MORNING,)),
        Site(id="seclin", opening=(Window(day=0, start=540, end=600),)),
    ),
    computers=(
        Computer(id="faches-1", site_id="faches"),
        Computer(id="faches-2", site_id="faches", available=(Window(day=0, start=540, end=580),)),
        Computer(id="seclin-1", site_id="seclin"),
    ),
    companies=(
        Company(id="bakery", recruiters=1, windows=(MORNING,)),
        Company(id="garage", recruiters=2, windows=(Window(day=0, start=560, end=660),), sites=("faches",)),
    ),
    candidates=(
        Candidate(
            id="ana", site_id="faches", available=(MORNING,), wishes=("bakery", "garage"), max_interviews=2
        ),
        Candidate(id="bob", site_id="faches", available=(MORNING,), wishes=("bakery",), max_interviews=1),
        Candidate(id="cleo", site_id="seclin", available=(MORNING,), wishes=("bakery",), max_interviews=1),
    ),
    pins=(Pair(candidate_id="bob", company_id="bakery"),),
    forbids=(Pair(candidate_id="cleo", company_id="garage"),),
)


VALID = Plan(
    interviews=(
        at("ana", "bakery", "faches-1", 540),
        at("ana", "garage", "faches-1", 580),
        at("bob", "bakery", "faches-1", 560),
        at("cleo", "bakery", "seclin-1", 580, site="seclin"),
    )
)


def rules(plan: Plan, instance: Instance = EVENT, now: Moment | None = None) -> set[Rule]:
    return {v.rule for v in check(instance, plan, now=now)}


def with_(*interviews: Interview) -> Plan:
    return Plan(interviews=(*VALID.interviews, *interviews))


def test_a_valid_plan_has_no_violation() -> None:
    assert check(EVENT, VALID) == ()


def test_a_candidate_is_never_in_two_interviews_at_once() -> None:
    plan = Plan(
        interviews=(
            at("ana", "bakery", "faches-2", 560),
            at("ana", "garage", "faches-1", 560),
            at("bob", "bakery", "faches-1", 600),
        )
    )
    assert rules(plan) == {"candidate_overlap"}


def test_a_candidate_needs_the_buffer_between_two_interviews() -> None:
    # ana at 9:00 and 9:20: back to back, no 10 minutes between them.
    plan = Plan(interviews=(at("ana", "bakery", "faches-1", 540), at("ana", "garage", "faches-2", 560)))
    assert "candidate_overlap" in rules(plan)


def test_a_company_never_runs_more_interviews_than_it_has_recruiters() -> None:
    plan = Plan(
        interviews=(
            at("ana", "bakery", "faches-1", 540),
            at("bob", "bakery", "faches-2", 540),
        )
    )
    assert "recruiters_exceeded" in rules(plan)


def test_a_computer_hosts_one_interview_at_a_time() -> None:
    plan = Plan(interviews=(at("ana", "bakery", "faches-1", 540), at("bob", "garage", "faches-1", 540)))
    assert "computer_double_booked" in rules(plan)


def test_a_candidate_stays_at_their_chosen_site() -> None:
    plan = Plan(interviews=(at("cleo", "bakery", "faches-1", 540),))
    assert "wrong_site" in rules(plan)
    elsewhere = Plan(interviews=(at("ana", "bakery", "seclin-1", 540),))
    assert "computer_elsewhere" in rules(elsewhere)


def test_windows_and_availabilities_hold() -> None:
    assert "company_closed" in rules(Plan(interviews=(at("ana", "garage", "faches-1", 540),)))
    assert "site_closed" in rules(Plan(interviews=(at("cleo", "bakery", "seclin-1", 600, site="seclin"),)))
    assert "computer_unavailable" in rules(Plan(interviews=(at("ana", "bakery", "faches-2", 580),)))
    late = msgspec.structs.replace(
        EVENT,
        candidates=tuple(
            msgspec.structs.replace(c, available=(Window(day=0, start=600, end=660),)) if c.id == "ana" else c
            for c in EVENT.candidates
        ),
    )
    assert "candidate_unavailable" in rules(Plan(interviews=(at("ana", "bakery", "faches-1", 540),)), late)


def test_interviews_start_on_the_grid_and_never_in_a_break() -> None:
    assert "off_grid" in rules(Plan(interviews=(at("ana", "bakery", "faches-1", 545),)))
    # 10:20 would run into the 10:20-10:40 break: the grid has no such slot.
    assert "off_grid" in rules(Plan(interviews=(at("ana", "bakery", "faches-1", 620),)))


def test_a_pair_meets_at_most_once_and_only_if_wished_or_pinned() -> None:
    twice = Plan(interviews=(at("ana", "bakery", "faches-1", 540), at("ana", "bakery", "faches-1", 600)))
    assert "pair_repeated" in rules(twice)
    assert "not_wished" in rules(Plan(interviews=(at("bob", "garage", "faches-1", 580),)))


def test_forbidden_pairs_and_closed_companies_are_reported() -> None:
    plan = Plan(interviews=(at("cleo", "garage", "seclin-1", 580, site="seclin"),))
    assert {"forbidden", "company_not_at_site", "not_wished"} <= rules(plan)


def test_a_missing_pin_is_reported() -> None:
    plan = Plan(interviews=tuple(i for i in VALID.interviews if i.candidate_id != "bob"))
    assert rules(plan) == {"pin_missing"}


def test_started_interviews_are_history_for_windows_but_still_occupy_their_computer() -> None:
    broken = msgspec.structs.replace(
        EVENT,
        computers=tuple(
            msgspec.structs.replace(p, available=(Window(day=0, start=540, end=550),))
            if p.id == "faches-1"
            else p
            for p in EVENT.computers
        ),
    )
    now = Moment(day=0, minute=590)
    assert "computer_unavailable" in rules(VALID, broken)
    assert rules(VALID, broken, now) == set()
    assert "computer_double_booked" in rules(with_(at("bob", "garage", "faches-1", 580)), broken, now)
