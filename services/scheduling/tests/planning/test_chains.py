"""Chains: when a site is full, a repair moves one other interview out of the way rather than cancel."""

from __future__ import annotations

from jobdating.scheduling.planning import disruption as dis
from jobdating.scheduling.planning import model as m
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.repair import apply_repair, repair

from .builders import MORNING, at

NOW = m.Moment(day=0, minute=530)


def faches(*candidates: m.Candidate) -> m.Instance:
    """Faches with two computers, a bakery and a garage with one recruiter each, 9:00-10:00, no buffer."""
    return m.Instance(
        days=(m.Day(index=0, start=540, end=600),),
        grid=m.SlotGrid(length=20, buffer=0),
        sites=(m.Site(id="faches", opening=(MORNING,)),),
        computers=(m.Computer(id="pc-0", site_id="faches"), m.Computer(id="pc-1", site_id="faches")),
        companies=(
            m.Company(id="bakery", recruiters=1, windows=(MORNING,)),
            m.Company(id="garage", recruiters=1, windows=(MORNING,)),
        ),
        candidates=candidates,
    )


def who(name: str, company: str, end: int = 600) -> m.Candidate:
    return m.Candidate(
        id=name,
        site_id="faches",
        available=(m.Window(day=0, start=540, end=end),),
        wishes=(company,),
        max_interviews=1,
    )


def broken_at_nine(ana_free_until: int, bob_free_until: int) -> tuple[m.Instance, m.Plan, dis.ComputerBroke]:
    """Ana (bakery) on pc-1 and Bob (garage) on pc-0 at 9:00; pc-1 breaks before it starts."""
    instance = faches(who("ana", "bakery", ana_free_until), who("bob", "garage", bob_free_until))
    plan = m.Plan(interviews=(at("ana", "bakery", "pc-1", 540), at("bob", "garage", "pc-0", 540)))
    assert check(instance, plan) == ()
    return instance, plan, dis.ComputerBroke(computer_id="pc-1", at=NOW)


def test_a_full_site_moves_one_other_interview_to_save_an_interview_from_cancellation() -> None:
    instance, plan, broke = broken_at_nine(ana_free_until=560, bob_free_until=600)
    diff = repair(instance, plan, broke, NOW)
    assert diff.cancelled == ()
    saved, aside = diff.moved
    assert (saved.after.candidate_id, saved.after.computer_id, saved.after.start) == ("ana", "pc-0", 540)
    assert saved.making_room_for is None
    assert (aside.before.candidate_id, aside.after.computer_id, aside.after.start) == ("bob", "pc-0", 560)
    assert aside.making_room_for == ("ana", "bakery")
    assert aside.reason == "computer_broken"
    assert check(dis.apply_disruption(instance, broke, NOW), apply_repair(plan, diff), now=NOW) == ()
    without = repair(instance, plan, broke, NOW, chains=False)
    assert [c.interview.candidate_id for c in without.cancelled] == ["ana"], "what the chain avoids"


def test_with_no_chain_possible_the_interview_is_cancelled_as_before() -> None:
    instance, plan, broke = broken_at_nine(ana_free_until=560, bob_free_until=560)
    diff = repair(instance, plan, broke, NOW)
    assert diff.moved == ()
    (cancelled,) = diff.cancelled
    assert cancelled.interview.candidate_id == "ana"
    assert "computer" in cancelled.detail


def test_a_single_move_is_preferred_to_a_chain() -> None:
    instance, plan, broke = broken_at_nine(ana_free_until=600, bob_free_until=600)
    diff = repair(instance, plan, broke, NOW)
    (move,) = diff.moved
    assert (move.before.candidate_id, move.after.start, move.making_room_for) == ("ana", 560, None)
    assert diff.cancelled == ()
