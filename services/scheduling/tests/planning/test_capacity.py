"""Capacity that comes back: a computer back in service only adds interviews, on that computer, from now
on, without breaking a rule; and once its slots are given, asking again gives nothing more."""

from __future__ import annotations

import msgspec
from hypothesis import event, given
from hypothesis import strategies as st

from jobdating.scheduling.planning.capacity import (
    CandidateBack,
    ComputerBack,
    TimeFreed,
    bring_back,
    give_back,
    refill,
    refill_all,
    refill_freed,
)
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.disruption import ComputerBroke, apply_disruption
from jobdating.scheduling.planning.model import Company, Moment, Plan, Window
from jobdating.scheduling.planning.repair import apply_repair, repair
from jobdating.scheduling.planning.solve import greedy, solve

from .builders import at, person, tiny, two_sites, wishing
from .strategies import small_instances
from .test_repair import SETTINGS, Scenario, days_on_site, on_the_day


@st.composite
def crowded_site(draw: st.DrawFn) -> Scenario:
    """Like `days_on_site`, but one site with more candidates than its computers can take, so that what
    a breakdown cancels is wanted back."""
    instance = draw(small_instances(candidates=(4, 8), companies=(2, 4), slots=(3, 7), sites=1))
    return on_the_day(draw, instance)


@SETTINGS
@given(st.one_of(days_on_site(), crowded_site()))
def test_a_computer_back_only_adds_interviews_on_it_from_now_and_breaks_no_rule(scenario: Scenario) -> None:
    instance, steps, optimised = scenario
    plan = (solve(instance) if optimised else greedy(instance)).plan
    # The busiest computer breaks before the day starts, or at a random time, and comes back later.
    first, *rest = steps
    busiest = sorted(instance.computers, key=lambda p: -sum(i.computer_id == p.id for i in plan.interviews))
    computer = busiest[0].id if first.pick % 2 else busiest[first.pick % len(busiest)].id
    broke_at = Moment(day=0, minute=530) if first.kind % 2 else Moment(day=first.day, minute=first.minute)
    broke = ComputerBroke(computer_id=computer, at=broke_at)
    plan = apply_repair(plan, repair(instance, plan, broke, broke_at))
    instance = apply_disruption(instance, broke, broke_at)
    now = Moment(day=broke_at.day, minute=broke_at.minute + first.advance + sum(s.advance for s in rest) // 2)
    back = ComputerBack(computer_id=computer, at=now)
    instance = bring_back(instance, back)
    assert bring_back(instance, back) == instance, "bringing it back twice changes nothing more"

    given_back = refill(instance, plan, computer, now)
    assert given_back.cancelled == ()
    assert given_back.moved == ()
    had = {i.pair for i in plan.interviews}
    for interview in given_back.assigned:
        assert interview.computer_id == computer
        assert interview.begins >= now
        assert interview.pair not in had
    event(f"assigned {min(len(given_back.assigned), 2)}")
    refilled = apply_repair(plan, given_back)
    if not instance.pins:
        assert check(instance, refilled, now=now) == ()
    else:
        assert {v.rule for v in check(instance, refilled, now=now)} <= {"pin_missing"}
    assert refill(instance, refilled, computer, now).assigned == (), "every slot it could give, it gave"


def test_a_computer_back_gives_its_free_slots_to_the_candidates_with_fewest_interviews_first() -> None:
    """One computer, three slots (9:00, 9:20, 9:40); it breaks before anything, and comes back at 9:10."""
    everybody = Window(day=0, start=540, end=600)
    instance = tiny(person("ana", everybody), person("bob", everybody), recruiters=1)
    plan = solve(instance).plan
    assert len(plan.interviews) == 2
    early = Moment(day=0, minute=530)
    broke = ComputerBroke(computer_id="pc-0", at=early)
    diff = repair(instance, plan, broke, early)
    assert len(diff.cancelled) == 2, "no other computer: both interviews were cancelled"
    instance = apply_disruption(instance, broke, early)
    plan = apply_repair(plan, diff)
    now = Moment(day=0, minute=550)
    instance = bring_back(instance, ComputerBack(computer_id="pc-0", at=now))
    given_back = refill(instance, plan, "pc-0", now)
    assert sorted((i.start, i.candidate_id) for i in given_back.assigned) == [(560, "ana"), (580, "bob")]


def test_a_computer_nobody_can_use_gives_nothing() -> None:
    instance = tiny(person("ana", Window(day=0, start=540, end=560)))
    plan = solve(instance).plan
    now = Moment(day=0, minute=545)
    assert refill(instance, plan, "pc-0", now).assigned == ()
    assert refill(instance, plan, "no-such-computer", now).assigned == ()


def test_a_computer_back_gives_no_slot_that_began_before_now() -> None:
    """Three booked slots on one computer; it breaks at 9:10 during the first, is back at 9:15 and the
    service hears of it at 9:25: the 9:20 slot has begun, so only 9:40 is given, to one of the two who lost
    theirs."""
    instance = tiny(person("ana"), person("bob"), person("cleo"), recruiters=1)
    plan = solve(instance).plan
    assert sorted(i.start for i in plan.interviews) == [540, 560, 580]
    broke_at = Moment(day=0, minute=550)
    broke = ComputerBroke(computer_id="pc-0", at=broke_at)
    diff = repair(instance, plan, broke, broke_at)
    lost = {c.interview.candidate_id for c in diff.cancelled}
    assert len(lost) == 2
    instance = apply_disruption(instance, broke, broke_at)
    plan = apply_repair(plan, diff)
    instance = bring_back(instance, ComputerBack(computer_id="pc-0", at=Moment(day=0, minute=555)))
    now = Moment(day=0, minute=565)
    (given,) = refill(instance, plan, "pc-0", now).assigned
    assert given.start == 580
    assert given.candidate_id in lost


def test_a_late_candidate_gets_back_the_same_slot_when_its_computer_and_recruiter_are_still_free() -> None:
    instance = tiny(person("ana"), recruiters=1)
    cancelled = at("ana", "bakery", "pc-0", 580)
    back = CandidateBack(candidate_id="ana", interviews=(cancelled,))
    diff = give_back(instance, Plan(), back, Moment(day=0, minute=550))
    assert diff.assigned == (cancelled,)
    assert (diff.cancelled, diff.moved) == ((), ())


def test_a_late_candidate_whose_slot_was_given_away_gets_the_nearest_free_slot_with_that_company() -> None:
    """One computer, slots 9:00, 9:20, 9:40; ana's 9:20 went to bob from the waiting list: at 9:10, the
    9:00 slot has begun, so ana gets 9:40 and bob keeps 9:20."""
    instance = tiny(person("ana"), person("bob"), recruiters=1)
    taken = at("bob", "bakery", "pc-0", 560)
    back = CandidateBack(candidate_id="ana", interviews=(at("ana", "bakery", "pc-0", 560),))
    diff = give_back(instance, Plan(interviews=(taken,)), back, Moment(day=0, minute=550))
    assert diff.assigned == (at("ana", "bakery", "pc-0", 580),)
    plan = apply_repair(Plan(interviews=(taken,)), diff)
    assert taken in plan.interviews
    assert {v.rule for v in check(instance, plan)} <= {"pin_missing"}


def test_a_late_candidate_with_no_free_slot_left_gets_nothing_and_waits() -> None:
    instance = tiny(person("ana"), person("bob"), person("cleo"), recruiters=1)
    full = Plan(interviews=(at("bob", "bakery", "pc-0", 560), at("cleo", "bakery", "pc-0", 580)))
    back = CandidateBack(candidate_id="ana", interviews=(at("ana", "bakery", "pc-0", 560),))
    assert give_back(instance, full, back, Moment(day=0, minute=550)).assigned == ()


def test_a_late_candidate_gets_back_no_interview_that_began_before_now() -> None:
    instance = tiny(person("ana"), recruiters=1)
    back = CandidateBack(candidate_id="ana", interviews=(at("ana", "bakery", "pc-0", 540),))
    assert give_back(instance, Plan(), back, Moment(day=0, minute=585)).assigned == ()


def test_a_company_giving_more_time_gives_it_in_the_waiting_lists_order_across_sites() -> None:
    """The bakery (one recruiter) now stays for one more slot, 9:00; ana waits at Faches, bob at Seclin,
    and bob is checked in at his site (first of the list): the new time is his, whatever the sites'
    order."""
    instance = two_sites(wishing("ana", "faches", ("bakery",)), wishing("bob", "seclin", ("bakery",)))
    instance = msgspec.structs.replace(
        instance,
        companies=(Company(id="bakery", recruiters=1, windows=(Window(day=0, start=540, end=560),)),),
        waiting=("bob", "ana"),
    )
    computers = [c.id for c in instance.computers]
    assert computers == ["pc-faches", "pc-seclin"], "Faches comes first in the sites' order"
    (given,) = refill_all(instance, Plan(), computers, Moment(day=0, minute=530)).assigned
    assert (given.candidate_id, given.computer_id, given.start) == ("bob", "pc-seclin", 540)
    ana_first = msgspec.structs.replace(instance, waiting=("ana", "bob"))
    (given,) = refill_all(ana_first, Plan(), computers, Moment(day=0, minute=530)).assigned
    assert given.candidate_id == "ana"


def test_time_a_second_interview_freed_goes_to_the_waiting_list_at_that_time_only() -> None:
    """A second interview by video held the garage's one recruiter from 9:20 to 9:40; cancelled, that time
    goes to ana, waiting at Seclin for the garage (not the free 9:00 before it: only the time freed is
    given out)."""
    instance = two_sites(wishing("ana", "seclin", ("garage",)))
    freed = TimeFreed(candidate_id="cleo", company_id="garage", computer_id=None, day=0, start=560, end=580)
    diff = refill_freed(instance, Plan(), [freed], Moment(day=0, minute=530))
    assert [(i.candidate_id, i.company_id, i.start) for i in diff.assigned] == [("ana", "garage", 560)]
    assert (diff.cancelled, diff.moved) == ((), ())
