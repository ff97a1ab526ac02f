"""A booked second interview when its site closes or its computer breaks, the sites service's fact delivered
through NATS: at a closed site it is cancelled with the reason (one at the company's premises stays), on a
broken computer it moves to another free computer of the site at the same time, else it is cancelled with the
reason, and the events on the stream say exactly that."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.relay import Relay
from jobdating.contracts.scheduling import SlotCancelled, SlotMoved
from jobdating.contracts.sites import ComputerOutOfOrder, SiteClosed
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application.policies import SITES_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, append_as_published, company_id, demo_facts
from jobdating.testing.consumers import run_until

from .conftest import Api, asked_for_more, assert_plan_still_valid, log_events, published_demo, starts

TOMORROW = "2026-12-04T10:00"  # the day after the job dating: every computer of the site is free then
ADDRESS = "12 rue de l'Usine, 59810 Lesquin"


@dataclass
class Day:
    """The published demo job dating, its API and clock, and the sites service publishing through NATS."""

    tmp_path: Path
    js: JetStreamContext
    api: Api
    service: SchedulingService
    clock: MovableClock

    async def delivered(self, facts: list[Fact]) -> int:
        """The sites service publishes `facts` through NATS and scheduling's consumer applies them; the
        log's head before."""
        head = self.service.store.head()
        sites = SqliteEventStore(self.tmp_path / "sites.db")
        sites.migrate()
        append_as_published(sites, facts)
        await Relay(sites, self.js).publish_pending()
        runner = ConsumerRunner(self.service.store, self.js, SITES_CONSUMER, self.service.policies.on_sites)
        await run_until(runner, lambda: runner.handled >= len(facts))
        sites.close()
        return head

    def told(self, head: int, slot_id: str) -> list[Any]:
        """What scheduling wrote on one slot's stream since `head`."""
        return [
            e.data
            for e in log_events(self.service.store, head)
            if getattr(e.data, "slot_id", None) == slot_id
        ]

    async def told_once(self, head: int, slot_id: str) -> tuple[Any, Any]:
        """The one event scheduling wrote on a slot's stream since `head`, and the slot as shown now."""
        events = self.told(head, slot_id)
        assert len(events) == 1, "told once"
        return events[0], await self.api.ok("GET", f"/slots/{slot_id}")

    async def second_on_site(self, first: dict[str, Any], **where: str) -> dict[str, Any]:
        """Logiplus's recruiter, asking for more after `first`, books a second interview tomorrow (on a
        computer of the candidate's site unless `where` says otherwise)."""
        url = await asked_for_more(self.api, self.clock, first)
        booked: dict[str, Any] = await self.api.ok(
            "POST", url, as_="recruiter-logiplus", json={"starts_at": TOMORROW, **where}
        )
        return booked

    async def logiplus_slots(self) -> list[dict[str, Any]]:
        """The demo published; Logiplus's first interviews, earliest first."""
        await published_demo(self.api, self.service)
        logiplus = company_id(self.api.prefix, "logiplus")
        return sorted(
            (s for s in await self.api.published_slots() if s["company_id"] == logiplus), key=starts
        )


@pytest.fixture
def day(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> Day:
    return Day(tmp_path, js, api, service, clock)


def assert_cancelled(event: Any, shown: Any, reason: str) -> None:
    assert isinstance(event, SlotCancelled)
    assert (event.reason, shown["status"]) == (reason, "cancelled")


@pytest.mark.nats
async def test_a_site_closing_cancels_its_second_interviews_with_the_reason_and_keeps_those_elsewhere(
    day: Day,
) -> None:
    ordered = await day.logiplus_slots()
    # Two first interviews with Logiplus at the same site, of two candidates.
    first, other = next(
        (s, o)
        for s in ordered
        for o in ordered
        if o["site_id"] == s["site_id"] and o["candidate_id"] != s["candidate_id"] and starts(o) >= starts(s)
    )
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


@pytest.mark.nats
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


@pytest.mark.nats
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
