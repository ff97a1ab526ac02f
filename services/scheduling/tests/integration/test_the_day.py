"""The day over HTTP: check-ins, a no-show, a late company, a company leaving, outcomes, second interviews.

Each repair changes only the slots it must, says why, and leaves a plan that keeps every rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from jobdating.contracts.scheduling import CandidateArrivedLate, SlotAssigned, SlotCancelled, SlotMoved
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.main import main
from jobdating.scheduling.testing import MovableClock, candidate_id, company_id, site_id

from .conftest import Api, assert_plan_still_valid, log_events, paris, published_demo


@pytest.fixture
async def api(api: Api, service: SchedulingService) -> Api:
    """Every test of the day starts from the demo job dating, published."""
    await published_demo(api, service)
    return api


def starts(slot: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(slot["starts_at"])


async def test_a_site_manager_checks_in_the_candidates_of_their_site_once(
    api: Api, clock: MovableClock
) -> None:
    clock.set(paris(8, 20))
    seclin = site_id(api.prefix, "seclin")
    samia = candidate_id(api.prefix, 2)  # registered on Seclin, hosted by the Mission Locale
    body = {"candidate_id": samia, "site_id": seclin}
    arrived = await api.ok("POST", f"/job-datings/{api.jd}/check-ins", as_="ml-manager", json=body)
    assert arrived == {
        "candidate_id": samia,
        "site_id": seclin,
        "checked_in_at": "2026-12-03T07:20:00Z",
        "no_show": False,
    }
    again = await api.call("POST", f"/job-datings/{api.jd}/check-ins", as_="ml-manager", json=body)
    assert again.status_code == 409
    assert again.json()["detail"][0]["reason"] == "ce candidat est déjà arrivé, à 08:20"
    other = await api.call(
        "POST",
        f"/job-datings/{api.jd}/check-ins",
        as_="ft-manager",
        json={"candidate_id": candidate_id(api.prefix, 6), "site_id": seclin},
    )
    assert other.status_code == 403
    elsewhere = await api.call(
        "POST",
        f"/job-datings/{api.jd}/check-ins",
        json={"candidate_id": candidate_id(api.prefix, 1), "site_id": seclin},
    )
    assert elsewhere.status_code == 409


async def test_a_no_show_loses_the_slots_still_to_come_and_they_go_to_the_waiting_list_of_the_site(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    absent = candidate_id(api.prefix, 6)
    theirs = [s for s in await api.published_slots() if s["candidate_id"] == absent]
    clock.set(paris(9, 35))
    head = service.store.head()
    report = await api.ok(
        "POST", f"/job-datings/{api.jd}/no-shows", as_="ml-manager", json={"candidate_id": absent}
    )
    to_come = [s for s in theirs if starts(s) >= clock.now()]
    assert report["cancelled"] == len(to_come) > 0
    events = log_events(service.store, head)
    cancelled = [e.data for e in events if isinstance(e.data, SlotCancelled)]
    assert {c.slot_id for c in cancelled} == {s["slot_id"] for s in to_come}
    assert {c.reason for c in cancelled} == {"no_show"}
    refills = [e.data for e in events if isinstance(e.data, SlotAssigned)]
    assert len(refills) == report["assigned"]
    freed = {(s["computer_id"], s["starts_at"]) for s in to_come}
    for refill in refills:
        assert refill.from_waiting_list
        assert refill.candidate_id != absent
        assert refill.site_id == site_id(api.prefix, "seclin")
        assert (refill.computer_id, refill.starts_at.isoformat().replace("+00:00", "Z")) in freed
    assert not [e for e in events if isinstance(e.data, SlotMoved)]
    after = {s["slot_id"]: s for s in await api.published_slots()}
    for s in theirs:
        assert after[s["slot_id"]]["status"] == ("cancelled" if s in to_come else "assigned")
    assert_plan_still_valid(service, api.jd)


async def test_a_candidate_marked_absent_who_arrives_late_gets_back_their_interviews_still_to_come(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    seclin = site_id(api.prefix, "seclin")
    late = candidate_id(api.prefix, 6)
    theirs = [s for s in await api.published_slots() if s["candidate_id"] == late]
    clock.set(paris(9, 35))
    await api.ok("POST", f"/job-datings/{api.jd}/no-shows", as_="ml-manager", json={"candidate_id": late})
    refilled = {
        (s["computer_id"], s["starts_at"]) for s in await api.published_slots(False) if s["from_waiting_list"]
    }
    body = {"candidate_id": late, "site_id": seclin}
    checked_in = await api.call("POST", f"/job-datings/{api.jd}/check-ins", as_="ml-manager", json=body)
    assert checked_in.status_code == 409
    clock.set(paris(9, 45))
    head = service.store.head()
    report = await api.ok("POST", f"/job-datings/{api.jd}/late-arrivals", as_="ml-manager", json=body)

    events = log_events(service.store, head)
    assert isinstance(events[0].data, CandidateArrivedLate)
    assert not [e for e in events if isinstance(e.data, SlotCancelled | SlotMoved)], "nobody else changes"
    given = [e.data for e in events if isinstance(e.data, SlotAssigned)]
    wanted = [s for s in theirs if starts(s) >= clock.now()]
    assert report == {
        "job_dating_id": api.jd,
        "cancelled": 0,
        "moved": 0,
        "assigned": len(given),
        "moved_aside": 0,
    }
    assert len(given) > 0
    assert {g.company_id for g in given} <= {s["company_id"] for s in wanted}
    for g in given:
        assert (g.candidate_id, g.site_id, g.from_waiting_list) == (late, seclin, False)
        assert g.starts_at >= clock.now()
    kept = {(s["computer_id"], s["starts_at"]) for s in wanted} - refilled
    same = {(g.computer_id, g.starts_at.isoformat().replace("+00:00", "Z")) for g in given}
    assert kept <= same, "a slot still free is given back as it was"
    attendance = await api.ok("GET", f"/job-datings/{api.jd}/attendance", params={"site_id": seclin})
    mine = next(a for a in attendance if a["candidate_id"] == late)
    assert (mine["no_show"], mine["checked_in_at"]) == (False, "2026-12-03T08:45:00Z")
    again = await api.call("POST", f"/job-datings/{api.jd}/late-arrivals", as_="ml-manager", json=body)
    assert again.status_code == 409
    assert again.json()["detail"][0]["reason"] == "ce candidat est déjà arrivé, à 09:45"
    assert_plan_still_valid(service, api.jd)


async def test_a_late_arrival_of_a_candidate_never_marked_absent_is_refused_and_records_nothing(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    clock.set(paris(9, 35))
    head = service.store.head()
    body = {"candidate_id": candidate_id(api.prefix, 2), "site_id": site_id(api.prefix, "seclin")}
    refused = await api.call("POST", f"/job-datings/{api.jd}/late-arrivals", as_="ml-manager", json=body)
    assert refused.status_code == 409
    assert refused.json()["detail"] == [
        {
            "field": "candidate_id",
            "reason": "ce candidat n'a pas été déclaré absent : enregistrez simplement son arrivée",
        }
    ]
    forbidden = await api.call("POST", f"/job-datings/{api.jd}/late-arrivals", as_="ft-manager", json=body)
    assert forbidden.status_code == 403
    assert log_events(service.store, head) == []


async def test_a_check_in_or_a_no_show_ten_days_ahead_is_refused_and_records_nothing(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    seclin = site_id(api.prefix, "seclin")
    samia, absent = candidate_id(api.prefix, 2), candidate_id(api.prefix, 6)
    slots = await api.published_slots()
    clock.set(paris(9, 35) - timedelta(days=10))
    head = service.store.head()

    async def check_in_and_no_show(send: Callable[..., Awaitable[Any]]) -> tuple[Any, Any]:
        """Samia checks in at Seclin, then `absent` is declared absent, by the Mission Locale's manager."""
        day = f"/job-datings/{api.jd}"
        body = {"candidate_id": samia, "site_id": seclin}
        arrived = await send("POST", f"{day}/check-ins", as_="ml-manager", json=body)
        return arrived, await send("POST", f"{day}/no-shows", as_="ml-manager", json={"candidate_id": absent})

    check_in, no_show = await check_in_and_no_show(api.call)
    reason = "le job dating n'a pas encore commencé : il commence le 03/12/2026"
    for refused in (check_in, no_show):
        assert refused.status_code == 409
        assert refused.json()["detail"] == [{"field": "job_dating_id", "reason": reason}]
    assert log_events(service.store, head) == []
    assert await api.ok("GET", f"/job-datings/{api.jd}/attendance") == []
    assert await api.published_slots() == slots

    clock.set(paris(9, 35))
    _, report = await check_in_and_no_show(api.ok)
    assert report["cancelled"] > 0
    attendance = await api.ok("GET", f"/job-datings/{api.jd}/attendance")
    assert {(a["candidate_id"], a["no_show"]) for a in attendance} == {(samia, False), (absent, True)}


async def test_paging_the_changes_with_a_small_limit_reads_every_change_once_in_log_order(
    api: Api, clock: MovableClock
) -> None:
    clock.set(paris(9, 35))
    await api.ok(
        "POST",
        f"/job-datings/{api.jd}/no-shows",
        as_="ml-manager",
        json={"candidate_id": candidate_id(api.prefix, 6)},
    )
    url = f"/job-datings/{api.jd}/changes"
    whole = await api.ok("GET", url, params={"limit": 5000})
    assert {c["change"] for c in whole} >= {"assigned", "cancelled"}

    paged: list[dict[str, Any]] = []
    after = 0
    while page := await api.ok("GET", url, params={"after": after, "limit": 7}):
        assert len(page) <= 7
        paged += page
        after = page[-1]["position"]

    assert paged == whole
    positions = [c["position"] for c in paged]
    assert positions == sorted(set(positions))
    assert len({c["event_id"] for c in paged}) == len(paged) > 7
    schemas = (await api.ok("GET", "/openapi.json"))["components"]["schemas"]
    assert schemas["ChangeView"]["properties"]["position"]["type"] == "integer"


async def disrupted(
    api: Api, clock: MovableClock, at: datetime, company: str, what: str, body: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A demo company (`company`, its short name) is late or leaves (`what`) at `at`: its id, the published
    slots by id before and after, and the repair's report."""
    its_id = company_id(api.prefix, company)
    before = {s["slot_id"]: s for s in await api.published_slots()}
    clock.set(at)
    report = await api.ok("POST", f"/job-datings/{api.jd}/companies/{its_id}/{what}", json=body)
    after = {s["slot_id"]: s for s in await api.published_slots()}
    return its_id, before, report, after


async def test_a_late_company_keeps_no_slot_before_it_arrives(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    logiplus, before, report, after = await disrupted(
        api, clock, paris(8, 0), "logiplus", "late", {"arrives_at": "2026-12-03T10:00"}
    )
    early = [s for s in before.values() if s["company_id"] == logiplus and starts(s) < paris(10)]
    assert report["moved"] + report["cancelled"] == len(early) > 0
    for s in early:
        now = after[s["slot_id"]]
        if now["status"] == "cancelled":
            assert now["cancel_reason"] == "company_late"
        else:
            assert starts(now) >= paris(10)
            assert now["site_id"] == s["site_id"]
    changed = {k for k in before if before[k] != after[k]}
    aside = changed - {s["slot_id"] for s in early}  # moved to make room for one that would be cancelled
    assert len(aside) == report["moved_aside"]
    for k in aside:
        assert (after[k]["status"], after[k]["site_id"]) == ("assigned", before[k]["site_id"])
        assert starts(after[k]) >= paris(8)
    jd = await api.ok("GET", f"/job-datings/{api.jd}")
    assert jd["late_companies"] == [{"company_id": logiplus, "arrives_at": "2026-12-03T09:00:00Z"}]
    assert_plan_still_valid(service, api.jd)


async def test_a_company_leaving_cancels_only_its_slots_still_to_come(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    callnord, before, report, after = await disrupted(
        api, clock, paris(10, 0), "callnord", "leave", {"reason": "recruteur rappelé"}
    )
    to_come = {k for k, s in before.items() if s["company_id"] == callnord and starts(s) >= paris(10)}
    assert report["cancelled"] == len(to_come) > 0
    assert {k for k in to_come if after[k]["cancel_reason"] == "company_left"} == to_come
    assert all(before[k] == after[k] for k in before if k not in to_come)
    refills = [s for k, s in after.items() if k not in before]
    assert len(refills) == report["assigned"]
    assert all(s["from_waiting_list"] and s["company_id"] != callnord for s in refills)
    again = await api.call("POST", f"/job-datings/{api.jd}/companies/{callnord}/leave", json={"reason": "x"})
    assert again.status_code == 409
    assert_plan_still_valid(service, api.jd)


async def test_a_recruiter_records_outcomes_for_their_company_and_books_a_second_interview(
    api: Api, clock: MovableClock
) -> None:
    logiplus = company_id(api.prefix, "logiplus")
    slots = [s for s in await api.published_slots() if s["company_id"] == logiplus]
    first = min(slots, key=starts)
    clock.set(starts(first))
    early = await api.call(
        "POST",
        f"/slots/{min(slots, key=lambda s: -starts(s).timestamp())['slot_id']}/outcome",
        as_="recruiter-logiplus",
        json={"outcome": "hired"},
    )
    assert early.status_code == 409
    assert early.json()["detail"][0]["reason"] == "cet entretien n'a pas encore commencé"
    stranger = await api.call(
        "POST", f"/slots/{first['slot_id']}/outcome", as_="recruiter-callnord", json={"outcome": "hired"}
    )
    assert stranger.status_code == 403
    done = await api.ok(
        "POST",
        f"/slots/{first['slot_id']}/outcome",
        as_="recruiter-logiplus",
        json={"outcome": "second_interview"},
    )
    assert (done["status"], done["outcome"]) == ("completed", "second_interview")
    second = await api.ok(
        "POST",
        f"/slots/{first['slot_id']}/second-interview",
        as_="recruiter-logiplus",
        json={"starts_at": "2026-12-03T12:35"},
    )
    assert (second["kind"], second["local_start"], second["site_id"]) == (
        "second_interview",
        "12:35",
        first["site_id"],
    )
    assert second["video_link"] != first["video_link"]
    agenda = await api.ok(
        "GET",
        f"/job-datings/{api.jd}/plan",
        as_="recruiter-logiplus",
        params={"by": "company", "key": logiplus},
    )
    assert second["slot_id"] in {i["slot_id"] for g in agenda["groups"] for i in g["interviews"]}
    others = await api.call(
        "GET", f"/job-datings/{api.jd}/plan", as_="recruiter-logiplus", params={"by": "site"}
    )
    assert others.status_code == 403
    twice = await api.call(
        "POST", f"/slots/{first['slot_id']}/second-interview", json={"starts_at": "2026-12-03T12:40"}
    )
    assert twice.status_code == 409


async def test_a_recruiter_reads_only_their_own_companys_slots(api: Api) -> None:
    slots = await api.published_slots()
    logiplus = company_id(api.prefix, "logiplus")
    own = next(s for s in slots if s["company_id"] == logiplus)
    other = next(s for s in slots if s["company_id"] != logiplus)
    assert (await api.ok("GET", f"/slots/{own['slot_id']}", as_="recruiter-logiplus"))["video_link"] == own[
        "video_link"
    ]
    assert (await api.call("GET", f"/slots/{other['slot_id']}", as_="recruiter-logiplus")).status_code == 403
    assert (
        await api.call("GET", f"/job-datings/{api.jd}/changes", as_="recruiter-logiplus")
    ).status_code == 403
    assert (await api.call("GET", f"/job-datings/{api.jd}/plan", as_="viewer")).status_code == 200


def test_serve_refuses_to_start_without_a_tokens_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JOBDATING_SCHEDULING_TOKENS_FILE", str(tmp_path / "missing.json"))
    monkeypatch.setenv("JOBDATING_SCHEDULING_STORE_URL", f"sqlite:///{tmp_path / 'scheduling.db'}")
    assert main(["serve"]) == 2
