"""A job dating: given its past events (and facts from the other services), when a command arrives, then
these events or this refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import reduce

import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    CompanyDelayed,
    CompanyLeft,
    JobDatingFrozen,
    PairingForbidden,
    PairingPinned,
    PairingReleased,
    PlanPublished,
    SiteWindow,
    SlotAssigned,
)
from jobdating.scheduling.domain import companies, decide, pairings
from jobdating.scheduling.domain.commands import (
    DelayCompany,
    ForbidPairing,
    FreezeJobDating,
    PinPairing,
    PlanJobDating,
    PublishPlan,
    RecordCompanyLeft,
    ReleasePairing,
)
from jobdating.scheduling.domain.errors import AlreadyExists, Conflict, Forbidden, Invalid, NotFound
from jobdating.scheduling.domain.evolve import evolve_job_dating
from jobdating.scheduling.domain.facts import CandidateFacts, SiteFacts
from jobdating.scheduling.domain.plans import PlannedInterview, ProvisionalPlan
from jobdating.scheduling.domain.state import JobDatingState
from jobdating.scheduling.testing import COORDINATOR, COUNSELLOR, morning_company, planned

DAY = date(2026, 12, 3)
BEFORE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SITES = {
    "site-seclin": SiteFacts(site_id="site-seclin", host_org="mission-locale"),
    "site-closed": SiteFacts(site_id="site-closed", host_org="mel", closed_at=BEFORE),
}
PLANNED = planned(freeze_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
CANDIDATE = CandidateFacts(candidate_id="cand-1", referring_org="mission-locale", site_id="site-seclin")
COMPANY = morning_company("co-1", recruiters=2, day=DAY)


def given(*events: Event) -> JobDatingState:
    return reduce(evolve_job_dating, events, JobDatingState())


def plan_command(**changes: object) -> PlanJobDating:
    fields: dict[str, object] = {
        "job_dating_id": "jd-1",
        "title": "Emploi Booster",
        "days": (DAY,),
        "site_windows": PLANNED.site_windows,
        "interview_minutes": 20,
        "buffer_minutes": 10,
    }
    fields.update(changes)
    return PlanJobDating(**fields)  # type: ignore[arg-type]


def provisional(plan_id: str = "plan-1", fingerprint: str = "fp", status: str = "optimal") -> ProvisionalPlan:
    starts = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    return ProvisionalPlan(
        plan_id=plan_id,
        job_dating_id="jd-1",
        computed_at=BEFORE,
        fingerprint=fingerprint,
        engine="highs",
        status=status,
        objective=10,
        bound=10,
        gap=0.0,
        interview_bound=2,
        seconds=0.1,
        interviews=tuple(
            PlannedInterview(
                candidate_id=f"cand-{n}",
                company_id="co-1",
                site_id="site-seclin",
                computer_id=f"pc-{n}",
                starts_at=starts,
                ends_at=starts.replace(minute=20),
                wish_rank=1,
            )
            for n in (1, 2)
        ),
    )


def test_a_coordinator_plans_a_job_dating_on_open_sites() -> None:
    assert decide.plan_job_dating(plan_command(), JobDatingState(), COORDINATOR, SITES) == [
        PLANNED.__class__(
            job_dating_id="jd-1",
            title="Emploi Booster",
            days=(DAY,),
            site_windows=PLANNED.site_windows,
            interview_minutes=20,
            buffer_minutes=10,
        )
    ]


def test_only_the_coordination_plans_a_job_dating() -> None:
    with pytest.raises(Forbidden):
        decide.plan_job_dating(plan_command(), JobDatingState(), COUNSELLOR, SITES)


def test_a_job_dating_id_is_taken_once() -> None:
    with pytest.raises(AlreadyExists):
        decide.plan_job_dating(plan_command(), given(PLANNED), COORDINATOR, SITES)


def test_a_job_dating_on_an_unknown_or_closed_site_is_refused_with_each_reason() -> None:
    windows = (
        SiteWindow(site_id="site-nowhere", day=DAY, start=time(8, 30), end=time(12, 30)),
        SiteWindow(site_id="site-closed", day=DAY, start=time(8, 30), end=time(12, 30)),
        SiteWindow(site_id="site-seclin", day=date(2026, 12, 4), start=time(8, 30), end=time(8, 40)),
    )
    with pytest.raises(Invalid) as refused:
        decide.plan_job_dating(plan_command(site_windows=windows), JobDatingState(), COORDINATOR, SITES)
    reasons = {p.field: p.reason for p in refused.value.problems}
    assert reasons["site_windows.0.site_id"].startswith("site inconnu")
    assert reasons["site_windows.1.site_id"] == "ce site est fermé"
    assert reasons["site_windows.2.day"] == "ce jour ne fait pas partie du job dating"
    assert reasons["site_windows.2.end"] == "la plage horaire est plus courte qu'un entretien"


def test_rules_of_a_schedule_out_of_bounds_are_refused() -> None:
    command = plan_command(
        interview_minutes=2, buffer_minutes=-1, max_interviews_per_candidate=0, timezone="Lune/Mer"
    )
    with pytest.raises(Invalid) as refused:
        decide.plan_job_dating(command, JobDatingState(), COORDINATOR, SITES)
    assert {p.field for p in refused.value.problems} >= {
        "interview_minutes",
        "buffer_minutes",
        "max_interviews_per_candidate",
        "timezone",
    }


def test_a_pin_is_recorded_once() -> None:
    command = PinPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    events = pairings.pin_or_forbid(command, given(PLANNED), COORDINATOR, CANDIDATE, COMPANY, BEFORE)
    assert events == [PairingPinned(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")]
    assert (
        pairings.pin_or_forbid(command, given(PLANNED, *events), COORDINATOR, CANDIDATE, COMPANY, BEFORE)
        == []
    )


def test_a_forbidden_pairing_cannot_be_pinned_until_released() -> None:
    forbidden = PairingForbidden(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    pin = PinPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    with pytest.raises(Conflict) as refused:
        pairings.pin_or_forbid(pin, given(PLANNED, forbidden), COORDINATOR, CANDIDATE, COMPANY, BEFORE)
    assert refused.value.problems[0].reason == "ce binôme est interdit : levez d'abord l'interdiction"
    release = ReleasePairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    released = pairings.release_pairing(release, given(PLANNED, forbidden), COORDINATOR, BEFORE)
    assert released == [PairingReleased(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")]
    assert pairings.pin_or_forbid(
        pin, given(PLANNED, forbidden, *released), COORDINATOR, CANDIDATE, COMPANY, BEFORE
    )


def test_a_pinned_pairing_cannot_be_forbidden() -> None:
    pinned = PairingPinned(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    forbid = ForbidPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    with pytest.raises(Conflict):
        pairings.pin_or_forbid(forbid, given(PLANNED, pinned), COORDINATOR, CANDIDATE, COMPANY, BEFORE)


def test_a_withdrawn_candidate_or_an_unknown_company_cannot_be_paired() -> None:
    pin = PinPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    gone = CandidateFacts(
        candidate_id="cand-1", referring_org="ml", site_id="site-seclin", withdrawn_at=BEFORE
    )
    with pytest.raises(Conflict):
        pairings.pin_or_forbid(pin, given(PLANNED), COORDINATOR, gone, COMPANY, BEFORE)
    with pytest.raises(NotFound):
        pairings.pin_or_forbid(pin, given(PLANNED), COORDINATOR, CANDIDATE, None, BEFORE)


def test_after_the_freeze_deadline_pairings_no_longer_change() -> None:
    pin = PinPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    after = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    with pytest.raises(Conflict) as refused:
        pairings.pin_or_forbid(pin, given(PLANNED), COORDINATOR, CANDIDATE, COMPANY, after)
    assert refused.value.problems[0].reason.startswith("le plan est figé depuis le 01/12 à 18:00")


def test_a_coordinator_freezes_early_once() -> None:
    command = FreezeJobDating(job_dating_id="jd-1")
    assert decide.freeze(command, given(PLANNED), COORDINATOR, BEFORE) == [
        JobDatingFrozen(job_dating_id="jd-1")
    ]
    with pytest.raises(Conflict):
        decide.freeze(command, given(PLANNED, JobDatingFrozen(job_dating_id="jd-1")), COORDINATOR, BEFORE)


def test_after_the_freeze_a_plan_is_computed_only_if_none_exists() -> None:
    frozen = given(PLANNED, JobDatingFrozen(job_dating_id="jd-1"))
    decide.may_compute_plan(frozen, COORDINATOR, BEFORE, has_plan=False)
    with pytest.raises(Conflict):
        decide.may_compute_plan(frozen, COORDINATOR, BEFORE, has_plan=True)


def test_publishing_gives_one_slot_per_interview_after_the_plan_published_event() -> None:
    ids = iter(["slot-a", "slot-b"])
    links = iter(["https://visio.example/a", "https://visio.example/b"])
    plan = provisional()
    writes = decide.publish(
        PublishPlan(job_dating_id="jd-1", plan_id="plan-1"),
        given(PLANNED),
        COORDINATOR,
        plan,
        "plan-1",
        "fp",
        ids,
        links,
    )
    assert writes[0].stream_id == "jd-1"
    assert writes[0].event == PlanPublished(
        job_dating_id="jd-1", plan_id="plan-1", slots=2, solver_status="optimal", upper_bound=2
    )
    slots = [w.event for w in writes[1:]]
    assert [w.stream_id for w in writes[1:]] == ["slot-a", "slot-b"]
    assert all(isinstance(s, SlotAssigned) and s.starts_at.tzinfo is not None for s in slots)
    assert [s.video_link for s in slots if isinstance(s, SlotAssigned)] == [
        "https://visio.example/a",
        "https://visio.example/b",
    ]


@pytest.mark.parametrize(
    ("latest", "fingerprint", "status", "reason"),
    [
        ("plan-2", "fp", "optimal", "un plan plus récent a été calculé : publiez le dernier"),
        ("plan-1", "other", "optimal", "recalculez-le avant de le publier"),
        ("plan-1", "fp", "infeasible", "des binômes imposés ne peuvent pas tous être tenus : levez-en avant"),
    ],
)
def test_a_stale_superseded_or_infeasible_plan_is_not_published(
    latest: str, fingerprint: str, status: str, reason: str
) -> None:
    command = PublishPlan(job_dating_id="jd-1", plan_id="plan-1")
    with pytest.raises(Conflict) as refused:
        decide.publish(
            command,
            given(PLANNED),
            COORDINATOR,
            provisional(status=status),
            latest,
            fingerprint,
            iter(["s"] * 2),
            iter(["l"] * 2),
        )
    assert refused.value.problems[0].reason.endswith(reason)


def test_a_published_plan_changes_only_by_repairs() -> None:
    published = given(
        PLANNED,
        PlanPublished(job_dating_id="jd-1", plan_id="p", slots=1, solver_status="optimal", upper_bound=1),
    )
    with pytest.raises(Conflict):
        decide.may_compute_plan(published, COORDINATOR, BEFORE, has_plan=True)
    with pytest.raises(Conflict):
        pairings.pin_or_forbid(
            PinPairing(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1"),
            published,
            COORDINATOR,
            CANDIDATE,
            COMPANY,
            BEFORE,
        )


def test_a_late_company_arrives_within_its_window() -> None:
    arrives = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 11:00 in Paris
    command = DelayCompany(job_dating_id="jd-1", company_id="co-1", arrives_at=arrives)
    assert companies.delay_company(command, given(PLANNED), COORDINATOR, COMPANY) == [
        CompanyDelayed(job_dating_id="jd-1", company_id="co-1", arrives_at=arrives)
    ]
    too_late = DelayCompany(job_dating_id="jd-1", company_id="co-1", arrives_at=arrives.replace(hour=12))
    with pytest.raises(Invalid) as refused:
        companies.delay_company(too_late, given(PLANNED), COORDINATOR, COMPANY)
    assert "de 09:00 à 12:00" in refused.value.problems[0].reason


def test_a_company_leaves_once() -> None:
    command = RecordCompanyLeft(job_dating_id="jd-1", company_id="co-1", reason="recruteur malade")
    events = companies.company_left(command, given(PLANNED), COORDINATOR, COMPANY, BEFORE)
    assert events == [
        CompanyLeft(job_dating_id="jd-1", company_id="co-1", at=BEFORE, reason="recruteur malade")
    ]
    with pytest.raises(Conflict):
        companies.company_left(command, given(PLANNED, *events), COORDINATOR, COMPANY, BEFORE)
