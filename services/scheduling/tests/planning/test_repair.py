"""Repairs: whatever happens on the day, no rule breaks, and only what had to change changes."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jobdating.scheduling.planning import disruption as dis
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.generate import reference_day
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Plan, Window
from jobdating.scheduling.planning.repair import Repair, apply_repair, repair
from jobdating.scheduling.planning.solve import greedy, solve

from .builders import at, person, tiny, two_sites, wishing
from .strategies import small_instances

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Eight kinds of disruption, of which a candidate's or a company's change breaks something in only ~2 % of
# draws: enough examples that each path is taken in every run (about 2 s).
MANY = settings(SETTINGS, max_examples=300)
WINDOW_RULES = {"candidate_unavailable", "company_closed", "site_closed", "computer_unavailable"}
# What a candidate's change can make impossible besides their windows.
CHANGE_RULES = WINDOW_RULES | {"wrong_site", "not_wished", "company_not_at_site", "forbidden"}
# A company with fewer recruiters: some of its interviews go beyond them.
COMPANY_RULES = WINDOW_RULES | {"recruiters_exceeded"}


def touches(interview: Interview, disruption: dis.Disruption) -> bool:
    """Whether the disruption concerns the interview's candidate, company, computer or site (that day)."""
    match disruption:
        case dis.CandidateWithdrew(candidate_id=c) | dis.CandidateChanged(candidate_id=c):
            return interview.candidate_id == c
        case dis.CandidateNoShow(candidate_id=c, day=d):
            return interview.candidate_id == c and interview.day == d
        case dis.CompanyLate(company_id=k, day=d) | dis.CompanyLeft(company_id=k, day=d):
            return interview.company_id == k and interview.day == d
        case dis.CompanyChanged(company_id=k):
            return interview.company_id == k
        case dis.ComputerBroke(computer_id=p):
            return interview.computer_id == p
        case dis.SiteClosed(site_id=s):
            return interview.site_id == s
    raise AssertionError(disruption)


@dataclass(frozen=True)
class Step:
    kind: int
    pick: int
    day: int
    minute: int
    advance: int


Scenario = tuple[Instance, list[Step], bool]
"""An instance, the steps of its day, and whether its plan is the optimal one (else the greedy one)."""


def on_the_day(draw: st.DrawFn, instance: Instance) -> Scenario:
    """Up to four steps of the day on `instance` (kinds 0-7, see `disruption_of`), and whether the plan is
    the optimal one or the greedy one."""
    step = st.builds(
        Step,
        kind=st.integers(0, 7),
        pick=st.integers(0, 100),
        day=st.integers(0, len(instance.days) - 1),
        minute=st.integers(540, 700),
        advance=st.integers(0, 60),
    )
    return instance, draw(st.lists(step, min_size=1, max_size=4)), draw(st.booleans())


@st.composite
def days_on_site(draw: st.DrawFn) -> Scenario:
    instance = draw(small_instances(candidates=(2, 8), companies=(1, 4), slots=(3, 7)))
    return on_the_day(draw, instance)


def changed_candidate(instance: Instance, step: Step, at: Moment) -> dis.CandidateChanged:
    """A candidate who, at `at`, chose another site (or left the job dating's sites), dropped their last
    wish, or is no longer available before `at`'s minute that day; `pick` chooses what."""
    old = instance.candidates[step.pick % len(instance.candidates)]
    if step.pick % 7 == 0:
        return dis.CandidateChanged(candidate_id=old.id, candidate=None)
    site_id = instance.sites[(step.pick // 2) % len(instance.sites)].id
    wishes = old.wishes[:-1] if step.pick % 3 == 0 and len(old.wishes) > 1 else old.wishes
    available = old.available
    if step.pick % 5 == 0:  # arrives later that day
        available = tuple(
            Window(day=w.day, start=max(w.start, at.minute), end=w.end) if w.day == at.day else w
            for w in old.available
            if w.day != at.day or w.end > at.minute
        )
    new = msgspec.structs.replace(old, site_id=site_id, wishes=wishes, available=available)
    return dis.CandidateChanged(candidate_id=old.id, candidate=new)


def changed_company(instance: Instance, step: Step, at: Moment) -> dis.CompanyChanged:
    """A company with one recruiter fewer (at least one), or leaving earlier on `at`'s day."""
    old = instance.companies[step.pick % len(instance.companies)]
    if step.pick % 2:
        new = msgspec.structs.replace(old, recruiters=max(1, old.recruiters - 1))
    else:
        windows = tuple(
            Window(day=w.day, start=w.start, end=min(w.end, max(w.start, at.minute + 40)))
            if w.day == at.day
            else w
            for w in old.windows
        )
        new = msgspec.structs.replace(old, windows=tuple(w for w in windows if w.end > w.start))
    return dis.CompanyChanged(company_id=old.id, company=new)


def disruption_of(instance: Instance, step: Step, now: Moment) -> dis.Disruption:
    candidate = instance.candidates[step.pick % len(instance.candidates)].id
    company = instance.companies[step.pick % len(instance.companies)].id
    at = Moment(day=step.day, minute=step.minute)
    at = max(at, now)
    match step.kind:
        case 0:
            return dis.CandidateWithdrew(candidate_id=candidate)
        case 1:
            return dis.CandidateNoShow(candidate_id=candidate, day=now.day)
        case 2:
            return dis.CompanyLate(company_id=company, day=at.day, arrives=at.minute)
        case 3:
            return dis.CompanyLeft(company_id=company, day=at.day, at=at.minute)
        case 4:
            return dis.ComputerBroke(
                computer_id=instance.computers[step.pick % len(instance.computers)].id, at=at
            )
        case 6:
            return changed_candidate(instance, step, at)
        case 7:
            return changed_company(instance, step, at)
    return dis.SiteClosed(site_id=instance.sites[step.pick % len(instance.sites)].id, at=at)


def assert_minimal(
    plan: Plan, diff: Repair, disruption: dis.Disruption, now: Moment, after: Instance
) -> None:
    """Only interviews the disruption made impossible changed; moves stay at the site; new interviews only
    take what was freed."""
    new = apply_repair(plan, diff)
    aside = [m for m in diff.moved if m.making_room_for is not None]
    saved = {m.before.pair: m for m in diff.moved if m.making_room_for is None}
    for m in aside:  # a chain: one interview moved aside for one affected interview that moved, never more
        assert m.making_room_for in saved
        assert [a.making_room_for for a in aside].count(m.making_room_for) == 1
        assert m.before.begins >= now
        assert m.after.site_id == m.before.site_id
    diff = Repair(
        cancelled=diff.cancelled, moved=tuple(saved.values()), assigned=diff.assigned
    )  # what the disruption itself changed
    changed = [c.interview for c in diff.cancelled] + [m.before for m in diff.moved]
    for interview in plan.interviews:
        if interview in {m.before for m in aside}:
            continue
        if not touches(interview, disruption) or interview.begins < now:
            assert interview in new.interviews, interview
    rules = CHANGE_RULES if isinstance(disruption, dis.CandidateChanged) else WINDOW_RULES
    for interview in changed:
        assert interview in plan.interviews
        assert touches(interview, disruption)
        assert interview.begins >= now
        if isinstance(disruption, dis.CompanyChanged):
            # Beyond the recruiters is a rule of the interviews together: it broke at that slot.
            slot = Plan(interviews=tuple(i for i in plan.interviews if i.begins == interview.begins))
            assert {v.rule for v in check(after, slot)} & COMPANY_RULES, interview
        else:
            assert {v.rule for v in check(after, Plan(interviews=(interview,)))} & rules, interview
    for move in diff.moved:
        assert move.after.pair == move.before.pair
        if isinstance(disruption, dis.CandidateChanged):
            assert disruption.candidate is not None, "a candidate gone from the sites has nothing moved"
            assert move.after.site_id == disruption.candidate.site_id
        else:
            assert move.after.site_id == move.before.site_id
        assert move.after.begins >= now
    freed = {(i.computer_id, i.day, i.start) for i in [*changed, *(m.before for m in aside)]}
    for interview in diff.assigned:
        assert interview.begins >= now
        assert (interview.computer_id, interview.day, interview.start) in freed
        assert interview.pair not in {i.pair for i in plan.interviews}


@MANY
@given(days_on_site())
def test_repairs_never_break_a_rule_and_change_only_what_they_must(scenario: Scenario) -> None:
    instance, steps, optimised = scenario
    solution = solve(instance) if optimised else greedy(instance)
    plan = solution.plan
    now = Moment(day=0, minute=530)
    # Pins the planner reported impossible, then those a repair had to cancel, may be missing.
    lost_pins = {(p.candidate_id, p.company_id) for p in instance.pins} if solution.reasons else set()
    for step in steps:
        now = Moment(day=now.day, minute=now.minute + step.advance)
        disruption = disruption_of(instance, step, now)
        diff = repair(instance, plan, disruption, now)
        event(f"{type(disruption).__name__}: {'changes' if diff != Repair() else 'nothing'}")
        if any(m.making_room_for for m in diff.moved):
            event("a chain saved an interview")
        after = dis.apply_disruption(instance, disruption, now)
        assert_minimal(plan, diff, disruption, now, after)
        for cancellation in diff.cancelled:
            assert cancellation.reason == type(disruption).__struct_config__.tag
            assert cancellation.detail
        lost_pins |= {c.interview.pair for c in diff.cancelled}
        instance, plan = after, apply_repair(plan, diff)
        pins = {(p.candidate_id, p.company_id) for p in instance.pins}
        violations = {v.rule for v in check(instance, plan, now=now)}
        if pins <= lost_pins | {i.pair for i in plan.interviews}:
            violations.discard("pin_missing")
        assert violations == set()


@SETTINGS
@given(days_on_site())
def test_applying_a_disruption_twice_changes_nothing_more(scenario: Scenario) -> None:
    instance, steps, _ = scenario
    now = Moment(day=0, minute=600)
    for step in steps:
        disruption = disruption_of(instance, step, now)
        once = dis.apply_disruption(instance, disruption, now)
        assert dis.apply_disruption(once, disruption, now) == once


def test_a_computer_breaking_mid_morning_is_repaired_at_its_site_and_nothing_else_changes() -> None:
    """4 sites, 18 computers, 50 candidates, 15 companies, 20-minute interviews, one morning."""
    instance = reference_day()
    plan = solve(instance).plan
    now = Moment(day=0, minute=10 * 60 + 5)
    busiest = max(
        {i.computer_id for i in plan.interviews},
        key=lambda p: sum(1 for i in plan.interviews if i.computer_id == p and i.begins >= now),
    )
    affected = {i for i in plan.interviews if i.computer_id == busiest and i.begins >= now}
    assert len(affected) >= 3
    broke = dis.ComputerBroke(computer_id=busiest, at=now)
    diff = repair(instance, plan, broke, now)
    assert {m.before for m in diff.moved} | {c.interview for c in diff.cancelled} == affected
    for move in diff.moved:
        assert move.after.site_id == move.before.site_id
        assert move.after.computer_id != busiest
        assert move.after.pair == move.before.pair
        assert move.reason == "computer_broken"
    for cancellation in diff.cancelled:
        assert cancellation.reason == "computer_broken"
        assert "computer" in cancellation.detail
    assert diff.assigned == ()
    repaired = apply_repair(plan, diff)
    assert set(repaired.interviews) - {m.after for m in diff.moved} == set(plan.interviews) - affected
    assert check(dis.apply_disruption(instance, broke, now), repaired, now=now) == ()


def test_a_withdrawal_gives_the_freed_slot_to_the_waiting_list() -> None:
    only_first = Window(day=0, start=540, end=560)
    instance = tiny(person("ana", only_first), person("bob", only_first), person("cleo", only_first))
    plan = solve(instance).plan
    (booked,) = plan.interviews
    waiting = sorted({"ana", "bob", "cleo"} - {booked.candidate_id})
    diff = repair(
        instance, plan, dis.CandidateWithdrew(candidate_id=booked.candidate_id), Moment(day=0, minute=530)
    )
    assert [c.reason for c in diff.cancelled] == ["candidate_withdrew"]
    assert diff.moved == ()
    (refill,) = diff.assigned
    assert refill.candidate_id == waiting[0]
    assert (refill.computer_id, refill.start) == (booked.computer_id, 540)


def test_a_late_company_moves_its_interviews_later_on_the_same_site() -> None:
    instance = tiny(person("ana"))
    plan = solve(instance).plan
    assert [i.start for i in plan.interviews] == [540]
    diff = repair(
        instance, plan, dis.CompanyLate(company_id="bakery", day=0, arrives=570), Moment(day=0, minute=530)
    )
    (move,) = diff.moved
    assert move.after.start == 580
    assert move.reason == "company_late"
    assert diff.cancelled == ()


def test_a_broken_computer_prefers_another_computer_at_the_same_time() -> None:
    instance = tiny(person("ana"), computers=2)
    plan = solve(instance).plan
    (booked,) = plan.interviews
    now = Moment(day=0, minute=530)
    diff = repair(instance, plan, dis.ComputerBroke(computer_id=booked.computer_id, at=now), now)
    (move,) = diff.moved
    assert move.after.start == booked.start
    assert move.after.computer_id != booked.computer_id


def test_past_and_running_interviews_never_change() -> None:
    instance = tiny(person("ana"), person("bob"), computers=1, recruiters=1)
    plan = solve(instance).plan
    running = next(i for i in plan.interviews if i.start == 540)
    now = Moment(day=0, minute=550)
    diff = repair(instance, plan, dis.ComputerBroke(computer_id=running.computer_id, at=now), now)
    assert running not in {c.interview for c in diff.cancelled} | {m.before for m in diff.moved}
    assert running in apply_repair(plan, diff).interviews


def test_a_candidate_who_changes_site_takes_their_interviews_to_come_to_the_new_site() -> None:
    instance = two_sites(wishing("ana"), wishing("bob"))
    plan = solve(instance).plan
    ana = sorted((i for i in plan.interviews if i.candidate_id == "ana"), key=lambda i: i.start)
    assert [i.site_id for i in ana] == ["faches", "faches"]
    now = Moment(day=0, minute=ana[0].start + 5)  # the first one is running
    moved_to_seclin = msgspec.structs.replace(instance.candidates[0], site_id="seclin")
    change = dis.CandidateChanged(candidate_id="ana", candidate=moved_to_seclin)
    diff = repair(instance, plan, change, now)
    (move,) = diff.moved
    assert move.before == ana[1]
    assert (move.after.site_id, move.after.computer_id, move.after.start) == (
        "seclin",
        "pc-seclin",
        ana[1].start,
    )
    assert move.reason == "candidate_changed"
    assert diff.cancelled == ()
    repaired = apply_repair(plan, diff)
    assert ana[0] in repaired.interviews, "the running interview stays where it is"
    assert check(dis.apply_disruption(instance, change, now), repaired, now=now) == ()


def test_a_wish_dropped_after_publication_cancels_that_interview_only() -> None:
    instance = two_sites(wishing("ana"))
    plan = solve(instance).plan
    assert {i.company_id for i in plan.interviews} == {"bakery", "garage"}
    now = Moment(day=0, minute=530)
    change = dis.CandidateChanged(candidate_id="ana", candidate=wishing("ana", wishes=("bakery",)))
    diff = repair(instance, plan, change, now)
    (cancelled,) = diff.cancelled
    assert cancelled.interview.company_id == "garage"
    assert cancelled.reason == "candidate_changed"
    assert "no longer asks" in cancelled.detail
    assert diff.moved == ()


def test_a_candidate_who_leaves_the_job_datings_sites_keeps_nothing_to_come() -> None:
    instance = two_sites(wishing("ana"), wishing("bob", wishes=("bakery",)))
    plan = solve(instance).plan
    now = Moment(day=0, minute=530)
    diff = repair(instance, plan, dis.CandidateChanged(candidate_id="ana", candidate=None), now)
    assert {c.interview.candidate_id for c in diff.cancelled} == {"ana"}
    assert len(diff.cancelled) == 2
    assert {c.reason for c in diff.cancelled} == {"candidate_changed"}
    assert diff.moved == ()


def test_a_company_with_a_recruiter_fewer_moves_the_interviews_beyond_it_and_keeps_the_others() -> None:
    """Two recruiters and two computers at 9:00; one recruiter is left: one 9:00 interview moves later."""
    instance = tiny(person("ana"), person("bob"), computers=2, recruiters=2)
    plan = Plan(interviews=(at("ana", "bakery", "pc-0", 540), at("bob", "bakery", "pc-1", 540)))
    assert check(instance, plan) == ()
    fewer = msgspec.structs.replace(instance.companies[0], recruiters=1)
    now = Moment(day=0, minute=530)
    change = dis.CompanyChanged(company_id="bakery", company=fewer)
    diff = repair(instance, plan, change, now)
    (move,) = diff.moved
    assert move.before.computer_id == "pc-1"
    assert move.after.start == 560
    assert move.reason == "company_changed"
    assert diff.cancelled == ()
    assert check(dis.apply_disruption(instance, change, now), apply_repair(plan, diff), now=now) == ()
