"""Capacity regained on the day, after publication: a computer back in service or added, a closed site
reopened, gives its free slots to the site's waiting list, and nothing anyone was told moves."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from jobdating.contracts.scheduling import SlotAssigned
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    SiteClosed,
    SiteReopened,
)
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, computer_id, site_id
from jobdating.testing.equipment import EQUIPPED

from .conftest import (
    Api,
    assert_delivered_again_changes_nothing,
    assert_plan_still_valid,
    feed,
    only_additions,
    paris,
    published_demo,
    unchanged,
)


async def regained(
    api: Api, service: SchedulingService, fact: Fact, at: datetime, why: str
) -> list[SlotAssigned]:
    """Feed the fact that gives capacity back at `at` and return the slots it gave (`why` says who should
    get them): at most one per computer and time, nothing people were told moved, the plan still valid."""
    head = service.store.head()
    shown = await api.published_slots()
    feed(service, [fact])
    assigned = only_additions(service, head, at)
    assert assigned, why
    assert len({(s.starts_at, s.computer_id) for s in assigned}) == len(assigned)
    assert await unchanged(api, shown), "every slot people were told about stays as it was"
    assert_plan_still_valid(service, api.jd)
    return assigned


async def test_a_reopened_site_gives_its_computers_free_slots_to_its_waiting_list(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    wattignies = site_id(api.prefix, "wattignies")
    clock.set(paris(9))
    feed(service, [Fact(SiteClosed(site_id=wattignies, reason="alarme"), wattignies, 3, "sites", paris(9))])
    cancelled = [s for s in await api.published_slots() if s["status"] == "cancelled"]
    assert cancelled, "the closing cancelled the interviews to come there"
    waiting_list = f"/job-datings/{api.jd}/sites/{wattignies}/waiting-list"
    assert (await api.ok("GET", waiting_list))["site_open"] is False, "what the day waits for"

    clock.set(paris(9, 30))
    reopened = Fact(SiteReopened(site_id=wattignies), wattignies, 4, "sites", paris(9, 30))
    assigned = await regained(
        api, service, reopened, paris(9, 30), "the reopened site's computers went to its waiting list"
    )
    assert {s.site_id for s in assigned} == {wattignies}
    assert {s["candidate_id"] for s in cancelled} & {s.candidate_id for s in assigned}
    assert (await api.ok("GET", waiting_list))["site_open"] is True
    assert_delivered_again_changes_nothing(service, reopened)


async def test_a_computer_back_in_service_gives_the_interviews_it_lost_to_the_waiting_list(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    before = await api.published_slots()
    # The busiest computer of the morning breaks at 9:00, before anything started on it.
    counts = Counter(s["computer_id"] for s in before if s["starts_at"] >= "2026-12-03T08:00")
    broken = max(sorted(counts), key=lambda c: counts[c])
    site = next(s["site_id"] for s in before if s["computer_id"] == broken)
    clock.set(paris(9))
    feed(
        service, [Fact(ComputerOutOfOrder(computer_id=broken, reason="panne"), broken, 2, "sites", paris(9))]
    )
    cancelled = [
        s for s in await api.published_slots() if s["status"] == "cancelled" and s["computer_id"] == broken
    ]
    assert cancelled, "the site was full: the breakdown cancelled interviews"

    # Repaired at 9:30: the lost interviews' candidates are the waiting list of its site.
    clock.set(paris(9, 30))
    back = Fact(ComputerBackInService(computer_id=broken), broken, 3, "sites", paris(9, 30))
    assigned = await regained(
        api, service, back, paris(9, 30), "the computer's free slots went to the waiting list"
    )
    for slot in assigned:
        assert slot.computer_id == broken
        assert slot.site_id == site
    # Fewest interviews first: the candidates who lost one in the breakdown are served.
    lost = {s["candidate_id"] for s in cancelled}
    assert lost & {s.candidate_id for s in assigned}
    assert_delivered_again_changes_nothing(service, back)


async def test_a_computer_added_to_a_full_site_on_the_day_is_given_to_its_waiting_list(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    seclin = site_id(api.prefix, "seclin")
    clock.set(paris(9, 10))
    spare = computer_id(api.prefix, "seclin", 99)
    added = ComputerAdded(
        computer_id=spare,
        site_id=seclin,
        label="Portable de secours",
        lending_org="mission-locale",
        **EQUIPPED,
    )
    assigned = await regained(
        api,
        service,
        Fact(added, spare, 1, "sites", paris(9, 10)),
        paris(9, 10),
        "candidates of Seclin still wishing interviews take the spare computer",
    )
    for slot in assigned:
        assert (slot.computer_id, slot.site_id) == (spare, seclin)


async def test_a_computer_back_never_books_a_candidate_with_a_company_they_already_met(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    # The morning until 10:00 is held: each interview that ended has its outcome (a completed slot is no
    # longer in the plan the repairs mend, yet its candidate and company have met).
    clock.set(paris(10))
    held = set()
    for slot in await api.published_slots():
        if slot["status"] == "assigned" and datetime.fromisoformat(slot["ends_at"]) <= paris(10):
            await api.ok("POST", f"/slots/{slot['slot_id']}/outcome", json={"outcome": "not_retained"})
            held.add((slot["candidate_id"], slot["company_id"]))
    assert held
    later = [s for s in await api.published_slots() if s["starts_at"] >= "2026-12-03T09:00"]
    counts = Counter(s["computer_id"] for s in later if s["status"] == "assigned")
    broken = max(sorted(counts), key=lambda c: counts[c])
    feed(
        service,
        [Fact(ComputerOutOfOrder(computer_id=broken, reason="panne"), broken, 2, "sites", paris(10))],
    )
    clock.set(paris(10, 5))
    head = service.store.head()
    feed(service, [Fact(ComputerBackInService(computer_id=broken), broken, 3, "sites", paris(10, 5))])
    assigned = only_additions(service, head, paris(10, 5))
    assert assigned, "the computer's free slots went to the waiting list"
    assert [s for s in assigned if (s.candidate_id, s.company_id) in held] == []
    assert_plan_still_valid(service, api.jd)
