"""Candidates who join after publication, through registration's events on a real NATS server: a late
registration or a walk-in is booked where capacity is free, else waits on its site's waiting list (checked
in first); a company giving more recruiters books the waiting list in that order."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.relay import Relay
from jobdating.contracts import registration as r
from jobdating.contracts.scheduling import SlotAssigned, SlotCancelled, SlotMoved
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import (
    EVENT_DAY,
    SEALED,
    Fact,
    MovableClock,
    append_as_published,
    candidate_id,
    company_id,
    demo_facts,
    site_id,
)
from jobdating.testing.consumers import run_until

from .conftest import Api, asked_for_more, assert_plan_still_valid, feed, log_events, paris, published_demo
from .second_day import Day


class Registration:
    """Registration's log, relayed to a real NATS server, and scheduling's consumer of it."""

    def __init__(self, tmp_path: Path, js: JetStreamContext, service: SchedulingService) -> None:
        self.store = SqliteEventStore(tmp_path / "registration.db")
        self.store.migrate()
        self.js, self.service = js, service
        self.runner = ConsumerRunner(
            service.store, js, REGISTRATION_CONSUMER, service.policies.on_registration
        )

    async def deliver(self, *facts: Fact) -> list[SlotAssigned]:
        """Publish facts as registration does, let scheduling consume them; the slots they gave."""
        head, handled = self.service.store.head(), self.runner.handled + len(facts)
        append_as_published(self.store, facts)
        await Relay(self.store, self.js).publish_pending()
        await run_until(self.runner, lambda: self.runner.handled >= handled)
        return [e.data for e in log_events(self.service.store, head) if isinstance(e.data, SlotAssigned)]


def newcomer(
    prefix: str, n: int, wishes: tuple[str, ...], at: datetime, walk_in: bool = False, site: str = "seclin"
) -> list[Fact]:
    """A candidate registered at `site` (Seclin unless told) now (and there now, for a walk-in)."""
    cid, seclin = f"{prefix}-late-{n:02d}", site_id(prefix, site)
    profile = r.CandidateProfile(
        referring_org="mission-locale",
        site_id=seclin,
        wishes=tuple(r.Wish(rank=k, company_id=w) for k, w in enumerate(wishes, 1)),
        availability=(r.Availability(day=EVENT_DAY, start=time(8, 30), end=time(12, 30)),),
        consent_data=True,
    )
    facts = [
        Fact(
            r.CandidateRegistered(candidate_id=cid, profile=profile, personal=SEALED),
            cid,
            1,
            "registration",
            at,
        )
    ]
    if walk_in:
        facts.append(
            Fact(r.CandidateWalkedIn(candidate_id=cid, site_id=seclin, at=at), cid, 2, "registration", at)
        )
    return facts


async def until_one_waits(
    registration: Registration, prefix: str, company: str, at: datetime, site: str = "seclin"
) -> tuple[str, int]:
    """Registrations at `site` wishing only `company`, numbered from 1, until one gets no slot: that one's
    id (waiting), and their number."""
    n = 1
    while n < 8:
        facts = newcomer(prefix, n, (company,), at, site=site)
        if not await registration.deliver(*facts):
            return facts[0].stream_id, n
        n += 1
    raise AssertionError(f"{company}'s morning never filled up")


@pytest.mark.nats
async def test_late_registrations_and_walk_ins_get_free_slots_then_wait_and_a_growing_company_books_them(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    registration = Registration(tmp_path, js, service)
    seclin, proprete = site_id(api.prefix, "seclin"), company_id(api.prefix, "proprete")
    url = f"/job-datings/{api.jd}/sites/{seclin}/waiting-list"

    # Registered after publication, before the day: booked where capacity is free.
    both = tuple(company_id(api.prefix, k) for k in ("gebtp", "hypersud"))
    early = newcomer(api.prefix, 0, both, clock.now())
    booked = await registration.deliver(*early)
    assert booked
    assert {s.candidate_id for s in booked} == {early[0].stream_id}
    assert all(not s.from_waiting_list and s.site_id == seclin for s in booked)

    # On the day, a walk-in: checked in at once and booked from now where capacity is free.
    clock.set(paris(10, 40))
    here = newcomer(api.prefix, 30, both, clock.now(), walk_in=True)
    given = await registration.deliver(*here)
    assert given
    assert all(s.candidate_id == here[0].stream_id and s.starts_at >= clock.now() for s in given)
    attendance = await api.ok("GET", f"/job-datings/{api.jd}/attendance", params={"site_id": seclin})
    arrived = next(a for a in attendance if a["candidate_id"] == here[0].stream_id)
    assert arrived["checked_in_at"] == "2026-12-03T09:40:00Z"

    # Registrations wishing only Nord Propreté (one recruiter) until one finds it full.
    clock.set(paris(10, 50))
    n, waiting_late = 1, None
    while waiting_late is None and n < 8:
        facts = newcomer(api.prefix, n, (proprete,), clock.now())
        given = await registration.deliver(*facts)
        assert all(s.starts_at >= clock.now() for s in given)
        waiting_late = None if given else facts[0].stream_id
        n += 1
    assert waiting_late is not None, "Nord Propreté's morning filled up"

    # A walk-in for the same company ten minutes later: checked in at once, so first on the list.
    clock.set(paris(11))
    walk_in = newcomer(api.prefix, 20, (proprete,), clock.now(), walk_in=True)
    assert await registration.deliver(*walk_in) == []
    shown = await api.ok("GET", url, as_="ml-manager")
    assert shown["order"] == "checked_in_first_then_joined_at"
    assert [(w["candidate_id"], w["position"]) for w in shown["waiting"]] == [
        (walk_in[0].stream_id, 1),
        (waiting_late, 2),
    ]
    assert shown["waiting"][0]["checked_in_at"] == "2026-12-03T10:00:00Z"
    assert shown["waiting"][1]["checked_in_at"] is None
    assert {w["reason"] for w in shown["waiting"]} == {"registered_after_publication"}
    assert (await api.call("GET", url, as_="ft-manager")).status_code == 403

    # Nord Propreté brings a second recruiter: its new capacity books the waiting list, in its order.
    registered = next(f for f in demo_facts(api.prefix) if f.stream_id == proprete)
    assert isinstance(registered.event, r.CompanyRegistered)
    grown = msgspec.structs.replace(registered.event.profile, parallel_recruiters=2)
    update = r.CompanyUpdated(company_id=proprete, profile=grown)
    refilled = await registration.deliver(Fact(update, proprete, 2, "registration", clock.now()))
    theirs = sorted(
        (s for s in refilled if s.candidate_id in {walk_in[0].stream_id, waiting_late}),
        key=lambda s: s.starts_at,
    )
    # The first slot goes to the first of the list (Seclin's computers may leave room for one only).
    in_order = [walk_in[0].stream_id, waiting_late]
    assert theirs
    assert [s.candidate_id for s in theirs] == in_order[: len(theirs)]
    assert all(s.from_waiting_list and s.company_id == proprete for s in theirs)
    still = [w["candidate_id"] for w in (await api.ok("GET", url))["waiting"]]
    assert still == in_order[len(theirs) :], "a candidate leaves the list with their first slot"
    assert_plan_still_valid(service, api.jd)
    registration.store.close()


async def test_a_late_arrival_given_none_of_their_interviews_back_waits_first_on_the_list(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    seclin, late = site_id(api.prefix, "seclin"), candidate_id(api.prefix, 6)
    clock.set(paris(9, 35))
    await api.ok("POST", f"/job-datings/{api.jd}/no-shows", as_="ml-manager", json={"candidate_id": late})
    clock.set(paris(12, 10))  # the last interviews have begun: nothing left to give back
    body = {"candidate_id": late, "site_id": seclin}
    report = await api.ok("POST", f"/job-datings/{api.jd}/late-arrivals", as_="ml-manager", json=body)
    assert report["assigned"] == 0
    shown = await api.ok("GET", f"/job-datings/{api.jd}/sites/{seclin}/waiting-list")
    assert [(w["candidate_id"], w["reason"]) for w in shown["waiting"]] == [(late, "late_arrival")]
    assert shown["waiting"][0]["checked_in_at"] == "2026-12-03T11:10:00Z"


def test_a_walk_in_or_an_opened_contact_keeps_the_candidates_later_changes_in_order(
    service: SchedulingService, prefix: str
) -> None:
    # Neither is a fact of scheduling's, but each takes a version of the candidate's stream.
    facts = newcomer(prefix, 40, (company_id(prefix, "proprete"),), paris(9), walk_in=True)
    cid = facts[0].stream_id
    opened = r.CandidateContactOpened(
        candidate_id=cid, purpose="day_of_change", opened_by="acct-1", opened_by_org="mission-locale"
    )
    assert isinstance(facts[0].event, r.CandidateRegistered)
    moved = msgspec.structs.replace(facts[0].event.profile, site_id=site_id(prefix, "faches"))
    updated = r.CandidateUpdated(candidate_id=cid, profile=moved)
    feed(service, [*facts, Fact(opened, cid, 3, "registration"), Fact(updated, cid, 4, "registration")])
    rows = service.store.query("SELECT site_id, version FROM sched_candidate WHERE candidate_id = ?", (cid,))
    assert [tuple(row) for row in rows] == [(site_id(prefix, "faches"), 4)]


@pytest.mark.nats
async def test_a_candidate_who_cannot_come_frees_their_slots_for_the_waiting_list_at_once(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    """« Je ne peux pas venir » (their link, or NON to an SMS) is a withdrawal « indisponible à la date »:
    the same delivery that cancels their interviews books the first of the waiting list in them."""
    await published_demo(api, service)
    registration = Registration(tmp_path, js, service)
    seclin, proprete = site_id(api.prefix, "seclin"), company_id(api.prefix, "proprete")
    waiting, n = await until_one_waits(registration, api.prefix, proprete, clock.now())
    n += 1
    holders = {
        e.data.candidate_id
        for e in log_events(service.store)
        if isinstance(e.data, SlotAssigned) and e.data.company_id == proprete and e.data.site_id == seclin
    }
    leaving = sorted(holders - {f"{api.prefix}-late-{i:02d}" for i in range(n)})[0]

    head = service.store.head()
    withdrew = r.CandidateWithdrew(candidate_id=leaving, reason=r.CANNOT_COME)
    given = await registration.deliver(Fact(withdrew, leaving, 2, "registration", clock.now()))

    cancelled = [e.data for e in log_events(service.store, head) if isinstance(e.data, SlotCancelled)]
    assert cancelled
    assert {(c.candidate_id, c.reason) for c in cancelled} == {(leaving, "candidate_withdrew")}
    refill = [s for s in given if s.candidate_id == waiting]
    assert refill
    assert all(s.from_waiting_list and s.company_id == proprete for s in refill)
    url = f"/job-datings/{api.jd}/sites/{seclin}/waiting-list"
    assert waiting not in [w["candidate_id"] for w in (await api.ok("GET", url))["waiting"]]
    assert_plan_still_valid(service, api.jd)
    registration.store.close()


@pytest.mark.nats
async def test_a_company_widening_its_hours_books_its_waiting_list_as_a_computer_back_does(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    """The EHPAD (one recruiter, 08:30 to 12:00) stays until 12:30, through registration's `CompanyUpdated`
    on a real NATS server: its new time goes to the waiting lists (those with the fewest interviews first,
    then the lists' order across sites, as a computer back's free slots do), the Faches candidate waiting
    for it among them, and nothing anyone was told moves."""
    await published_demo(api, service)
    registration = Registration(tmp_path, js, service)
    faches, ehpad = site_id(api.prefix, "faches"), company_id(api.prefix, "ehpad")
    url = f"/job-datings/{api.jd}/sites/{faches}/waiting-list"
    clock.set(paris(10, 50))
    waiting, _ = await until_one_waits(registration, api.prefix, ehpad, clock.now(), site="faches")
    assert [w["candidate_id"] for w in (await api.ok("GET", url))["waiting"]] == [waiting]

    registered = next(f for f in demo_facts(api.prefix) if f.stream_id == ehpad)
    assert isinstance(registered.event, r.CompanyRegistered)
    assert registered.event.profile.window_end == time(12)
    head = service.store.head()
    later = msgspec.structs.replace(registered.event.profile, window_end=time(12, 30))
    update = r.CompanyUpdated(company_id=ehpad, profile=later)
    given = await registration.deliver(Fact(update, ehpad, 2, "registration", clock.now()))

    assert waiting in {s.candidate_id for s in given}, "the candidate waiting for the EHPAD got its new time"
    assert all(s.from_waiting_list and s.company_id == ehpad for s in given)
    # Its new time only: an interview ending after noon (the recruiter was busy until then).
    assert all(s.ends_at > paris(12) for s in given)
    assert not [e for e in log_events(service.store, head) if isinstance(e.data, SlotMoved | SlotCancelled)]
    assert (await api.ok("GET", url))["waiting"] == [], "a candidate leaves the list with their first slot"
    assert_plan_still_valid(service, api.jd)
    registration.store.close()


@pytest.mark.nats
@pytest.mark.parametrize("how", ["withdrew", "by_hand"])
async def test_the_time_a_cancelled_second_interview_held_goes_to_the_waiting_list(
    tmp_path: Path, day: Day, how: str
) -> None:
    """Logiplus's recruiter books a second interview on the day at the candidate's site; Logiplus's
    morning then fills up and a candidate waits for it there. The second interview is cancelled (its
    candidate withdraws, through registration on a real NATS server, or the coordination cancels it by
    hand): its time, a recruiter and a computer, goes to the waiting candidate as a computer back's would."""
    api, service, clock = day.api, day.service, day.clock
    logiplus = company_id(api.prefix, "logiplus")
    second: dict[str, Any] | None = None
    for first in await day.logiplus_slots():
        url = await asked_for_more(api, clock, first)
        for at in ("11:25", "11:05"):  # on the slot grid, within Logiplus's hours (until 12:00)
            booked = await api.call(
                "POST", url, as_="recruiter-logiplus", json={"starts_at": f"2026-12-03T{at}"}
            )
            if booked.status_code == 201:
                second = booked.json()
                break
        if second is not None:
            break
    assert second is not None
    assert second["computer_id"] is not None, "a second interview on a site computer"
    registration = Registration(tmp_path, js=day.js, service=service)
    clock.set(paris(10, 50))
    site = second["site_id"].split("-site-", 1)[1]
    waiting, _ = await until_one_waits(registration, api.prefix, logiplus, clock.now(), site=site)

    head = service.store.head()
    if how == "withdrew":
        leaving = second["candidate_id"]
        withdrew = r.CandidateWithdrew(candidate_id=leaving, reason="a trouvé un emploi")
        await registration.deliver(Fact(withdrew, leaving, 2, "registration", clock.now()))
    else:
        await api.ok("POST", f"/slots/{second['slot_id']}/cancel", json={"reason": "le recruteur est pris"})

    events = [e.data for e in log_events(service.store, head)]
    assert any(isinstance(e, SlotCancelled) and e.slot_id == second["slot_id"] for e in events)
    given = [e for e in events if isinstance(e, SlotAssigned) and e.candidate_id == waiting]
    assert [(s.company_id, s.site_id, s.starts_at) for s in given] == [
        (logiplus, second["site_id"], datetime.fromisoformat(second["starts_at"]))
    ], "the waiting candidate got the time the second interview held"
    assert all(s.from_waiting_list for s in given)
    url = f"/job-datings/{api.jd}/sites/{second['site_id']}/waiting-list"
    assert waiting not in [w["candidate_id"] for w in (await api.ok("GET", url))["waiting"]]
    assert_plan_still_valid(service, api.jd)
    registration.store.close()
