"""A job dating in the planner's terms: what the facts make possible, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from jobdating.contracts.registration import Availability, Wish
from jobdating.contracts.sites import OpeningHours
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.evolve import evolve_job_dating
from jobdating.scheduling.domain.facts import (
    CandidateFacts,
    ComputerFacts,
    Facts,
    Outage,
    SiteFacts,
)
from jobdating.scheduling.domain.instance import build_instance, fingerprint
from jobdating.scheduling.domain.state import JobDatingState
from jobdating.scheduling.planning.model import Moment, Window
from jobdating.scheduling.testing import held, morning_company, planned

DAY = date(2026, 12, 3)
JOB_DATING = evolve_job_dating(
    JobDatingState(),
    planned("site-a"),
)


def paris(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 3, hour - 1, minute, tzinfo=UTC)  # Paris is UTC+1 in December


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {
        "candidates": (
            CandidateFacts(
                candidate_id="cand-1",
                referring_org="ml",
                site_id="site-a",
                wishes=(Wish(rank=1, sector="logistique"), Wish(rank=2, company_id="co-b")),
                availability=(Availability(day=DAY, start=time(9), end=time(12)),),
            ),
        ),
        "companies": (
            morning_company("co-a"),
            morning_company("co-b", sector="commerce", recruiters=2),
            morning_company("co-c"),
        ),
        "sites": (
            SiteFacts(
                site_id="site-a", host_org="ml", hours=(OpeningHours(day=DAY, start=time(8), end=time(12)),)
            ),
        ),
        "computers": (ComputerFacts(computer_id="pc-1", site_id="site-a"),),
    }
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


def test_a_sector_wish_stands_for_every_company_of_that_sector_at_its_rank() -> None:
    instance = build_instance(JOB_DATING, facts())
    assert instance.candidates[0].wishes == ("co-a", "co-c", "co-b")


def test_a_site_opens_where_its_job_dating_window_and_its_hours_meet() -> None:
    instance = build_instance(JOB_DATING, facts())
    assert instance.sites[0].opening == (Window(day=0, start=510, end=720),)
    assert instance.days[0].start == 510


def test_a_computer_out_of_order_is_available_only_before_it_broke_and_after_it_came_back() -> None:
    outage = Outage(since=paris(10, 5), until=paris(11))
    instance = build_instance(
        JOB_DATING, facts(computers=(ComputerFacts(computer_id="pc-1", site_id="site-a", outages=(outage,)),))
    )
    assert instance.computers[0].available == (
        Window(day=0, start=510, end=605),
        Window(day=0, start=660, end=720),
    )


def test_a_withdrawn_candidate_stays_known_with_no_time_left() -> None:
    gone = CandidateFacts(
        candidate_id="cand-1",
        referring_org="ml",
        site_id="site-a",
        withdrawn_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    instance = build_instance(JOB_DATING, facts(candidates=(gone,)))
    assert [(c.id, c.available) for c in instance.candidates] == [("cand-1", ())]


def test_a_no_show_loses_the_rest_of_the_day_and_a_second_interview_its_time_and_buffer() -> None:
    second = held(paris(10), slot_id="s2", company_id="co-a", site_id="site-a", kind="second_interview")
    instance = build_instance(JOB_DATING, facts(), second_interviews=[second])
    assert instance.candidates[0].available == (
        Window(day=0, start=540, end=590),
        Window(day=0, start=630, end=720),
    )
    assert instance.computers[0].available == (
        Window(day=0, start=510, end=600),
        Window(day=0, start=620, end=720),
    )
    absent = build_instance(JOB_DATING, facts(), absent={"cand-1": paris(9, 40)})
    assert absent.candidates[0].available == (Window(day=0, start=540, end=580),)


def test_any_change_of_the_facts_changes_the_fingerprint() -> None:
    before = fingerprint(build_instance(JOB_DATING, facts()))
    assert before == fingerprint(build_instance(JOB_DATING, facts()))
    fewer = facts(computers=())
    assert fingerprint(build_instance(JOB_DATING, fewer)) != before


def test_now_in_the_planners_terms_rounds_up_to_the_next_minute() -> None:
    cal = Calendar(JOB_DATING)
    assert cal.moment(paris(10, 7).replace(second=30), round_up=True) == Moment(day=0, minute=608)
    assert cal.moment(paris(10, 7)) == Moment(day=0, minute=607)
    assert cal.moment(datetime(2026, 11, 1, tzinfo=UTC)) == Moment(day=0, minute=0)
    assert cal.moment(datetime(2026, 12, 5, tzinfo=UTC)) == Moment(day=1, minute=0)
