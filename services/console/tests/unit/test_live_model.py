"""The console's read model of the live day: the facts read in one batch, read again only for the sites
(and the aspects) an event touched, each scope its own facts read with its own people's tokens; a change
read and rendered once for all the pages of a scope."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobdating.console.adapters.live_feed import Change, LiveFeed
from jobdating.console.adapters.live_hub import LiveHub
from jobdating.console.application import live_model
from jobdating.console.application.live_day import COMPUTERS, PLAN, SiteDay
from jobdating.console.application.live_model import LiveModels, scope_of
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService

from .conftest import NOW
from .fakes import FakeServices

JD = "jd-1"
BASE = f"/job-datings/{JD}"


class DayServices(FakeServices):
    """Two sites of one published job dating; each organisation's token reads its own computers' labels."""

    def __init__(self) -> None:
        super().__init__()
        self.broken: dict[str, str] = {}  # computer -> reason
        self.moved = False  # slot-1 moved from site A to site B (the plan's change at position 2)
        self.tokens: list[str] = []

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        self.tokens.append(token)
        return super().get(service, path, token, params)

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        token = self.tokens[-1]
        one = (sent or {}).get("site_id") or (sent or {}).get("key")
        sites = [one] if one else ["site-a", "site-b"]
        if path == "/job-datings":
            return [{"job_dating_id": JD, "published": True}]
        if path == BASE:
            return {"title": "Forum", "site_windows": [{"site_id": "site-a"}, {"site_id": "site-b"}]}
        if path == "/sites":
            return [{"site_id": s, "name": f"Site {s[-1].upper()}"} for s in ("site-a", "site-b")]
        if path == "/computers":
            return [
                {
                    "computer_id": f"pc-{s}",
                    "site_id": s,
                    "label": f"{token}-{s}",
                    "status": "out_of_order" if f"pc-{s}" in self.broken else "in_service",
                    "status_reason": self.broken.get(f"pc-{s}"),
                }
                for s in sites
            ]
        starts = NOW - timedelta(minutes=5)
        interview = {
            "slot_id": "slot-1",
            "site_id": "site-b" if self.moved else "site-a",
            "candidate_id": "cand-1",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=20)).isoformat(),
            "status": "planned",
        }
        if path == f"{BASE}/plan":
            groups = [
                {"key": s, "interviews": [interview] if s == interview["site_id"] else []} for s in sites
            ]
            return {"groups": groups}
        if path == f"{BASE}/changes":
            positions = [1, 2] if self.moved else [1]
            return [{"slot_id": "slot-1", "position": p} for p in positions if p > int(sent["after"])]
        if path == "/slots/slot-1":
            return interview
        if path == f"{BASE}/attendance":
            return []
        if path.endswith("/waiting-list"):
            return {"waiting": []}
        return {}

    def reads(self) -> list[tuple[str, Any]]:
        reads = [(path, sent) for _, _, path, sent in self.calls]
        self.calls.clear()
        return reads


def test_the_day_is_read_in_one_batch_then_only_what_an_event_changed() -> None:
    services = DayServices()
    live = [True]
    models = LiveModels(trusted=lambda: live[0])
    model = models.model(scope_of("org-1", ["coordinator"]), JD)
    day = model.view(services, "t1", NOW)
    assert [s.name for s in day.sites] == ["Site A", "Site B"]
    assert [(s.in_progress, s.late) for s in day.sites] == [(1, 1), (0, 0)]  # cand-1 started, not arrived
    paths = [path for path, _ in services.reads()]
    # One read of each kind for every site, the waiting lists excepted (scheduling has them per site).
    assert sorted(paths) == sorted(
        [BASE, "/sites", "/computers", f"{BASE}/changes", f"{BASE}/plan", f"{BASE}/attendance"]
        + [f"{BASE}/sites/site-{s}/waiting-list" for s in "ab"]
    )
    # Nothing changed: nothing read, and the hour still counts (the interview is over 20 minutes later).
    later = model.view(services, "t1", NOW + timedelta(minutes=20))
    assert services.reads() == []
    assert later.sites[0].in_progress == 0
    # A computer of site A breaks: its site's computers only (and the sites' names) are read again.
    services.broken["pc-site-a"] = "écran cassé"
    models.changed("site-a", aspects=[COMPUTERS])
    day = model.view(services, "t1", NOW)
    assert day.sites[0].disruptions == ["Ordinateur t1-site-a en panne : écran cassé"]
    assert services.reads() == [("/sites", None), ("/computers", {"site_id": "site-a"})]
    # The interview's events name the slot only: the model knows its site.
    assert models.site_of(None, "slot-1") == "site-a"
    assert models.site_of("pc-site-b", None) == "site-b"
    # The plan is followed by its changes: the slots changed since are read, not the whole plan.
    services.moved = True
    models.changed("site-b", aspects=[PLAN])
    day = model.view(services, "t1", NOW)
    assert services.reads() == [(f"{BASE}/changes", {"after": "1", "limit": "5000"}), ("/slots/slot-1", None)]
    assert [s.in_progress for s in day.sites] == [0, 1]
    assert models.site_of(None, "slot-1") == "site-b"
    # Without the stream's consumer, the model cannot tell what changed: every page reads everything.
    live[0] = False
    model.view(services, "t1", NOW)
    assert len(services.reads()) == 8


def test_an_event_of_the_job_dating_naming_no_site_has_every_site_read_again() -> None:
    services = DayServices()
    models = LiveModels(trusted=lambda: True)
    model = models.model(scope_of("org-1", ["coordinator"]), JD)
    model.view(services, "t1", NOW)
    services.reads()
    models.changed(None, "another-jd")
    model.view(services, "t1", NOW)
    assert services.reads() == []
    models.changed(None, JD)
    model.view(services, "t1", NOW)
    assert len(services.reads()) == 8


def test_each_organisation_sees_only_what_its_own_tokens_read(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services = DayServices()
    console = build_console(services, secure_cookie=False)
    console.feed.live = True  # the model trusted, as when the stream's consumer runs
    first, first_session = sign_in(console, roles=("coordinator",), org="org-1")
    second, second_session = sign_in(console, roles=("coordinator",), org="org-2")
    first_session.token, second_session.token = "org1-token", "org2-token"
    console.sessions.save(first_session)
    console.sessions.save(second_session)
    assert "org1-token-site-a" not in first.get("/coordination/direct").text  # in service: no label shown
    services.broken["pc-site-a"] = "écran cassé"
    console.feed.models.changed("site-a", aspects=[COMPUTERS])
    assert "Ordinateur org1-token-site-a en panne" in first.get("/coordination/direct").text
    page = second.get("/coordination/direct").text
    assert "Ordinateur org2-token-site-a en panne" in page
    assert "org1-token" not in page


def test_a_change_is_read_and_rendered_once_for_every_page_of_a_scope() -> None:
    services = DayServices()
    feed = LiveFeed("")
    feed.live = True
    rendered: list[str] = []

    def render(site: SiteDay) -> str:
        rendered.append(site.site_id)
        return f"<section>{site.site_id} {len(site.out_of_order)}</section>"

    async def scenario() -> list[list[str | None]]:
        hub = LiveHub(feed, services, lambda: NOW, render)
        scope = scope_of("org-1", ["coordinator"])
        session = Session("s", "c", NOW + timedelta(hours=1), "t1", NOW + timedelta(hours=1))
        pages = [hub.join(scope, JD, session) for _ in range(3)]
        await asyncio.sleep(0)  # the room's task listens
        feed.models.model(scope, JD).view(services, "t1", NOW)
        services.reads()
        services.broken["pc-site-a"] = "écran cassé"
        # Two changes of site A before the room reads: the page gets site A once, at its latest.
        feed.publish(Change(5, "site-a", (COMPUTERS,)))
        feed.publish(Change(6, "site-a", (COMPUTERS,)))
        got = [[await page.get(1.0), await page.get(0.01)] for page in pages]
        for page in pages:
            hub.leave(scope, JD, page)
        return got

    got = asyncio.run(scenario())
    assert rendered == ["site-a"]
    assert [path for path, _ in services.reads()].count("/computers") == 1
    event = "id: 6\nevent: site-site-a\ndata: <section>site-a 1</section>\n\n"
    assert got == [[event, None]] * 3


def test_many_changed_slots_have_the_whole_plan_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    services = DayServices()
    models = LiveModels(trusted=lambda: True)
    model = models.model(scope_of("org-1", ["coordinator"]), JD)
    model.view(services, "t1", NOW)
    services.reads()
    monkeypatch.setattr(live_model, "FEW_SLOTS", 0)  # one changed slot is already too many
    services.moved = True
    models.changed("site-b", aspects=[PLAN])
    day = model.view(services, "t1", NOW)
    assert [path for path, _ in services.reads()] == [f"{BASE}/changes", f"{BASE}/plan"]
    assert [s.in_progress for s in day.sites] == [0, 1]


class SlowScheduling(DayServices):
    """Scheduling answers only once `busy` is cleared (a repair being computed); sites at once."""

    def __init__(self) -> None:
        super().__init__()
        self.busy = threading.Event()

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        if service == "scheduling" and self.busy.is_set():
            for _ in range(500):  # at most 5 s: a stuck test fails rather than hangs
                if not self.busy.is_set():
                    break
                time.sleep(0.01)
        return super().get(service, path, token, params)


def test_a_broken_computer_is_sent_while_the_plans_reading_waits_on_scheduling() -> None:
    services = SlowScheduling()
    feed = LiveFeed("")
    feed.live = True

    def render(site: SiteDay) -> str:
        return f"<section>{site.site_id} {len(site.out_of_order)} {site.in_progress}</section>"

    async def scenario() -> tuple[str | None, str | None, str | None]:
        hub = LiveHub(feed, services, lambda: NOW, render)
        scope = scope_of("org-1", ["coordinator"])
        session = Session("s", "c", NOW + timedelta(hours=1), "t1", NOW + timedelta(hours=1))
        page = hub.join(scope, JD, session)
        await asyncio.sleep(0)  # the room's task listens
        feed.models.model(scope, JD).view(services, "t1", NOW)
        # Scheduling is busy: the plan's change (slot-1 moved to site B) waits for it.
        services.busy.set()
        services.moved = True
        feed.publish(Change(7, "site-b", (PLAN,)))
        await asyncio.sleep(0.05)
        services.broken["pc-site-a"] = "écran cassé"
        feed.publish(Change(8, "site-a", (COMPUTERS,)))
        computer = await page.get(2.0)
        services.busy.clear()
        plan, after = await page.get(5.0), await page.get(0.01)
        hub.leave(scope, JD, page)
        return computer, plan, after

    computer, plan, after = asyncio.run(scenario())
    # Its id stays below the plan's change not yet sent: a page reconnecting with it still gets site B.
    assert computer == "id: 6\nevent: site-site-a\ndata: <section>site-a 1 1</section>\n\n"
    assert plan == "id: 7\nevent: site-site-b\ndata: <section>site-b 0 1</section>\n\n"
    assert after is None
