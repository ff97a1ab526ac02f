"""The day: check-in, no-shows, outcomes and second interviews, given / when / then."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import reduce

import msgspec
import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateArrivedLate,
    CandidateCheckedIn,
    CandidateMarkedNoShow,
    InterviewCompleted,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
)
from jobdating.contracts.sites import OpeningHours
from jobdating.scheduling.domain import day
from jobdating.scheduling.domain.commands import (
    CheckIn,
    MarkNoShow,
    RecordLateArrival,
    RecordOutcome,
    ScheduleSecondInterview,
)
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid
from jobdating.scheduling.domain.evolve import evolve_attendance, evolve_job_dating, evolve_slot
from jobdating.scheduling.domain.facts import CandidateFacts, ComputerFacts, Outage, SiteFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.state import AttendanceState, JobDatingState, SlotState
from jobdating.scheduling.testing import (
    COORDINATOR,
    RECRUITER,
    SITE_MANAGER,
    assigned,
    morning_company,
    planned,
)
from jobdating.testing.samples import SLOT_1

OTHER_MANAGER = Actor(org="france-travail", role="site_manager")
OTHER_RECRUITER = Actor(org="co-2", role="recruiter")
DAY = date(2026, 12, 3)
NINE = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 9:00 in Paris
JOB_DATING = reduce(
    evolve_job_dating,
    [
        planned(),
        PlanPublished(job_dating_id="jd-1", plan_id="p", slots=1, solver_status="optimal", upper_bound=1),
    ],
    JobDatingState(),
)
SITE = SiteFacts(site_id="site-seclin", host_org="mission-locale")
CANDIDATE = CandidateFacts(candidate_id="cand-1", referring_org="ml", site_id="site-seclin")
COMPANY = morning_company("co-1", day=DAY)
ASSIGNED = assigned(NINE, wish_rank=1)


def at_site(attendance: AttendanceState) -> day.Presence:
    """The candidate expected at Seclin, with `attendance` so far."""
    return day.Presence(attendance, JOB_DATING, CANDIDATE, SITE)


def slot(*events: Event) -> SlotState:
    return reduce(evolve_slot, events, SlotState())


def attendance(*events: Event) -> AttendanceState:
    return reduce(evolve_attendance, events, AttendanceState())


def test_a_site_manager_checks_a_candidate_in_at_their_own_site_once() -> None:
    command = CheckIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    events = day.check_in(command, at_site(attendance()), SITE_MANAGER, NINE)
    assert events == [
        CandidateCheckedIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin", at=NINE)
    ]
    with pytest.raises(Conflict) as refused:
        day.check_in(command, at_site(attendance(*events)), SITE_MANAGER, NINE)
    assert refused.value.problems[0].reason == "ce candidat est déjà arrivé, à 09:00"


def test_a_manager_of_another_organisation_does_not_check_in_at_this_site() -> None:
    command = CheckIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    with pytest.raises(Forbidden):
        day.check_in(command, at_site(attendance()), OTHER_MANAGER, NINE)


def test_a_candidate_checked_in_cannot_be_marked_absent_and_the_other_way_round() -> None:
    arrived = CandidateCheckedIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin", at=NINE)
    with pytest.raises(Conflict):
        day.mark_no_show(
            MarkNoShow(job_dating_id="jd-1", candidate_id="cand-1"),
            at_site(attendance(arrived)),
            SITE_MANAGER,
            NINE,
        )
    absent = day.mark_no_show(
        MarkNoShow(job_dating_id="jd-1", candidate_id="cand-1"), at_site(attendance()), SITE_MANAGER, NINE
    )
    assert absent == [
        CandidateMarkedNoShow(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    ]
    command = CheckIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    with pytest.raises(Conflict) as refused:
        day.check_in(command, at_site(attendance(*absent)), SITE_MANAGER, NINE)
    assert (
        refused.value.problems[0].reason == "ce candidat a été déclaré absent : "
        "enregistrez son arrivée en retard pour lui rendre ses entretiens"
    )


def test_a_candidate_marked_absent_who_arrives_late_is_no_longer_absent_and_is_checked_in() -> None:
    absent = attendance(
        CandidateMarkedNoShow(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    )
    command = RecordLateArrival(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    late = day.record_late_arrival(command, at_site(absent), SITE_MANAGER, NINE)
    assert late == [
        CandidateArrivedLate(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin", at=NINE)
    ]
    now = evolve_attendance(absent, late[0])
    assert (now.no_show, now.checked_in_at) == (False, NINE)
    with pytest.raises(Conflict) as twice:
        day.record_late_arrival(command, at_site(now), SITE_MANAGER, NINE)
    assert twice.value.problems[0].reason == "ce candidat est déjà arrivé, à 09:00"


def test_a_late_arrival_is_only_for_a_candidate_marked_absent_and_only_by_the_site_host() -> None:
    command = RecordLateArrival(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    with pytest.raises(Conflict) as not_absent:
        day.record_late_arrival(command, at_site(attendance()), SITE_MANAGER, NINE)
    assert (
        not_absent.value.problems[0].reason
        == "ce candidat n'a pas été déclaré absent : enregistrez simplement son arrivée"
    )
    absent = attendance(
        CandidateMarkedNoShow(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    )
    with pytest.raises(Forbidden):
        day.record_late_arrival(command, at_site(absent), OTHER_MANAGER, NINE)


def test_a_check_in_or_a_no_show_ten_days_before_the_job_dating_is_refused() -> None:
    ten_days_ahead = NINE - timedelta(days=10)
    check_in = CheckIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    no_show = MarkNoShow(job_dating_id="jd-1", candidate_id="cand-1")
    with pytest.raises(Conflict) as early_check_in:
        day.check_in(check_in, at_site(attendance()), SITE_MANAGER, ten_days_ahead)
    with pytest.raises(Conflict) as early_no_show:
        day.mark_no_show(no_show, at_site(attendance()), SITE_MANAGER, ten_days_ahead)
    reason = "le job dating n'a pas encore commencé : il commence le 03/12/2026"
    assert early_check_in.value.problems[0].reason == early_no_show.value.problems[0].reason == reason


def test_the_day_begins_at_local_midnight_of_the_first_day_of_the_job_dating() -> None:
    paris_midnight = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # 3 December, 00:00 in Paris
    command = CheckIn(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
    with pytest.raises(Conflict):
        day.check_in(command, at_site(attendance()), SITE_MANAGER, paris_midnight - timedelta(seconds=1))
    events = day.check_in(command, at_site(attendance()), SITE_MANAGER, paris_midnight)
    assert [type(e) for e in events] == [CandidateCheckedIn]
    no_show = MarkNoShow(job_dating_id="jd-1", candidate_id="cand-1")
    absent = day.mark_no_show(no_show, at_site(attendance()), SITE_MANAGER, paris_midnight)
    assert [type(e) for e in absent] == [CandidateMarkedNoShow]


def test_a_recruiter_records_the_outcome_of_their_companys_interview_once_it_began() -> None:
    command = RecordOutcome(slot_id="slot-1", outcome="second_interview")
    with pytest.raises(Conflict):
        day.record_outcome(command, slot(ASSIGNED), RECRUITER, NINE - timedelta(minutes=1))
    events = day.record_outcome(command, slot(ASSIGNED), RECRUITER, NINE + timedelta(minutes=5))
    assert events == [
        InterviewCompleted(
            **SLOT_1,
            outcome="second_interview",
        )
    ]
    with pytest.raises(Conflict) as refused:
        day.record_outcome(command, slot(ASSIGNED, *events), RECRUITER, NINE + timedelta(minutes=30))
    assert refused.value.problems[0].reason == "le résultat est déjà enregistré : second entretien"


def test_a_recruiter_of_another_company_records_nothing_and_a_cancelled_slot_has_no_outcome() -> None:
    command = RecordOutcome(slot_id="slot-1", outcome="hired")
    with pytest.raises(Forbidden):
        day.record_outcome(command, slot(ASSIGNED), OTHER_RECRUITER, NINE + timedelta(minutes=5))
    cancelled = SlotCancelled(
        **SLOT_1,
        reason="company_left",
    )
    with pytest.raises(Conflict):
        day.record_outcome(command, slot(ASSIGNED, cancelled), COORDINATOR, NINE + timedelta(minutes=5))


def completed_first() -> SlotState:
    done = InterviewCompleted(
        **SLOT_1,
        outcome="second_interview",
    )
    return slot(ASSIGNED, done)


def second(starts_at: datetime, computer_id: str | None = None) -> ScheduleSecondInterview:
    return ScheduleSecondInterview(
        first_slot_id="slot-1", slot_id="slot-2", starts_at=starts_at, computer_id=computer_id
    )


COMPUTERS = [
    ComputerFacts(computer_id="pc-1", site_id="site-seclin"),
    ComputerFacts(computer_id="pc-2", site_id="site-seclin"),
]


def book(
    command: ScheduleSecondInterview,
    first: SlotState | None = None,
    *,
    site: SiteFacts = SITE,
    computers: list[ComputerFacts] = COMPUTERS,
    active: list[SlotState] | None = None,
) -> list[Event]:
    return day.schedule_second_interview(
        command,
        first or completed_first(),
        JOB_DATING,
        RECRUITER,
        COMPANY,
        site,
        computers,
        active or [],
        "https://v/x",
        NINE,
    )


def booked_elsewhere(slot_id: str, at: datetime, **changes: object) -> SlotState:
    return msgspec.structs.replace(
        slot(ASSIGNED), slot_id=slot_id, starts_at=at, ends_at=at + timedelta(minutes=20), **changes
    )


def test_a_second_interview_takes_the_first_free_computer_of_the_site() -> None:
    at = NINE + timedelta(hours=2)
    busy = booked_elsewhere("other", at, candidate_id="cand-9", company_id="co-9")
    [booked] = book(second(at), active=[busy])
    assert isinstance(booked, SlotAssigned)
    assert (booked.kind, booked.computer_id, booked.starts_at, booked.ends_at, booked.video_link) == (
        "second_interview",
        "pc-2",
        at,
        at + timedelta(minutes=20),
        "https://v/x",
    )


def test_a_second_interview_keeps_the_buffer_after_the_candidates_other_interview() -> None:
    other = booked_elsewhere("slot-3", NINE + timedelta(hours=1), company_id="co-3")
    with pytest.raises(Conflict) as refused:
        book(second(NINE + timedelta(hours=1, minutes=25)), active=[other])
    assert refused.value.problems[0].reason == (
        "le candidat a un entretien de 10:00 à 10:20 : choisissez une autre heure"
    )


def test_a_second_interview_needs_a_free_recruiter_a_working_computer_and_a_time_to_come() -> None:
    at = NINE + timedelta(hours=2)
    recruiter_busy = booked_elsewhere("s9", at, candidate_id="cand-9")
    with pytest.raises(Conflict):
        book(second(at), active=[recruiter_busy])
    broken = [ComputerFacts(computer_id="pc-1", site_id="site-seclin", outages=(Outage(since=NINE),))]
    with pytest.raises(Conflict):
        book(second(at, "pc-1"), computers=broken)
    with pytest.raises(Invalid):
        book(second(NINE - timedelta(hours=1)))


def test_a_second_interview_happens_while_the_site_is_open() -> None:
    mornings = SiteFacts(
        site_id="site-seclin",
        host_org="mission-locale",
        hours=(OpeningHours(day=DAY, start=time(8), end=time(13)),),
    )
    with pytest.raises(Conflict) as refused:
        book(second(NINE + timedelta(hours=4)), site=mornings)
    assert refused.value.problems[0].reason == "le site du candidat est ouvert ce jour-là : 08:00-13:00"


def test_a_second_interview_follows_only_an_outcome_asking_for_it() -> None:
    hired = InterviewCompleted(**SLOT_1, outcome="hired")
    with pytest.raises(Conflict):
        book(second(NINE + timedelta(hours=2)), slot(ASSIGNED, hired))
