"""Collective preparation workshops, given / when / then."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any

import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    WorkshopAttendanceRecorded,
    WorkshopScheduled,
)
from jobdating.scheduling.domain import workshops
from jobdating.scheduling.domain.coaches import AccountFacts
from jobdating.scheduling.domain.commands import (
    Coach,
    EnrolInWorkshop,
    RecordWorkshopAttendance,
    ScheduleWorkshop,
)
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid
from jobdating.scheduling.domain.evolve import evolve_job_dating, evolve_workshop
from jobdating.scheduling.domain.facts import CandidateFacts, RoomFacts, SiteFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.state import JobDatingState, WorkshopState
from jobdating.scheduling.testing import COORDINATOR, COUNSELLOR, planned
from jobdating.testing.samples import sample_of

PLIE_COACH = Actor(org="plie-lille-sud", role="counsellor")
DAY = date(2026, 12, 3)
STARTS = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)
BEFORE = STARTS - timedelta(days=3)
JOB_DATING = evolve_job_dating(
    JobDatingState(),
    planned(),
)
SITE = SiteFacts(site_id="site-seclin", host_org="mission-locale")
ROOM = RoomFacts(site_id="site-seclin", room_id="room-1", capacity=12)
COACHES = (Coach(coach_id="coach-ml", org="mission-locale"), Coach(coach_id="coach-ft", org="france-travail"))
ACCOUNTS = {
    "coach-ml": AccountFacts(account_id="coach-ml", org="mission-locale", roles=("coach",)),
    "coach-ml2": AccountFacts(account_id="coach-ml2", org="mission-locale", roles=("coach",)),
    "coach-ft": AccountFacts(account_id="coach-ft", org="france-travail", roles=("coach",)),
}
FREE: dict[str, Any] = {"accounts": ACCOUNTS, "coach_clashes": ()}


def schedule(**changes: object) -> ScheduleWorkshop:
    fields: dict[str, object] = {
        "workshop_id": "ws-1",
        "job_dating_id": "jd-1",
        "site_id": "site-seclin",
        "room_id": "room-1",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "coaches": COACHES,
        "capacity": 2,
    }
    fields.update(changes)
    return ScheduleWorkshop(**fields)  # type: ignore[arg-type]


def given(*events: Event) -> WorkshopState:
    return reduce(evolve_workshop, events, WorkshopState())


# The sample's session (ws-1 of jd-1, in room-1 at site-seclin), for two, run by these coaches.
SCHEDULED = sample_of(
    WorkshopScheduled,
    starts_at=STARTS,
    ends_at=STARTS + timedelta(hours=2),
    capacity=2,
    coach_ids=("coach-ml", "coach-ft"),
)


def candidate(n: int, org: str = "mission-locale") -> CandidateFacts:
    return CandidateFacts(candidate_id=f"cand-{n}", referring_org=org, site_id="site-seclin")


def test_a_pair_of_coaches_from_two_organisations_runs_a_session_in_a_room() -> None:
    events = workshops.schedule_workshop(
        schedule(), WorkshopState(), COUNSELLOR, JOB_DATING, SITE, ROOM, room_taken=False, **FREE
    )
    assert events == [SCHEDULED]


def test_two_coaches_of_the_same_organisation_are_refused_with_the_reason() -> None:
    same = (
        Coach(coach_id="coach-ml", org="mission-locale"),
        Coach(coach_id="coach-ml2", org="mission-locale"),
    )
    with pytest.raises(Invalid) as refused:
        workshops.schedule_workshop(
            schedule(coaches=same), WorkshopState(), COORDINATOR, JOB_DATING, SITE, ROOM, False, **FREE
        )
    assert refused.value.problems[0].field == "coaches"
    assert refused.value.problems[0].reason == (
        "les deux animateurs doivent venir de deux structures partenaires différentes"
    )


def test_a_session_takes_no_more_people_than_its_room_and_never_a_taken_room() -> None:
    with pytest.raises(Invalid) as refused:
        workshops.schedule_workshop(
            schedule(capacity=13), WorkshopState(), COORDINATOR, JOB_DATING, SITE, ROOM, False, **FREE
        )
    assert refused.value.problems[0].reason == "la salle accueille 12 personnes au plus"
    with pytest.raises(Conflict):
        workshops.schedule_workshop(
            schedule(), WorkshopState(), COORDINATOR, JOB_DATING, SITE, ROOM, room_taken=True, **FREE
        )


def test_a_coach_of_another_organisation_does_not_schedule_their_session() -> None:
    with pytest.raises(Forbidden):
        workshops.schedule_workshop(
            schedule(), WorkshopState(), PLIE_COACH, JOB_DATING, SITE, ROOM, False, **FREE
        )


def test_enrolment_stops_at_capacity_and_takes_a_candidate_once() -> None:
    first = workshops.enrol(
        EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-1"),
        given(SCHEDULED),
        COUNSELLOR,
        candidate(1),
        BEFORE,
    )
    assert first == [CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-1")]
    with pytest.raises(Conflict):
        workshops.enrol(
            EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-1"),
            given(SCHEDULED, *first),
            COUNSELLOR,
            candidate(1),
            BEFORE,
        )
    second = workshops.enrol(
        EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-2"),
        given(SCHEDULED, *first),
        COUNSELLOR,
        candidate(2),
        BEFORE,
    )
    with pytest.raises(Conflict) as refused:
        workshops.enrol(
            EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-3"),
            given(SCHEDULED, *first, *second),
            COUNSELLOR,
            candidate(3),
            BEFORE,
        )
    assert refused.value.problems[0].reason == "l'atelier est complet (2 places)"


def test_a_counsellor_enrols_only_the_candidates_their_organisation_refers() -> None:
    with pytest.raises(Forbidden):
        workshops.enrol(
            EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-1"),
            given(SCHEDULED),
            PLIE_COACH,
            candidate(1),
            BEFORE,
        )


def test_attendance_names_every_enrolled_candidate_once_after_the_session_began() -> None:
    enrolled = given(
        SCHEDULED,
        CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-1"),
        CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-2"),
    )
    command = RecordWorkshopAttendance(workshop_id="ws-1", present=("cand-1",), absent=("cand-2",))
    with pytest.raises(Conflict):
        workshops.record_attendance(command, enrolled, COUNSELLOR, BEFORE)
    with pytest.raises(Invalid):
        workshops.record_attendance(
            RecordWorkshopAttendance(workshop_id="ws-1", present=("cand-1",), absent=()),
            enrolled,
            COUNSELLOR,
            STARTS,
        )
    events = workshops.record_attendance(command, enrolled, COUNSELLOR, STARTS + timedelta(hours=1))
    assert events == [WorkshopAttendanceRecorded(workshop_id="ws-1", present=("cand-1",), absent=("cand-2",))]
    with pytest.raises(Conflict):
        workshops.record_attendance(command, reduce(evolve_workshop, events, enrolled), COUNSELLOR, STARTS)
