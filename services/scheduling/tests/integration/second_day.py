"""The published demo job dating with second interviews booked by Logiplus's recruiter, and the other
services' facts delivered through NATS: what the tests of second interviews on the day share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.relay import Relay
from jobdating.contracts.scheduling import SlotCancelled
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER, SITES_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, append_as_published, company_id
from jobdating.testing.consumers import run_until

from .conftest import Api, asked_for_more, log_events, published_demo, starts

TOMORROW = "2026-12-04T10:00"  # the day after the job dating: every computer of the site is free then
ADDRESS = "12 rue de l'Usine, 59810 Lesquin"


@dataclass
class Day:
    """The published demo job dating, its API and clock, and the other services publishing through NATS."""

    tmp_path: Path
    js: JetStreamContext
    api: Api
    service: SchedulingService
    clock: MovableClock

    async def delivered(self, facts: list[Fact]) -> int:
        """One service (registration or sites) publishes `facts` through NATS and scheduling's consumer of
        it applies them; the log's head before."""
        head = self.service.store.head()
        (publisher,) = {f.service for f in facts}
        consumer, handler = {
            "sites": (SITES_CONSUMER, self.service.policies.on_sites),
            "registration": (REGISTRATION_CONSUMER, self.service.policies.on_registration),
        }[publisher]
        store = SqliteEventStore(self.tmp_path / f"{publisher}.db")
        store.migrate()
        append_as_published(store, facts)
        await Relay(store, self.js).publish_pending()
        runner = ConsumerRunner(self.service.store, self.js, consumer, handler)
        await run_until(runner, lambda: runner.handled >= len(facts))
        store.close()
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

    async def second_on_site(
        self, first: dict[str, Any], starts_at: str = TOMORROW, **where: str
    ) -> dict[str, Any]:
        """Logiplus's recruiter, asking for more after `first`, books a second interview (tomorrow unless
        `starts_at` says otherwise, on a computer of the candidate's site unless `where` says otherwise)."""
        url = await asked_for_more(self.api, self.clock, first)
        booked: dict[str, Any] = await self.api.ok(
            "POST", url, as_="recruiter-logiplus", json={"starts_at": starts_at, **where}
        )
        return booked

    async def logiplus_slots(self) -> list[dict[str, Any]]:
        """The demo published; Logiplus's first interviews, earliest first."""
        await published_demo(self.api, self.service)
        logiplus = company_id(self.api.prefix, "logiplus")
        return sorted(
            (s for s in await self.api.published_slots() if s["company_id"] == logiplus), key=starts
        )


def assert_cancelled(event: Any, shown: Any, reason: str) -> None:
    assert isinstance(event, SlotCancelled)
    assert (event.reason, shown["status"]) == (reason, "cancelled")
