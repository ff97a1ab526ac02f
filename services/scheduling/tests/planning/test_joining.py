"""A candidate who joins after publication is booked where capacity is free; a freed slot goes first to
the site's explicit waiting list among those with as few interviews."""

from __future__ import annotations

import msgspec

from jobdating.scheduling.planning import disruption as dis
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.joining import CandidateJoined, book_newcomer
from jobdating.scheduling.planning.model import Moment, Plan, Window
from jobdating.scheduling.planning.repair import apply_repair, repair

from .builders import at, person, tiny, two_sites, wishing


def test_a_newcomer_gets_the_earliest_free_slots_from_now_of_their_wishes_in_order() -> None:
    instance = two_sites(wishing("ana"), wishing("zoe"))
    plan = Plan(interviews=(at("ana", "bakery", "pc-faches", 540),))
    now = Moment(day=0, minute=545)  # 9:00 has begun: never booked in the past

    diff = book_newcomer(instance, plan, CandidateJoined(candidate_id="zoe"), now)

    # Bakery at 9:20 (the first free slot from now), then garage at 9:40 (the one computer is hers at 9:20).
    assert diff.assigned == (at("zoe", "bakery", "pc-faches", 560), at("zoe", "garage", "pc-faches", 580))
    assert diff.moved == ()
    assert diff.cancelled == ()
    assert check(instance, apply_repair(plan, diff), now=now) == ()


def test_a_newcomer_at_a_full_site_gets_nothing_and_nobody_moves() -> None:
    instance = tiny(person("ana"), person("bob"), person("cleo"), person("dan"), recruiters=2)
    plan = Plan(
        interviews=(
            at("ana", "bakery", "pc-0", 540),
            at("bob", "bakery", "pc-0", 560),
            at("cleo", "bakery", "pc-0", 580),
        )
    )
    diff = book_newcomer(instance, plan, CandidateJoined(candidate_id="dan"), Moment(day=0, minute=500))
    assert diff.assigned == ()


def test_a_freed_slot_goes_to_the_first_of_the_waiting_list_among_those_with_as_few_interviews() -> None:
    only_first = Window(day=0, start=540, end=560)
    people = [person(name, only_first) for name in ("ana", "bob", "cleo", "dan")]
    plan = Plan(interviews=(at("ana", "bakery", "pc-0", 540),))
    # bob and cleo come before dan by id; the list puts dan (checked in) first, then cleo.
    instance = msgspec.structs.replace(tiny(*people), waiting=("dan", "cleo"))
    withdrew = dis.CandidateWithdrew(candidate_id="ana")

    diff = repair(instance, plan, withdrew, Moment(day=0, minute=530))

    assert [i.candidate_id for i in diff.assigned] == ["dan"]
    without_list = repair(tiny(*people), plan, withdrew, Moment(day=0, minute=530))
    assert [i.candidate_id for i in without_list.assigned] == ["bob"]
