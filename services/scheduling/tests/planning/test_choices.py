"""Companies choose too: a company's ranking and its "must meet" marks weigh in the plan alongside the
candidates' wishes, and never before the fairness floor (each candidate's earlier interviews first)."""

from __future__ import annotations

import msgspec
import pytest

from jobdating.scheduling.planning import model as m
from jobdating.scheduling.planning.objective import score, weights
from jobdating.scheduling.planning.solve import greedy, solve

from .builders import MORNING, tiny, two_sites

ONE_SLOT = m.Window(day=0, start=540, end=560)


def met(plan: m.Plan) -> set[tuple[str, str]]:
    return {i.pair for i in plan.interviews}


def one_slot_bakery(*choices: m.Choice) -> m.Instance:
    """Ana and Bob both wish the bakery first (then the garage, away that day); the bakery has one
    recruiter for one slot. Two wish ranks: a company's list is cut into two bands (`objective.py`)."""
    people = tuple(
        m.Candidate(
            id=n, site_id="faches", available=(MORNING,), wishes=("bakery", "garage"), max_interviews=1
        )
        for n in ("ana", "bob")
    )
    instance = tiny(*people, computers=2)
    bakery = m.Company(id="bakery", recruiters=1, windows=(ONE_SLOT,))
    garage = m.Company(id="garage", recruiters=1, windows=())
    return msgspec.structs.replace(instance, companies=(bakery, garage), choices=choices)


def bakery_and_garage(
    ana: m.Candidate, bob: m.Candidate, garage: m.Window, choices: tuple[m.Choice, ...] = ()
) -> m.Instance:
    """Ana and Bob at Faches with a computer each; the bakery has one recruiter for one slot, the garage
    one recruiter for `garage`."""
    return msgspec.structs.replace(
        two_sites(ana, bob),
        companies=(
            m.Company(id="bakery", recruiters=1, windows=(ONE_SLOT,)),
            m.Company(id="garage", recruiters=1, windows=(garage,)),
        ),
        computers=(m.Computer(id="pc-1", site_id="faches"), m.Computer(id="pc-2", site_id="faches")),
        choices=choices,
    )


def ranks(*names: str) -> tuple[m.Choice, ...]:
    return tuple(m.Choice(company_id="bakery", candidate_id=n, rank=q) for q, n in enumerate(names, 1))


@pytest.mark.parametrize("first", ["ana", "bob"])
@pytest.mark.parametrize("planner", [solve, greedy])
def test_the_candidate_a_company_ranked_first_gets_the_one_interview_both_could_have(
    first: str, planner: object
) -> None:
    other = "bob" if first == "ana" else "ana"
    instance = one_slot_bakery(*ranks(first, other))
    plan = planner(instance).plan  # type: ignore[operator]
    assert met(plan) == {(first, "bakery")}


def test_a_company_ranking_weighs_as_much_as_a_candidates_wish_rank() -> None:
    """Both sides on the same scale: a company's first choice is worth a candidate's first wish."""
    instance = one_slot_bakery(*ranks("bob", "ana"))
    w = weights(instance)
    assert w.pair("bob", "bakery", 1) == 2 * w.interview(1)
    assert w.pair("ana", "bakery", 1) == w.interview(1) + 1  # the second of two bands


def test_a_must_meet_is_honoured_even_against_both_candidates_first_wishes() -> None:
    """Ana wishes the bakery first, Bob the garage; each company has one slot. The bakery must meet Bob:
    Bob meets the bakery and Ana the garage (each still gets one interview)."""
    ana = m.Candidate(
        id="ana", site_id="faches", available=(MORNING,), wishes=("bakery", "garage"), max_interviews=1
    )
    bob = m.Candidate(
        id="bob", site_id="faches", available=(MORNING,), wishes=("garage", "bakery"), max_interviews=1
    )
    instance = bakery_and_garage(ana, bob, garage=ONE_SLOT)
    assert met(solve(instance).plan) == {("ana", "bakery"), ("bob", "garage")}
    must = msgspec.structs.replace(
        instance, choices=(m.Choice(company_id="bakery", candidate_id="bob", must_meet=True),)
    )
    for planner in (solve, greedy):
        assert met(planner(must).plan) == {("bob", "bakery"), ("ana", "garage")}


def test_a_must_meet_never_gives_a_second_interview_before_someone_elses_first() -> None:
    """Bob already meets the garage; the bakery's one slot would be his second interview and Ana's first:
    the fairness floor gives it to Ana although the bakery must meet Bob."""
    ana = m.Candidate(id="ana", site_id="faches", available=(MORNING,), wishes=("bakery",), max_interviews=2)
    bob = m.Candidate(
        id="bob", site_id="faches", available=(MORNING,), wishes=("garage", "bakery"), max_interviews=2
    )
    instance = bakery_and_garage(
        ana,
        bob,
        garage=MORNING,
        choices=(m.Choice(company_id="bakery", candidate_id="bob", rank=1, must_meet=True),),
    )
    for planner in (solve, greedy):
        assert met(planner(instance).plan) == {("ana", "bakery"), ("bob", "garage")}


def test_a_choice_about_a_candidate_who_did_not_wish_for_the_company_counts_for_nothing() -> None:
    instance = one_slot_bakery(m.Choice(company_id="florist", candidate_id="ana", rank=1, must_meet=True))
    assert weights(instance).company == {}
    plan = solve(instance).plan
    assert score(instance, plan) == score(msgspec.structs.replace(instance, choices=()), plan)
