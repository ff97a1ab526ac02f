"""A booked second interview when its company or its candidate leaves, the fact delivered through NATS (or the
coordination's over HTTP): the company's (or the candidate's) second interviews still to come are cancelled
with the reason their planned interviews get, wherever they take place, even after the job dating's last day;
one already begun, and the others' second interviews, stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobdating.contracts.registration import CandidateErased, CandidateWithdrew, CompanyWithdrew
from jobdating.scheduling.testing import Fact, company_id

from .conftest import assert_plan_still_valid
from .second_day import ADDRESS, Day, assert_cancelled

pytestmark = pytest.mark.nats

LATER_TOMORROW = "2026-12-04T11:00"


async def test_a_company_withdrawing_after_the_job_dating_cancels_its_second_interviews_still_to_come(
    day: Day,
) -> None:
    ordered = await day.logiplus_slots()
    begun = await day.second_on_site(ordered[0])
    at_premises = await day.second_on_site(ordered[1], LATER_TOMORROW, place="premises", address=ADDRESS)
    on_site = await day.second_on_site(ordered[2], LATER_TOMORROW)
    # The job dating's day is over and the first second interview has begun when the company withdraws.
    day.clock.set(datetime(2026, 12, 4, 9, 5, tzinfo=UTC))  # 10:05 in Paris
    logiplus = company_id(day.api.prefix, "logiplus")
    withdrew = Fact(
        CompanyWithdrew(company_id=logiplus, reason="recrutement gelé"),
        logiplus,
        2,
        "registration",
        day.clock.now(),
    )
    head = await day.delivered([withdrew])

    assert_cancelled(*await day.told_once(head, at_premises["slot_id"]), "company_left")
    assert_cancelled(*await day.told_once(head, on_site["slot_id"]), "company_left")
    assert day.told(head, begun["slot_id"]) == [], "begun: a repair never touches it"
    kept = await day.api.ok("GET", f"/slots/{begun['slot_id']}")
    assert kept["status"] == "assigned"
    assert_plan_still_valid(day.service, day.api.jd)


async def test_a_company_leaving_during_the_day_cancels_its_second_interviews_with_its_planned_ones(
    day: Day,
) -> None:
    ordered = await day.logiplus_slots()
    second = await day.second_on_site(ordered[0], place="video")
    logiplus = company_id(day.api.prefix, "logiplus")
    head = day.service.store.head()

    report = await day.api.ok(
        "POST", f"/job-datings/{day.api.jd}/companies/{logiplus}/leave", json={"reason": "panne de voiture"}
    )

    assert_cancelled(*await day.told_once(head, second["slot_id"]), "company_left")
    planned = [
        s
        for s in await day.api.published_slots()
        if s["company_id"] == logiplus and s["slot_id"] != second["slot_id"]
    ]
    gone = [s for s in planned if s["status"] == "cancelled"]
    assert gone
    assert {s["cancel_reason"] for s in gone} == {"company_left"}, "the same reason as its planned ones"
    assert report["cancelled"] == len(gone) + 1, "the second interview counted with them"
    assert_plan_still_valid(day.service, day.api.jd)


@pytest.mark.parametrize("erased", [False, True], ids=["withdrew", "erased"])
async def test_a_candidate_withdrawing_or_erased_loses_their_second_interviews_still_to_come_only(
    day: Day, erased: bool
) -> None:
    ordered = await day.logiplus_slots()
    leaving, staying = ordered[0], next(s for s in ordered if s["candidate_id"] != ordered[0]["candidate_id"])
    theirs = await day.second_on_site(leaving, place="premises", address=ADDRESS)
    others = await day.second_on_site(staying)
    candidate = leaving["candidate_id"]
    gone = (
        CandidateErased(candidate_id=candidate)
        if erased
        else CandidateWithdrew(candidate_id=candidate, reason="a trouvé un emploi")
    )
    head = await day.delivered([Fact(gone, candidate, 2, "registration", day.clock.now())])

    assert_cancelled(*await day.told_once(head, theirs["slot_id"]), "candidate_withdrew")
    assert day.told(head, others["slot_id"]) == [], "another candidate's second interview stays"
    kept = await day.api.ok("GET", f"/slots/{others['slot_id']}")
    assert (kept["status"], kept["computer_id"]) == ("assigned", others["computer_id"])
    assert_plan_still_valid(day.service, day.api.jd)
