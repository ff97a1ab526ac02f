"""A closed site reopened, or a company giving more recruiters or wider hours, after publication: the
capacity goes to the waiting list as a computer back in service does, and nothing anyone was told moves."""

from __future__ import annotations

from jobdating.contracts.sites import SiteClosed, SiteReopened
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, site_id

from .conftest import (
    Api,
    assert_plan_still_valid,
    feed,
    log_events,
    only_additions,
    paris,
    published_demo,
    unchanged,
)


async def test_a_reopened_site_gives_its_computers_free_slots_to_its_waiting_list(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    wattignies = site_id(api.prefix, "wattignies")
    clock.set(paris(9))
    feed(service, [Fact(SiteClosed(site_id=wattignies, reason="alarme"), wattignies, 3, "sites", paris(9))])
    cancelled = [s for s in await api.published_slots() if s["status"] == "cancelled"]
    assert cancelled, "the closing cancelled the interviews to come there"

    clock.set(paris(9, 30))
    head = service.store.head()
    shown = await api.published_slots()
    reopened = Fact(SiteReopened(site_id=wattignies), wattignies, 4, "sites", paris(9, 30))
    feed(service, [reopened])
    assigned = only_additions(service, head, paris(9, 30))
    assert assigned, "the reopened site's computers went to its waiting list"
    assert {s.site_id for s in assigned} == {wattignies}
    assert len({(s.starts_at, s.computer_id) for s in assigned}) == len(assigned)
    assert {s["candidate_id"] for s in cancelled} & {s.candidate_id for s in assigned}
    assert await unchanged(api, shown), "every slot people were told about stays as it was"
    assert_plan_still_valid(service, api.jd)

    # Delivered again (a new message id, the same stream version): nothing more.
    head = service.store.head()
    feed(service, [reopened])
    assert log_events(service.store, head) == []
