"""A scheduling instance on a real SQLite store, driven over HTTP through its ASGI app, with the facts
registration and the sites service publish fed to its consumers' handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from nats.js import JetStreamContext

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.scheduling import SlotAssigned
from jobdating.eventstore.base import EventStore
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.ids import new_id
from jobdating.scheduling.bootstrap import SchedulingService, bootstrap
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.testing import Fact, MovableClock, demo_facts, job_dating_body, principals

if TYPE_CHECKING:
    from .second_day import Day

VIDEO_BASE = "https://visio.test/entretien"


def paris(hour: int, minute: int = 0) -> datetime:
    """A time on the demo day (3 December 2026) in Paris, as a UTC instant (Paris is UTC+1 then)."""
    return datetime(2026, 12, 3, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
def prefix() -> str:
    return "t" + new_id().replace("-", "")[-12:]


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def service(sqlite_store: EventStore, clock: MovableClock, prefix: str) -> SchedulingService:
    settings = SchedulingSettings(
        org="departement-nord", store_url="sqlite:///unused", video_base_url=VIDEO_BASE
    )
    return bootstrap(settings, store=sqlite_store, tokens=TokenTable(principals(prefix)), clock=clock)


class Api:
    """An HTTP client acting as one of the test principals."""

    def __init__(self, client: httpx.AsyncClient, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.jd = f"{prefix}-jd"

    async def call(self, method: str, url: str, as_: str = "coordinator", **kwargs: Any) -> httpx.Response:
        return await self.client.request(method, url, headers={"Authorization": f"Bearer {as_}"}, **kwargs)

    async def ok(self, method: str, url: str, as_: str = "coordinator", **kwargs: Any) -> Any:
        response = await self.call(method, url, as_, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def plan_job_dating(self, **changes: Any) -> dict[str, Any]:
        found: dict[str, Any] = await self.ok(
            "POST", "/job-datings", json=job_dating_body(self.prefix, **changes)
        )
        return found

    async def compute(self, engine: str = "greedy", **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = await self.ok(
            "POST", f"/job-datings/{self.jd}/provisional-plans", json={"engine": engine, **kwargs}
        )
        return found

    async def publish(self, plan_id: str) -> dict[str, Any]:
        found: dict[str, Any] = await self.ok(
            "POST", f"/job-datings/{self.jd}/publish", json={"plan_id": plan_id}
        )
        return found

    async def published_slots(self, include_cancelled: bool = True) -> list[dict[str, Any]]:
        plan = await self.ok(
            "GET",
            f"/job-datings/{self.jd}/plan",
            params={"by": "site", "include_cancelled": include_cancelled},
        )
        return [i for g in plan["groups"] for i in g["interviews"]]


@pytest.fixture
async def api(service: SchedulingService, prefix: str) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduling.test") as client:
        yield Api(client, prefix)


@pytest.fixture
def day(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> Day:
    """The demo job dating for second interviews on the day, the other services publishing through NATS."""
    from .second_day import Day  # it builds on this module's helpers

    return Day(tmp_path, js, api, service, clock)


def feed(service: SchedulingService, facts: Iterable[Fact]) -> None:
    """Apply facts as the consumers do: each in its own transaction, through the policies."""
    for fact in facts:
        event = fact.recorded()
        policies = service.policies
        handler = {"sites": policies.on_sites, "identity": policies.on_identity}.get(
            fact.service, policies.on_registration
        )
        with service.store.transaction() as tx:
            handler(tx, event)


def log_events(store: EventStore, after: int = 0) -> list[RecordedEvent]:
    """Scheduling's own log after a position, decoded."""
    return [
        REGISTRY.decode(decode_envelope(row.body), row.position) for row in store.read_all(after, 100_000)
    ]


def assert_delivered_again_changes_nothing(service: SchedulingService, fact: Fact) -> None:
    """Delivered again (a new message id, the same stream version): nothing more."""
    head = service.store.head()
    feed(service, [fact])
    assert log_events(service.store, head) == []


async def planned_demo(api: Api, service: SchedulingService) -> None:
    """The demo job dating's facts fed and the job dating set up."""
    feed(service, demo_facts(api.prefix))
    await api.plan_job_dating()


async def published_demo(api: Api, service: SchedulingService, engine: str = "greedy") -> dict[str, Any]:
    """The demo job dating's facts fed, planned, computed and published; returns the published plan."""
    await planned_demo(api, service)
    plan = await api.compute(engine, time_limit=5)
    return await api.publish(plan["summary"]["plan_id"])


def starts(slot: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(slot["starts_at"])


async def asked_for_more(api: Api, clock: MovableClock, first: dict[str, Any]) -> str:
    """The recruiter of `first`'s company (Logiplus) asks for a second interview once it began; its URL."""
    clock.set(starts(first))
    await api.ok(
        "POST",
        f"/slots/{first['slot_id']}/outcome",
        as_="recruiter-logiplus",
        json={"outcome": "second_interview"},
    )
    return f"/slots/{first['slot_id']}/second-interview"


def assert_plan_still_valid(service: SchedulingService, job_dating_id: str) -> None:
    """The published plan as it stands now keeps every rule for what has not begun (the planner's checker)."""
    from jobdating.scheduling.application import queries_facts as known
    from jobdating.scheduling.application import queries_slots as projections
    from jobdating.scheduling.domain.calendar import Calendar
    from jobdating.scheduling.domain.changes import interview_of
    from jobdating.scheduling.domain.instance import build_instance
    from jobdating.scheduling.planning.check import check
    from jobdating.scheduling.planning.model import Plan

    read = known.on_store(service.store)
    state = service.queries.state(job_dating_id)
    active = projections.active_slots(read, job_dating_id)
    instance = build_instance(
        state,
        known.facts_for(read, state.site_ids),
        absent=projections.absent(read, job_dating_id),
        second_interviews=[s for s in active if s.kind == "second_interview"],
    )
    cal = Calendar(state)
    plan = Plan(interviews=tuple(i for s in active if (i := interview_of(s, cal)) is not None))
    broken = [
        v
        for v in check(instance, plan, now=cal.moment(service.clock.now(), round_up=True))
        if v.rule != "pin_missing"
    ]
    assert broken == []


def only_additions(service: SchedulingService, head: int, since: datetime) -> list[SlotAssigned]:
    """The slots given since `head`, every one from the waiting list and to come."""
    events = log_events(service.store, head)
    assert all(isinstance(e.data, SlotAssigned) for e in events), "no slot was moved or cancelled"
    assigned = [e.data for e in events if isinstance(e.data, SlotAssigned)]
    for slot in assigned:
        assert slot.from_waiting_list
        assert slot.starts_at >= since
    return assigned


async def unchanged(api: Api, shown: list[dict[str, Any]]) -> bool:
    """Whether every slot of `shown` (what people were told) is still as it was."""
    after = {s["slot_id"]: s for s in await api.published_slots()}
    return all(after[s["slot_id"]] == s for s in shown)


def assert_only_moved_aside(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], affected: set[str]
) -> None:
    """Besides the `affected` slots, a repair changed only interviews it moved aside to save one of them
    from cancellation (a chain): each still held at its site, later than now, at most one per saved one."""
    aside = {k for k in before if before[k] != after[k]} - affected
    for slot_id in aside:
        was, now = before[slot_id], after[slot_id]
        assert now["status"] == "assigned", now
        assert (now["candidate_id"], now["company_id"], now["site_id"]) == (
            was["candidate_id"],
            was["company_id"],
            was["site_id"],
        )
    saved = [k for k in affected if after[k]["status"] == "assigned"]
    assert len(aside) <= len(saved), (aside, saved)
