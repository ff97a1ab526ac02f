"""The preparation pathway's rules, given / when / then: coaches are accounts, nobody is booked twice,
candidates go to their own site unless the coordination says why, seats are given back, sessions called
off, and the individual interview finds a time both people are free."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    CandidateUnenrolledFromWorkshop,
    CounsellingInterviewBooked,
    WorkshopCancelled,
    WorkshopEnrolmentOverridden,
)
from jobdating.scheduling.domain import counselling, workshop_changes, workshops
from jobdating.scheduling.domain.coaches import AccountFacts, coach_pair
from jobdating.scheduling.domain.commands import (
    CancelWorkshop,
    Coach,
    EnrolInWorkshop,
    RecordWorkshopAttendance,
    UnenrolFromWorkshop,
)
from jobdating.scheduling.domain.counselling import BookCounsellingInterview, CounsellingState
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid
from jobdating.scheduling.domain.evolve import evolve_workshop
from jobdating.scheduling.domain.facts import CandidateFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.testing import COORDINATOR, COUNSELLOR

from .test_workshops import BEFORE, JOB_DATING, SCHEDULED, SITE, STARTS, given

LILLE = CandidateFacts(candidate_id="cand-9", referring_org="mission-locale", site_id="site-lille")
SECLIN = CandidateFacts(candidate_id="cand-1", referring_org="mission-locale", site_id="site-seclin")
PARIS = ZoneInfo("Europe/Paris")
FRIDAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def individual_interview(
    interview_id: str, counsellor_id: str, starts_at: datetime
) -> BookCounsellingInterview:
    """An individual interview of cand-1 (at Seclin) in job dating jd-1."""
    return BookCounsellingInterview(
        interview_id=interview_id,
        job_dating_id="jd-1",
        candidate_id="cand-1",
        counsellor_id=counsellor_id,
        starts_at=starts_at,
    )


def test_a_coach_is_an_active_account_with_the_coach_role_of_the_organisation_named() -> None:
    accounts = {
        "a": AccountFacts(account_id="a", org="mission-locale", roles=("coach",)),
        "b": AccountFacts(account_id="b", org="france-travail", roles=("viewer",)),
        "c": AccountFacts(account_id="c", org="plie", roles=("coach",), disabled=True),
        "d": AccountFacts(account_id="d", org="plie", roles=("coach",)),
    }
    reasons = {
        ("a", "x"): "x n'a pas de compte : un animateur doit avoir un compte",
        ("a", "b"): "le compte b n'a pas le rôle d'animateur",
        ("a", "c"): "le compte c est désactivé",
    }
    for (first, second), reason in reasons.items():
        with pytest.raises(Invalid) as refused:
            coach_pair((Coach(coach_id=first), Coach(coach_id=second)), accounts)
        assert refused.value.problems[0].reason == reason
    with pytest.raises(Invalid) as wrong_org:
        coach_pair((Coach(coach_id="a"), Coach(coach_id="d", org="france-travail")), accounts)
    assert wrong_org.value.problems[0].reason == "le compte d n'appartient pas à france-travail"
    assert coach_pair((Coach(coach_id="a"), Coach(coach_id="d")), accounts) == (
        Coach(coach_id="a", org="mission-locale"),
        Coach(coach_id="d", org="plie"),
    )


def test_a_candidate_goes_to_their_own_site_unless_the_coordination_says_why() -> None:
    elsewhere = EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-9")
    with pytest.raises(Conflict):
        workshops.enrol(elsewhere, given(SCHEDULED), COUNSELLOR, LILLE, BEFORE)
    with_reason = EnrolInWorkshop(
        workshop_id="ws-1", candidate_id="cand-9", override_reason="  en stage à Seclin "
    )
    with pytest.raises(Forbidden):
        workshops.enrol(with_reason, given(SCHEDULED), COUNSELLOR, LILLE, BEFORE)
    blank = EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-9", override_reason=" ")
    with pytest.raises(Invalid):
        workshops.enrol(blank, given(SCHEDULED), COORDINATOR, LILLE, BEFORE)
    assert workshops.enrol(with_reason, given(SCHEDULED), COORDINATOR, LILLE, BEFORE) == [
        WorkshopEnrolmentOverridden(
            workshop_id="ws-1",
            candidate_id="cand-9",
            candidate_site_id="site-lille",
            reason="en stage à Seclin",
        ),
        CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-9"),
    ]


def test_a_seat_is_given_back_before_the_session_only_by_those_who_may_enrol() -> None:
    seated = given(SCHEDULED, CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-1"))
    command = UnenrolFromWorkshop(workshop_id="ws-1", candidate_id="cand-1")
    events = workshop_changes.unenrol(command, seated, COUNSELLOR, SECLIN, BEFORE)
    assert events == [CandidateUnenrolledFromWorkshop(workshop_id="ws-1", candidate_id="cand-1")]
    assert reduce(evolve_workshop, events, seated).enrolled == ()
    with pytest.raises(Conflict):
        workshop_changes.unenrol(command, seated, COUNSELLOR, SECLIN, STARTS)
    with pytest.raises(Conflict):
        workshop_changes.unenrol(command, given(SCHEDULED), COUNSELLOR, SECLIN, BEFORE)


def test_a_cancelled_session_names_who_was_enrolled_and_takes_nothing_more() -> None:
    seated = given(SCHEDULED, CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id="cand-1"))
    [cancelled] = workshop_changes.cancel(CancelWorkshop(workshop_id="ws-1"), seated, COUNSELLOR, BEFORE)
    assert cancelled == WorkshopCancelled(workshop_id="ws-1", job_dating_id="jd-1", candidate_ids=("cand-1",))
    after = evolve_workshop(seated, cancelled)
    with pytest.raises(Conflict):
        workshop_changes.cancel(CancelWorkshop(workshop_id="ws-1"), after, COUNSELLOR, BEFORE)
    with pytest.raises(Conflict):
        workshops.enrol(
            EnrolInWorkshop(workshop_id="ws-1", candidate_id="cand-1"), after, COUNSELLOR, SECLIN, BEFORE
        )
    attendance = RecordWorkshopAttendance(workshop_id="ws-1", present=("cand-1",), absent=())
    with pytest.raises(Conflict):
        workshops.record_attendance(attendance, after, COUNSELLOR, STARTS)
    with pytest.raises(Conflict):
        workshop_changes.cancel(CancelWorkshop(workshop_id="ws-1"), seated, COUNSELLOR, STARTS)


def test_free_times_skip_what_either_person_does_and_the_weekend() -> None:
    friday_noon = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)  # 11:30 in Paris
    busy = [(datetime(2026, 11, 20, 12, 30, tzinfo=UTC), datetime(2026, 11, 20, 14, 0, tzinfo=UTC))]
    found = counselling.free_times(SITE, busy, 45, friday_noon, date(2026, 12, 3), PARIS, count=3)
    # Friday's morning is over, 13:30-15:00 is taken; then 15:00 and 15:15; Monday after that.
    assert [t.astimezone(PARIS).strftime("%a %H:%M") for t in found] == [
        "Fri 15:00",
        "Fri 15:15",
        "Fri 15:30",
    ]
    late_friday = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    [monday] = counselling.free_times(SITE, [], 45, late_friday, date(2026, 12, 3), PARIS, count=1)
    assert monday.astimezone(PARIS) == datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


def test_the_individual_interview_is_at_the_candidates_site_in_its_hours_with_their_own_counsellor() -> None:
    counsellor = AccountFacts(account_id="ml-1", org="mission-locale", roles=("counsellor",))
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    command = individual_interview("ci-1", "ml-1", monday)

    def book(
        cmd: BookCounsellingInterview, actor_id: str = "ml-1", clashes: tuple[str, ...] = ()
    ) -> list[Event]:
        return counselling.book(
            cmd,
            CounsellingState(),
            COUNSELLOR,
            actor_id,
            JOB_DATING,
            SECLIN,
            counsellor,
            SITE,
            clashes,
            FRIDAY,
        )

    [booked] = book(command)
    assert isinstance(booked, CounsellingInterviewBooked)
    assert (booked.site_id, booked.ends_at - booked.starts_at) == ("site-seclin", timedelta(minutes=45))
    with pytest.raises(Forbidden):
        book(command, actor_id="another-counsellor")
    with pytest.raises(Conflict) as clash:
        book(command, clashes=("ml-1 anime l'atelier ws-1",))
    assert clash.value.problems[0].reason == "déjà pris à ce moment-là : ml-1 anime l'atelier ws-1"
    at_noon = individual_interview("ci-1", "ml-1", monday.replace(hour=11, minute=30))
    with pytest.raises(Conflict) as closed:
        book(at_noon)
    assert closed.value.problems[0].reason == "le site du candidat n'est pas ouvert à cet horaire"


def test_the_individual_interview_is_booked_by_the_candidates_organisation_not_by_their_own_counsellor() -> (
    None
):
    """Scheduling cannot know the candidate's own counsellor (sealed by registration, see
    `domain/counselling.py`): any counsellor of the referring organisation books as themselves, its
    administrator for any of them; another organisation, or a counsellor booking for a colleague, cannot."""
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    colleague = AccountFacts(account_id="ml-2", org="mission-locale", roles=("counsellor",))
    command = individual_interview("ci-2", "ml-2", monday)

    def book(actor: Actor, actor_id: str) -> list[Event]:
        return counselling.book(
            command, CounsellingState(), actor, actor_id, JOB_DATING, SECLIN, colleague, SITE, (), FRIDAY
        )

    assert (
        len(book(Actor(org="mission-locale", role="counsellor"), "ml-2")) == 1
    )  # not the one who registered
    assert len(book(Actor(org="mission-locale", role="partner_admin"), "ml-admin")) == 1
    for actor, actor_id in (
        (Actor(org="mission-locale", role="counsellor"), "ml-1"),  # for a colleague
        (Actor(org="france-travail", role="partner_admin"), "ft-admin"),
        (Actor(org="france-travail", role="counsellor"), "ml-2"),
    ):
        with pytest.raises(Forbidden):
            book(actor, actor_id)
    [booked] = book(Actor(org="mission-locale", role="partner_admin"), "ml-admin")
    assert isinstance(booked, CounsellingInterviewBooked)
    state = counselling.evolve_counselling(CounsellingState(), booked)
    cancel = counselling.CancelCounsellingInterview(interview_id="ci-2")
    assert counselling.cancel(cancel, state, Actor(org="mission-locale", role="partner_admin"), FRIDAY)
    with pytest.raises(Forbidden):
        counselling.cancel(cancel, state, Actor(org="france-travail", role="partner_admin"), FRIDAY)
