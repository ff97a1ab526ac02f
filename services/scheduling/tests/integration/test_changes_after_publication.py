"""A candidate who changes site or wishes after publication, or a company its recruiters: the interviews to
come that no longer fit move or are cancelled with the reason; nothing else anyone was told changes but the
slots given from waiting lists."""

from __future__ import annotations

from collections import Counter

import msgspec

from jobdating.contracts.registration import (
    CandidateRegistered,
    CandidateUpdated,
    CompanyRegistered,
    CompanyUpdated,
    Wish,
)
from jobdating.contracts.scheduling import SlotAssigned, SlotCancelled, SlotMoved
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import Fact, MovableClock, demo_facts, site_id

from .conftest import (
    Api,
    assert_delivered_again_changes_nothing,
    assert_plan_still_valid,
    feed,
    log_events,
    paris,
    published_demo,
)


def registered(api: Api, candidate_id: str) -> CandidateRegistered:
    found = next(
        f.event
        for f in demo_facts(api.prefix)
        if isinstance(f.event, CandidateRegistered) and f.event.candidate_id == candidate_id
    )
    assert isinstance(found, CandidateRegistered)
    return found


async def test_a_candidate_who_moves_to_another_site_takes_their_interviews_to_come_with_them(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    before = {s["slot_id"]: s for s in await api.published_slots()}
    faches, seclin = site_id(api.prefix, "faches"), site_id(api.prefix, "seclin")
    # Someone at Faches with interviews both before and after 10:00.
    by_candidate: dict[str, list[dict[str, object]]] = {}
    for s in before.values():
        by_candidate.setdefault(str(s["candidate_id"]), []).append(s)
    mover = min(
        c
        for c, theirs in by_candidate.items()
        if {s["site_id"] for s in theirs} == {faches}
        and any(str(s["starts_at"]) < "2026-12-03T09:00" for s in theirs)
        and any(str(s["starts_at"]) >= "2026-12-03T09:00" for s in theirs)
    )
    clock.set(paris(10))
    head = service.store.head()
    profile = msgspec.structs.replace(registered(api, mover).profile, site_id=seclin)
    feed(
        service,
        [Fact(CandidateUpdated(candidate_id=mover, profile=profile), mover, 2, "registration", paris(10))],
    )

    events = [e.data for e in log_events(service.store, head)]
    after = {s["slot_id"]: s for s in await api.published_slots()}
    to_come = {s["slot_id"] for s in by_candidate[mover] if str(s["starts_at"]) >= "2026-12-03T09:00"}
    for slot_id in to_come:
        now = after[slot_id]
        if now["status"] == "cancelled":
            assert now["cancel_reason"] == "candidate_changed"
        else:
            assert now["site_id"] == seclin
            assert str(now["starts_at"]) >= "2026-12-03T09:00"
    assert any(after[k]["site_id"] == seclin for k in to_come), "Seclin had room for some of them"
    past = [s["slot_id"] for s in by_candidate[mover] if str(s["starts_at"]) < "2026-12-03T09:00"]
    assert all(after[k] == before[k] for k in past), "what began stays where it was"
    changed = {k for k in before if before[k] != after[k]}
    assert changed == to_come, "only the mover's interviews to come changed"
    for e in events:
        if isinstance(e, SlotMoved | SlotCancelled):
            assert e.candidate_id == mover
            assert e.reason == "candidate_changed"
        else:
            assert isinstance(e, SlotAssigned)
            assert e.from_waiting_list
            assert e.site_id == faches, "the places they left at Faches go to its waiting list"
    assert_plan_still_valid(service, api.jd)


async def test_a_wish_dropped_after_publication_cancels_that_interview_and_nothing_else_of_theirs(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    before = {s["slot_id"]: s for s in await api.published_slots()}
    clock.set(paris(8, 30))
    candidate_id = min(str(s["candidate_id"]) for s in before.values())
    theirs = sorted(
        (s for s in before.values() if s["candidate_id"] == candidate_id), key=lambda s: str(s["starts_at"])
    )
    assert len(theirs) >= 2
    profile = registered(api, candidate_id).profile
    # Now they ask only for the companies of their other interviews.
    kept = tuple(Wish(rank=n, company_id=str(s["company_id"])) for n, s in enumerate(theirs[:-1], start=1))
    head = service.store.head()
    update = CandidateUpdated(
        candidate_id=candidate_id, profile=msgspec.structs.replace(profile, wishes=kept)
    )
    feed(service, [Fact(update, candidate_id, 2, "registration", paris(8, 30))])
    after = {s["slot_id"]: s for s in await api.published_slots()}
    assert after[theirs[-1]["slot_id"]]["status"] == "cancelled"
    assert after[theirs[-1]["slot_id"]]["cancel_reason"] == "candidate_changed"
    assert all(after[s["slot_id"]] == s for s in theirs[:-1])
    cancelled = [e.data for e in log_events(service.store, head) if isinstance(e.data, SlotCancelled)]
    assert [c.slot_id for c in cancelled] == [theirs[-1]["slot_id"]]
    assert_plan_still_valid(service, api.jd)

    # The same update delivered again changes nothing more.
    assert_delivered_again_changes_nothing(
        service, Fact(update, candidate_id, 2, "registration", paris(8, 31))
    )


async def test_a_company_left_with_one_recruiter_moves_or_cancels_the_interviews_beyond_it(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await published_demo(api, service)
    before = {s["slot_id"]: s for s in await api.published_slots()}
    # The company running the most interviews at once.
    at_once = Counter((str(s["company_id"]), str(s["starts_at"])) for s in before.values())
    (company_id, _), most = at_once.most_common(1)[0]
    assert most >= 2
    registered_company = next(
        f.event
        for f in demo_facts(api.prefix)
        if isinstance(f.event, CompanyRegistered) and f.event.company_id == company_id
    )
    assert isinstance(registered_company, CompanyRegistered)
    clock.set(paris(8, 30))
    head = service.store.head()
    one_recruiter = msgspec.structs.replace(registered_company.profile, parallel_recruiters=1)
    update = CompanyUpdated(company_id=company_id, profile=one_recruiter)
    feed(service, [Fact(update, company_id, 2, "registration", paris(8, 30))])

    after = {s["slot_id"]: s for s in await api.published_slots()}
    changed = {k for k in before if before[k] != after[k]}
    assert changed, "the interviews beyond one recruiter changed"
    assert all(before[k]["company_id"] == company_id for k in changed), "no other company's slot changed"
    live = [s for s in after.values() if s["company_id"] == company_id and s["status"] == "assigned"]
    assert max(Counter(str(s["starts_at"]) for s in live).values()) == 1, "one interview at a time now"
    for k in changed:
        assert after[k]["status"] == "assigned" or after[k]["cancel_reason"] == "company_changed"
    events = [e.data for e in log_events(service.store, head)]
    assert {e.reason for e in events if isinstance(e, SlotMoved | SlotCancelled)} == {"company_changed"}
    assert_plan_still_valid(service, api.jd)
