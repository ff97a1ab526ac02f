"""A second interview over HTTP: the first free times of both sides proposed, one booked on a site computer,
and the candidate's change of site, delivered by registration through NATS, taking it to the new site."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.relay import Relay
from jobdating.contracts.registration import CandidateRegistered, CandidateUpdated
from jobdating.contracts.scheduling import SlotAssigned, SlotMoved
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, company_id, demo_facts
from jobdating.testing.consumers import run_until

from .conftest import Api, asked_for_more, assert_plan_still_valid, log_events, published_demo, starts


@pytest.mark.nats
async def test_a_second_interview_booked_at_a_proposed_time_follows_its_candidate_to_a_new_site(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    logiplus = company_id(api.prefix, "logiplus")
    first = min(
        (s for s in await api.published_slots() if s["company_id"] == logiplus), key=lambda s: s["starts_at"]
    )
    url = await asked_for_more(api, clock, first)
    proposed = await api.ok("GET", f"{url}/proposals", as_="recruiter-logiplus", params={"count": 3})
    assert len(proposed) == 3
    assert all(p["starts_at"] > first["starts_at"] and p["computer_id"] for p in proposed)
    by_video = await api.ok("GET", f"{url}/proposals", params={"place": "video", "count": 1})
    assert by_video[0]["computer_id"] is None
    assert by_video[0]["starts_at"] <= proposed[0]["starts_at"], "no computer needed: never later"
    bad = await api.call("GET", f"{url}/proposals", params={"place": "moon"})
    assert bad.status_code == 422
    second = await api.ok("POST", url, as_="recruiter-logiplus", json={"starts_at": proposed[0]["starts_at"]})
    assert (second["kind"], second["computer_id"]) == ("second_interview", proposed[0]["computer_id"])
    no_address = await api.call(
        "POST", url, json={"starts_at": proposed[1]["starts_at"], "place": "premises"}
    )
    assert no_address.status_code == 422

    mover = first["candidate_id"]
    registered = next(
        f.event
        for f in demo_facts(api.prefix)
        if isinstance(f.event, CandidateRegistered) and f.event.candidate_id == mover
    )
    assert isinstance(registered, CandidateRegistered)
    other_site = next(
        f.event.site_id
        for f in demo_facts(api.prefix)
        if hasattr(f.event, "site_id") and getattr(f.event, "site_id", None) not in (None, first["site_id"])
    )
    profile = msgspec.structs.replace(registered.profile, site_id=other_site)
    changed = Fact(
        CandidateUpdated(candidate_id=mover, profile=profile), mover, 2, "registration", clock.now()
    )
    registration = SqliteEventStore(tmp_path / "registration.db")
    registration.migrate()
    registration.append([NewEvent(envelope=changed.envelope())])
    await Relay(registration, js).publish_pending()
    head = service.store.head()
    runner = ConsumerRunner(service.store, js, REGISTRATION_CONSUMER, service.policies.on_registration)
    await run_until(runner, lambda: runner.handled >= 1)
    registration.close()

    now = await api.ok("GET", f"/slots/{second['slot_id']}")
    assert (now["status"], now["site_id"]) == ("assigned", other_site)
    assert now["computer_id"] not in (None, second["computer_id"])
    moves = [
        e.data
        for e in log_events(service.store, head)
        if isinstance(e.data, SlotMoved) and e.data.slot_id == second["slot_id"]
    ]
    assert len(moves) == 1, "told once"
    assert (moves[0].reason, moves[0].previous_computer_id) == ("candidate_changed", second["computer_id"])
    # The time it left (its candidate, a Logiplus recruiter, its old computer) went to the waiting lists
    # in the same delivery: a slot it made impossible (with the buffer).
    buffer = timedelta(minutes=10)  # the demo's, between two interviews of a recruiter
    old = (starts(second) - buffer, datetime.fromisoformat(second["ends_at"]) + buffer)
    given = [e.data for e in log_events(service.store, head) if isinstance(e.data, SlotAssigned)]
    assert given
    assert all(g.from_waiting_list for g in given)
    assert any(g.company_id == logiplus and g.starts_at < old[1] and old[0] < g.ends_at for g in given)
    assert_plan_still_valid(service, api.jd)
