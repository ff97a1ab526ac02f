"""The coordinator's changes by hand, given / when / then: every rule the checker finds is named in French,
refused unless forced (a few never), and a forced change says which rules it overrode."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import reduce
from typing import Any

import msgspec
import pytest

from jobdating.contracts.registration import Availability, Wish
from jobdating.contracts.scheduling import (
    OverriddenRule,
    PairingForbidden,
    PairingPinned,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
)
from jobdating.contracts.sites import OpeningHours
from jobdating.scheduling.domain import manual
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid
from jobdating.scheduling.domain.errors import SchedulingRefusal as Refusal
from jobdating.scheduling.domain.evolve import evolve_job_dating, evolve_slot
from jobdating.scheduling.domain.facts import CandidateFacts, ComputerFacts, Facts, Outage, SiteFacts
from jobdating.scheduling.domain.manual_places import PublishedPlan, published_plan
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.testing import (
    COORDINATOR,
    COUNSELLOR,
    SITE_MANAGER,
    held,
    morning_company,
    planned,
)

DAY = date(2026, 12, 3)
SEC = "site-seclin"
PUBLISHED = PlanPublished(job_dating_id="jd-1", plan_id="p", slots=1, solver_status="optimal", upper_bound=1)
JOB_DATING = reduce(evolve_job_dating, [planned(), PUBLISHED], JobDatingState())


def paris(hour: int, minute: int = 0) -> datetime:
    """A time of the day in Paris (UTC+1 in December) as a UTC instant."""
    return datetime(2026, 12, 3, hour - 1, minute, tzinfo=UTC)


def candidate(n: int, *wishes: str, available: tuple[time, time] | None = None) -> CandidateFacts:
    return CandidateFacts(
        candidate_id=f"cand-{n}",
        referring_org="ml",
        site_id=SEC,
        wishes=tuple(Wish(rank=i, company_id=c) for i, c in enumerate(wishes, start=1)),
        availability=(Availability(day=DAY, start=available[0], end=available[1]),) if available else (),
    )


def facts(**changes: Any) -> Facts:
    given: dict[str, Any] = {
        "candidates": (
            candidate(1, "co-1", "co-2"),
            candidate(2, "co-1", "co-2"),
            candidate(3, "co-1", "co-2", available=(time(9), time(10))),
        ),
        "companies": (morning_company("co-1"), morning_company("co-2"), morning_company("co-3")),
        "sites": (SiteFacts(site_id=SEC, host_org="mission-locale"),),
        "computers": (
            ComputerFacts(computer_id="pc-1", site_id=SEC),
            ComputerFacts(computer_id="pc-2", site_id=SEC),
        ),
    }
    return Facts(**(given | changes))


def slot(slot_id: str, candidate_id: str, company_id: str, at: datetime, **ids: str) -> SlotState:
    return held(
        at,
        slot_id=slot_id,
        candidate_id=candidate_id,
        company_id=company_id,
        job_dating_id=ids.get("job_dating_id", "jd-1"),
        computer_id=ids.get("computer_id", "pc-1"),
    )


FIRST = slot("slot-1", "cand-1", "co-1", paris(9, 10))  # cand-1 meets co-1 at 9:10 on pc-1
EIGHT = paris(8)


def plan(
    now: datetime = EIGHT,
    active: tuple[SlotState, ...] = (FIRST,),
    job_dating: JobDatingState = JOB_DATING,
    elsewhere: tuple[SlotState, ...] = (),
    **changes: Any,
) -> PublishedPlan:
    return published_plan(job_dating, facts(**changes), active, now, elsewhere=elsewhere)


def add(candidate_id: str, company_id: str, at: datetime, **fields: Any) -> manual.AddInterview:
    given: dict[str, Any] = {"reason": "demande du recruteur"} | fields
    return manual.AddInterview(
        job_dating_id="jd-1",
        slot_id="slot-new",
        candidate_id=candidate_id,
        company_id=company_id,
        starts_at=at,
        **given,
    )


def refusal(command: manual.AddInterview, given: PublishedPlan | None = None) -> list[str]:
    with pytest.raises(Refusal) as refused:
        manual.add_interview(command, given or plan(), COORDINATOR, "https://visio.example/b")
    return [p.reason for p in refused.value.problems]


def test_a_free_candidate_recruiter_and_computer_get_the_interview_with_nothing_forced() -> None:
    change = manual.add_interview(add("cand-2", "co-2", paris(9, 10)), plan(), COORDINATOR, "v")
    given = change.slot_event
    assert isinstance(given, SlotAssigned)
    assert (given.computer_id, given.starts_at, given.wish_rank) == ("pc-2", paris(9, 10), 2)
    assert (change.recorded.change, change.recorded.forced, change.recorded.overridden) == (
        "added",
        False,
        (),
    )
    assert change.recorded.reason == "demande du recruteur"


def test_a_recruiter_already_in_an_interview_is_named_and_can_be_forced() -> None:
    command = add("cand-2", "co-1", paris(9, 10))
    assert refusal(command) == [
        "Le recruteur a déjà un entretien à 09:10",
        manual.FORCE_HINT,
    ]
    forced = manual.add_interview(msgspec.structs.replace(command, force=True), plan(), COORDINATOR, "v")
    assert forced.recorded.forced
    assert forced.recorded.overridden == (
        OverriddenRule(rule="recruiters_exceeded", says="Le recruteur a déjà un entretien à 09:10"),
    )


def test_the_candidate_busy_at_the_same_slot_is_never_forced_and_too_close_can_be() -> None:
    same = refusal(add("cand-1", "co-2", paris(9, 10), force=True))
    assert same == ["Le candidat a déjà un entretien à 09:10 (impossible, même en forçant)"]
    close = refusal(add("cand-1", "co-2", paris(9, 30)))
    assert close[0] == "Le candidat a un entretien à 09:10 : il faut 10 minutes entre deux entretiens"


def test_a_computer_taken_is_never_forced_and_one_out_of_order_can_be() -> None:
    taken = refusal(add("cand-2", "co-2", paris(9, 10), computer_id="pc-1", force=True))
    assert taken == ["L'ordinateur pc-1 est déjà pris à 09:10 (impossible, même en forçant)"]
    broken = ComputerFacts(computer_id="pc-2", site_id=SEC, outages=(Outage(since=paris(8)),))
    given = plan(computers=(ComputerFacts(computer_id="pc-1", site_id=SEC), broken))
    out = refusal(add("cand-2", "co-2", paris(9, 30), computer_id="pc-2"), given)
    assert out[0] == "L'ordinateur pc-2 est hors service ou pris par un second entretien à 09:30"


def test_outside_the_site_hours_or_once_the_site_closed_the_site_is_named() -> None:
    short = SiteFacts(
        site_id=SEC, host_org="ml", hours=(OpeningHours(day=DAY, start=time(8, 30), end=time(11)),)
    )
    assert (
        refusal(add("cand-2", "co-2", paris(11, 10)), plan(sites=(short,)))[0] == "Le site est fermé à 11:10"
    )
    closed = SiteFacts(site_id=SEC, host_org="ml", closed_at=paris(9))
    assert (
        refusal(add("cand-2", "co-2", paris(9, 30)), plan(sites=(closed,)))[0] == "Le site est fermé à 09:30"
    )


def test_a_candidate_not_available_then_is_named() -> None:
    assert refusal(add("cand-3", "co-2", paris(10, 30)))[0] == "Le candidat n'est pas disponible à 10:30"


def test_a_candidate_already_meeting_the_company_is_told_to_move_that_interview() -> None:
    assert refusal(add("cand-1", "co-1", paris(10, 30), force=True)) == [
        "Le candidat a déjà un entretien avec cette entreprise à 09:10 : déplacez-le plutôt "
        "(impossible, même en forçant)"
    ]


def test_a_time_past_or_off_the_slot_grid_is_refused() -> None:
    assert refusal(add("cand-2", "co-2", paris(9, 10)), plan(now=paris(9, 20))) == [
        "cette heure est passée : choisissez une heure à venir"
    ]
    assert refusal(add("cand-2", "co-2", paris(9, 15), force=True)) == [
        "09:15 ne correspond à aucun créneau : choisissez 09:10 ou 09:30 (impossible, même en forçant)"
    ]


def test_interviews_in_another_published_job_dating_keep_the_recruiter_and_the_candidate_busy() -> None:
    other = slot("slot-x", "cand-2", "co-2", paris(9, 30), job_dating_id="jd-2", computer_id="pc-9")
    said = refusal(add("cand-2", "co-2", paris(9, 30)), plan(elsewhere=(other,)))
    assert said[:2] == [
        "Le recruteur a déjà un entretien à 09:30",
        "Le candidat a un entretien dans un autre job dating à 09:30",
    ]


def test_a_company_not_wished_or_forbidden_and_too_many_interviews_are_named() -> None:
    assert refusal(add("cand-2", "co-3", paris(9, 30)))[0] == (
        "Le candidat n'a pas demandé à rencontrer cette entreprise"
    )
    one = msgspec.structs.replace(JOB_DATING, max_interviews_per_candidate=1)
    assert refusal(add("cand-1", "co-2", paris(10, 30)), plan(job_dating=one))[0] == (
        "Le candidat aurait 2 entretiens : 1 au plus"
    )


def test_a_company_not_there_yet_another_site_or_a_forbidden_meeting_are_named() -> None:
    assert (
        refusal(add("cand-2", "co-2", paris(8, 30)))[0] == "L'entreprise ne reçoit pas de candidats à 08:30"
    )
    lille = msgspec.structs.replace(planned().site_windows[0], site_id="site-lille")
    two_sites = reduce(
        evolve_job_dating,
        [planned(site_windows=(*planned().site_windows, lille)), PUBLISHED],
        JobDatingState(),
    )
    other_site = plan(
        job_dating=two_sites,
        sites=(SiteFacts(site_id=SEC, host_org="ml"), SiteFacts(site_id="site-lille", host_org="mel")),
        computers=(
            ComputerFacts(computer_id="pc-1", site_id=SEC),
            ComputerFacts(computer_id="pc-l", site_id="site-lille"),
        ),
    )
    assert refusal(add("cand-2", "co-2", paris(9, 30), site_id="site-lille"), other_site)[0] == (
        "Le candidat est inscrit sur un autre site"
    )
    banned = evolve_job_dating(
        JOB_DATING, PairingForbidden(job_dating_id="jd-1", candidate_id="cand-2", company_id="co-2")
    )
    assert refusal(add("cand-2", "co-2", paris(9, 30)), plan(job_dating=banned))[0] == (
        "La coordination a interdit cette rencontre"
    )


def test_a_move_keeps_its_computer_when_free_and_says_the_coordinator_moved_it() -> None:
    command = manual.MoveInterview(slot_id="slot-1", starts_at=paris(9, 50), reason="retard du candidat")
    change = manual.move_interview(command, FIRST, plan(), COORDINATOR)
    moved = change.slot_event
    assert isinstance(moved, SlotMoved)
    assert (moved.computer_id, moved.starts_at, moved.previous_starts_at) == (
        "pc-1",
        paris(9, 50),
        paris(9, 10),
    )
    assert (moved.reason, change.recorded.change) == ("coordinator", "moved")
    second = slot("slot-2", "cand-2", "co-1", paris(9, 50), computer_id="pc-2")
    with pytest.raises(Conflict) as refused:
        manual.move_interview(command, FIRST, plan(active=(FIRST, second)), COORDINATOR)
    assert refused.value.problems[0].reason == "Le recruteur a déjà un entretien à 09:50"


def test_an_interview_that_began_or_is_cancelled_is_not_changed() -> None:
    command = manual.MoveInterview(slot_id="slot-1", starts_at=paris(11, 10), reason="x")
    with pytest.raises(Conflict, match="déjà commencé"):
        manual.move_interview(command, FIRST, plan(now=paris(9, 15)), COORDINATOR)
    cancelled = evolve_slot(FIRST, SlotCancelled(**_ids(FIRST), reason="no_show"))
    with pytest.raises(Conflict, match="déjà annulé"):
        manual.cancel_interview(
            manual.CancelInterview(slot_id="slot-1", reason="x"), cancelled, plan(), COORDINATOR
        )


def test_cancelling_an_interview_the_coordination_imposed_must_be_forced() -> None:
    pinned = evolve_job_dating(
        JOB_DATING, PairingPinned(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1")
    )
    command = manual.CancelInterview(slot_id="slot-1", reason="le candidat a trouvé un emploi")
    with pytest.raises(Conflict) as refused:
        manual.cancel_interview(command, FIRST, plan(job_dating=pinned), COORDINATOR)
    assert refused.value.problems[0].reason.startswith("Cette rencontre est imposée par la coordination")
    forced = manual.cancel_interview(
        msgspec.structs.replace(command, force=True), FIRST, plan(job_dating=pinned), COORDINATOR
    )
    assert isinstance(forced.slot_event, SlotCancelled)
    assert forced.slot_event.reason == "coordinator"
    assert [r.rule for r in forced.recorded.overridden] == ["pin_missing"]


def test_only_the_coordination_changes_by_hand_and_always_with_a_reason() -> None:
    for someone in (COUNSELLOR, SITE_MANAGER):
        with pytest.raises(Forbidden):
            manual.add_interview(add("cand-2", "co-2", paris(9, 10)), plan(), someone, "v")
    with pytest.raises(Invalid) as refused:
        manual.add_interview(add("cand-2", "co-2", paris(9, 10), reason="  "), plan(), COORDINATOR, "v")
    assert refused.value.problems[0].field == "reason"
    for contact in ("appeler le 06 12 34 56 78", "écrire à jean.dupont@example.org"):
        with pytest.raises(Invalid, match="pas de téléphone ni d'e-mail"):
            manual.add_interview(
                add("cand-2", "co-2", paris(9, 10), reason=contact), plan(), COORDINATOR, "v"
            )
    kept = manual.add_interview(
        add("cand-2", "co-2", paris(9, 10), reason="bus en retard de 10 min"), plan(), COORDINATOR, "v"
    )
    assert kept.recorded.reason == "bus en retard de 10 min"


def _ids(s: SlotState) -> dict[str, str]:
    return {
        "job_dating_id": "jd-1",
        "slot_id": s.slot_id,
        "candidate_id": s.candidate_id,
        "company_id": s.company_id,
    }
