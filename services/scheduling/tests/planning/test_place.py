"""The exact placement of a segment's pairs: what fitted once fits again, and the rules still hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobdating.scheduling.planning import model as m
from jobdating.scheduling.planning.board import Board
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.deadline import Deadline
from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.greedy import greedy_board
from jobdating.scheduling.planning.highs import solve_highs
from jobdating.scheduling.planning.model import Instance, Plan, Window
from jobdating.scheduling.planning.objective import score, weights
from jobdating.scheduling.planning.place import place_segments
from jobdating.scheduling.planning.relax import segments

from .builders import FIRST_DAY, SECOND_DAY, on_day_two, one_wish, person, tiny, two_days
from .strategies import small_instances

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_instances(candidates=(2, 10), companies=(1, 4), slots=(2, 7), pins=False), st.data())
def test_interviews_taken_off_a_valid_plan_are_all_placed_again(
    instance: Instance, data: st.DataObject
) -> None:
    # The plan they came from proves they fit with everybody else where they are: the exact program
    # must find a placement, in their own segment, and break no rule.
    frame = Frame(instance)
    board, _ = greedy_board(instance, frame)
    interviews = sorted(board.seat.values(), key=lambda i: (i.candidate_id, i.company_id))
    if not interviews:
        return
    before = score(instance, Plan(interviews=tuple(interviews)), frame)
    taken = data.draw(st.lists(st.sampled_from(interviews), min_size=1, max_size=4, unique=True))
    segment_of = segments(frame)
    segment = {i.pair: segment_of[board.slot(i)] for i in interviews}
    for interview in taken:
        board.remove(interview)
    group = sorted(frame.candidates)
    left, _, steps = place_segments(
        board,
        weights(instance),
        group,
        segment,
        segment_of,
        sorted(i.pair for i in taken),
        solve_highs,
        Deadline.after(30),
        1,
    )
    assert left == [], steps
    plan = Plan(interviews=tuple(board.seat.values()))
    assert check(instance, plan) == ()
    assert {i.pair for i in plan.interviews} == {i.pair for i in interviews}
    assert score(instance, plan, frame) == before
    assert {segment_of[board.slot(i)] for i in plan.interviews if i in taken} <= {
        segment[i.pair] for i in taken
    }


def test_a_pair_that_cannot_fit_is_left_out_and_the_plan_kept() -> None:
    # One slot, one recruiter: the second candidate's interview with the same company cannot be placed.
    nine = Window(day=0, start=540, end=560)
    instance = tiny(person("ana", nine), person("bob", nine))
    frame = Frame(instance)
    board, _ = greedy_board(instance, frame)
    kept = sorted(board.seat.values(), key=lambda i: i.candidate_id)
    segment_of = segments(frame)
    company_id = instance.companies[0].id
    missing = [(c.id, company_id) for c in instance.candidates if (c.id, company_id) not in board.met]
    segment = {i.pair: segment_of[board.slot(i)] for i in kept}
    segment.update(dict.fromkeys(missing, 0))
    left, _, _ = place_segments(
        board,
        weights(instance),
        sorted(frame.candidates),
        segment,
        segment_of,
        missing,
        solve_highs,
        Deadline.after(30),
        1,
    )
    assert len(missing) == 1
    assert left == missing
    assert sorted(board.seat.values(), key=lambda i: i.candidate_id) == kept
    assert Board(frame, kept).met == board.met


def test_pairs_the_clock_stopped_are_reported_and_placed_by_a_second_try() -> None:
    # No time at all: nothing is tried, every missing pair is reported as cut (not as proven unplaceable);
    # the second try, with time, places them where they were.
    instance = tiny(person("ana"), person("bob"), computers=2, recruiters=2)
    frame = Frame(instance)
    board, _ = greedy_board(instance, frame)
    taken = sorted(board.seat.values(), key=lambda i: i.candidate_id)
    assert taken
    segment_of = segments(frame)
    segment = {i.pair: segment_of[board.slot(i)] for i in taken}
    for interview in taken:
        board.remove(interview)
    missing = sorted(segment)
    group = sorted(frame.candidates)
    cut: list[tuple[str, str]] = []
    left, _, steps = place_segments(
        board, weights(instance), group, segment, segment_of, missing, solve_highs, Deadline.after(0), 1, cut
    )
    assert left == missing
    assert cut == missing
    assert steps == []
    left, _, _ = place_segments(
        board, weights(instance), group, segment, segment_of, cut, solve_highs, Deadline.after(30), 1
    )
    assert left == []
    assert check(instance, Plan(interviews=tuple(board.seat.values()))) == ()
    assert board.met == set(segment)


def _place_bob(ana_chosen_day: int) -> tuple[m.Instance, Board, list[tuple[str, str]]]:
    """Ana (there both days) sits on day 2, bob (only there on day 2) is missing, one recruiter; the
    relaxation chose `ana_chosen_day` for ana and day 2 for bob. Bob is placed; the pairs left out."""
    instance = two_days(one_wish("ana", FIRST_DAY, SECOND_DAY), one_wish("bob", SECOND_DAY))
    frame = Frame(instance)
    segment_of = segments(frame)
    board = Board(frame)
    board.add(on_day_two("ana"))
    days = {frame.slots[t][0]: segment_of[t] for t in range(len(frame.slots))}
    bob = ("bob", "bakery")
    segment = {("ana", "bakery"): days[ana_chosen_day], bob: days[1]}
    group, solver = sorted(frame.candidates), (solve_highs, Deadline.after(30), 1)
    left, _, _ = place_segments(board, weights(instance), group, segment, segment_of, [bob], *solver)
    return instance, board, left


def test_a_pair_held_in_the_wrong_segment_gives_way_to_the_missing_one() -> None:
    # The relaxation chose day 1 for ana, but she sits on day 2: no neighbourhood of bob's segment can
    # place him (ana's interview there is kept); placing both segments anew with the relaxation's choice
    # places both, and the plan reaches the bound.
    instance, board, left = _place_bob(ana_chosen_day=0)
    assert left == []
    plan = Plan(interviews=tuple(board.seat.values()))
    assert check(instance, plan) == ()
    assert {(i.candidate_id, i.day) for i in plan.interviews} == {("ana", 0), ("bob", 1)}


def test_a_segment_whose_choice_cannot_fit_keeps_the_plan() -> None:
    # Both chosen for day 2, one recruiter: the segment placed anew cannot hold them, the plan stays.
    _, board, left = _place_bob(ana_chosen_day=1)
    assert left == [("bob", "bakery")]
    assert list(board.seat.values()) == [on_day_two("ana")]
