"""A booked second interview when its site closes or its computer breaks, the sites service's fact delivered
through NATS: at a closed site it is cancelled with the reason (one at the company's premises stays), on a
broken computer it moves to another free computer of the site at the same time, else it is cancelled with the
reason, and the events on the stream say exactly that. A closed site reopened gives back the second interviews
its closing cancelled: at the same time and computer when all are free, else at the first free time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from jobdating.contracts.scheduling import SlotAssigned, SlotMoved
from jobdating.contracts.sites import ComputerOutOfOrder, SiteClosed, SiteReopened
from jobdating.scheduling.testing import Fact, demo_facts

from .conftest import assert_plan_still_valid, log_events, starts
from .second_day import ADDRESS, TOMORROW, Day, assert_cancelled

pytestmark = pytest.mark.nats


async def test_a_site_closing_cancels_its_second_interviews_with_the_reason_and_keeps_those_elsewhere(
    day: Day,
) -> None:
    ordered = await day.logiplus_slots()
    first, other = two_at_one_site(ordered)
    site = first["site_id"]
    on_site = await day.second_on_site(first)
    at_premises = await day.second_on_site(other, place="premises", address=ADDRESS)
    assert (on_site["place"], on_site["site_id"], at_premises["place"]) == ("site", site, "premises")

    closed = Fact(SiteClosed(site_id=site, reason="dégât des eaux"), site, 3, "sites", day.clock.now())
    head = await day.delivered([closed])

    assert_cancelled(*await day.told_once(head, on_site["slot_id"]), "site_closed")
    assert day.told(head, at_premises["slot_id"]) == [], "at the company's premises: not the site's"
    kept = await day.api.ok("GET", f"/slots/{at_premises['slot_id']}")
    assert (kept["status"], kept["place"], kept["address"]) == ("assigned", "premises", ADDRESS)
    assert_plan_still_valid(day.service, day.api.jd)


async def test_a_broken_computer_moves_its_second_interview_to_a_free_computer_at_the_same_time(
    day: Day,
) -> None:
    booked = await day.second_on_site((await day.logiplus_slots())[0])
    broken = booked["computer_id"]
    assert (booked["place"], broken is not None) == ("site", True)
    out = Fact(
        ComputerOutOfOrder(computer_id=broken, reason="écran noir"), broken, 2, "sites", day.clock.now()
    )
    head = await day.delivered([out])

    moved, now = await day.told_once(head, booked["slot_id"])
    assert isinstance(moved, SlotMoved)
    assert (moved.reason, moved.previous_computer_id, moved.site_id) == (
        "computer_broken",
        broken,
        booked["site_id"],
    )
    assert moved.computer_id not in (None, broken)
    assert moved.starts_at == moved.previous_starts_at == starts(booked), "at the same time"
    assert (now["status"], now["computer_id"], now["starts_at"]) == (
        "assigned",
        moved.computer_id,
        booked["starts_at"],
    )
    assert_plan_still_valid(day.service, day.api.jd)


async def test_a_broken_computer_cancels_its_second_interview_with_the_reason_when_no_other_is_free(
    day: Day,
) -> None:
    booked = await day.second_on_site((await day.logiplus_slots())[0])
    broken, site = booked["computer_id"], booked["site_id"]
    others = sorted(
        f.event.computer_id
        for f in demo_facts(day.api.prefix)
        if getattr(f.event, "site_id", None) == site
        and hasattr(f.event, "computer_id")
        and f.event.computer_id != broken
    )
    assert others
    # Every other computer of the site is out of order first; then the second interview's own one.
    outs = [
        Fact(ComputerOutOfOrder(computer_id=pc, reason="panne"), pc, 2, "sites", day.clock.now())
        for pc in [*others, broken]
    ]
    head = await day.delivered(outs)

    assert_cancelled(*await day.told_once(head, booked["slot_id"]), "computer_broken")
    assert_plan_still_valid(day.service, day.api.jd)


async def test_a_reopened_site_gives_back_its_second_interviews_at_their_time_or_the_first_free_one(
    day: Day,
) -> None:
    ordered = await day.logiplus_slots()
    first, other = two_at_one_site(ordered)
    # Then two later first interviews with Logiplus, of two other candidates.
    whose = {first["candidate_id"], other["candidate_id"]}
    later = [s for s in ordered if starts(s) >= starts(other) and s["candidate_id"] not in whose]
    third, fourth = next((a, b) for a in later for b in later if a["candidate_id"] < b["candidate_id"])
    site, at_eleven = first["site_id"], TOMORROW.replace("10:00", "11:00")
    kept = await day.second_on_site(first)
    busy = await day.second_on_site(other, starts_at=at_eleven)
    head = await day.delivered(
        [Fact(SiteClosed(site_id=site, reason="alarme incendie"), site, 3, "sites", day.clock.now())]
    )
    assert [day.told(head, s["slot_id"])[0].reason for s in (kept, busy)] == ["site_closed"] * 2
    # Meanwhile both of Logiplus's recruiters are taken at 11:00 by video (no site needed).
    for s in (third, fourth):
        await day.second_on_site(s, starts_at=at_eleven, place="video")

    head = await day.delivered([Fact(SiteReopened(site_id=site), site, 4, "sites", day.clock.now())])

    given = {
        e.data.candidate_id: e.data
        for e in log_events(day.service.store, head)
        if isinstance(e.data, SlotAssigned) and e.data.kind == "second_interview"
    }
    assert set(given) == {first["candidate_id"], other["candidate_id"]}, "both given back, as new slots"
    same, moved = given[first["candidate_id"]], given[other["candidate_id"]]
    assert (same.starts_at, same.computer_id, same.site_id, same.place) == (
        starts(kept),
        kept["computer_id"],
        site,
        "site",
    ), "at the same time on the same computer: everyone is free then"
    assert (moved.site_id, moved.place, moved.company_id) == (site, "site", other["company_id"])
    assert moved.starts_at != starts(busy), "its recruiters are taken at its own time"
    # The first free time: a proposal now finds none earlier (it would have been given).
    url = f"/slots/{other['slot_id']}/second-interview/proposals"
    proposed = await day.api.ok("GET", url, as_="recruiter-logiplus", params={"count": 3})
    assert all(datetime.fromisoformat(p["starts_at"]) > moved.starts_at for p in proposed)
    for old in (kept, busy):
        assert (await day.api.ok("GET", f"/slots/{old['slot_id']}"))["status"] == "cancelled"
    assert_plan_still_valid(day.service, day.api.jd)


def two_at_one_site(ordered: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two first interviews with Logiplus at the same site, of two candidates, the earlier first."""
    return next(
        (s, o)
        for s in ordered
        for o in ordered
        if o["site_id"] == s["site_id"] and o["candidate_id"] != s["candidate_id"] and starts(o) >= starts(s)
    )
