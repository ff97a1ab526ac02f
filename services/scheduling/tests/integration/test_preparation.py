"""The weeks before the day over HTTP: coaches are accounts identity announces (through the real bus),
never booked twice; seats given back, sessions called off; the individual interview with a counsellor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner, NotYet
from jobdating.bus.relay import Relay
from jobdating.contracts.identity import AccountDisabled, RoleGranted, RoleRevoked
from jobdating.contracts.scheduling import CounsellingInterviewBooked, WorkshopCancelled
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_prep as prep
from jobdating.scheduling.application.policies import IDENTITY_CONSUMER
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.domain.coaches import AccountFacts
from jobdating.scheduling.testing import Fact, account, candidate_id, demo_facts, room_id, site_id
from jobdating.testing.consumers import run_until

from .conftest import Api, feed, log_events, planned_demo
from .test_workshops import COACHES, session

# Candidate 6 (Mission Locale) lives near Seclin; `ml-counsellor` signs in as account ml-coach-1.
COUNSELLOR = account("ml-coach-1", "mission-locale", "counsellor")


@pytest.mark.nats
async def test_coaches_come_from_identity_through_the_bus_and_two_of_one_organisation_are_refused(
    tmp_path: Path, js: JetStreamContext, api: Api, service: SchedulingService
) -> None:
    await planned_demo(api, service)
    identity = SqliteEventStore(tmp_path / "identity.db")
    identity.migrate()
    identity.append([NewEvent(envelope=fact.envelope()) for fact in COACHES])
    await Relay(identity, js).publish_pending()
    runner = ConsumerRunner(service.store, js, IDENTITY_CONSUMER, service.policies.on_identity)
    await run_until(runner, lambda: runner.handled >= len(COACHES))
    identity.close()
    same = [{"coach_id": "coach-ml-1"}, {"coach_id": "coach-ml-2"}]
    refused = await api.call("POST", "/workshops", json=session(api, coaches=same))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["reason"] == (
        "les deux animateurs doivent venir de deux structures partenaires différentes"
    )
    free_text = [{"coach_id": "x"}, {"coach_id": "y"}]
    unknown = await api.call("POST", "/workshops", json=session(api, coaches=free_text))
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["reason"].startswith("x n'a pas de compte")
    pair = [{"coach_id": "coach-ml-1"}, {"coach_id": "coach-ft-1"}]
    created = await api.ok("POST", "/workshops", json=session(api, coaches=pair))
    assert created["coach_orgs"] == ["mission-locale", "france-travail"]


async def test_a_coach_is_never_booked_twice_at_once(api: Api, service: SchedulingService) -> None:
    feed(service, [*demo_facts(api.prefix), *COACHES, account("not-a-coach", "plie-lille-sud", "viewer")])
    await api.plan_job_dating()
    first = [{"coach_id": "coach-ml-2"}, {"coach_id": "coach-ft-1"}]
    await api.ok("POST", "/workshops", json=session(api, coaches=first))
    no_role = [{"coach_id": "coach-ml-1"}, {"coach_id": "not-a-coach"}]
    refused = await api.call("POST", "/workshops", json=session(api, workshop_id="w2", coaches=no_role))
    assert refused.json()["detail"][0]["reason"] == "le compte not-a-coach n'a pas le rôle d'animateur"
    # Another room, overlapping: coach-ft-1 already runs the first session.
    again = [{"coach_id": "coach-ml-1"}, {"coach_id": "coach-ft-1"}]
    clash = await api.call(
        "POST",
        "/workshops",
        json=session(
            api,
            workshop_id=f"{api.prefix}-ws-2",
            room_id=room_id(api.prefix, "ronchin"),
            site_id=site_id(api.prefix, "ronchin"),
            starts_at="2026-11-30T15:00",
            coaches=again,
        ),
    )
    assert clash.status_code == 409
    assert clash.json()["detail"][0]["reason"] == (
        f"déjà pris à ce moment-là : coach-ft-1 anime l'atelier {api.prefix}-ws-1"
    )
    # Across kinds: coach-ml-2 is also a counsellor; an individual interview at that time clashes.
    feed(service, [account("coach-ml-2-as-counsellor", "mission-locale", "counsellor")])
    booked = await api.call(
        "POST",
        "/counselling-interviews",
        json={
            "job_dating_id": api.jd,
            "candidate_id": candidate_id(api.prefix, 6),
            "counsellor_id": "coach-ml-2",
            "starts_at": "2026-11-30T14:30",
        },
    )
    assert booked.status_code == 409
    assert booked.json()["detail"][0]["reason"] == (
        f"déjà pris à ce moment-là : coach-ml-2 anime l'atelier {api.prefix}-ws-1"
    )


async def test_a_seat_is_given_back_and_a_cancelled_session_tells_who_was_enrolled(
    api: Api, service: SchedulingService
) -> None:
    feed(service, [*demo_facts(api.prefix), *COACHES])
    await api.plan_job_dating()
    created = await api.ok("POST", "/workshops", json=session(api, capacity=3))
    seats = f"/workshops/{created['workshop_id']}/enrolments"
    seclin = [candidate_id(api.prefix, n) for n in (2, 6, 10)]  # all near Seclin
    for cid in seclin:
        await api.ok("POST", seats, json={"candidate_id": cid})
    # Candidate 6 is the Mission Locale's: its counsellor gives the seat back.
    given_back = await api.ok("DELETE", f"{seats}/{seclin[1]}", as_="ml-counsellor")
    assert given_back["enrolled"] == [seclin[0], seclin[2]]
    twice = await api.call("DELETE", f"{seats}/{seclin[1]}")
    assert twice.status_code == 409
    head = service.store.head()
    cancelled = await api.ok("POST", f"/workshops/{created['workshop_id']}/cancel", as_="ft-counsellor")
    assert cancelled["cancelled"] is True
    [event] = [e.data for e in log_events(service.store, head)]
    assert isinstance(event, WorkshopCancelled)
    assert event.candidate_ids == (seclin[0], seclin[2])
    late = await api.call("POST", seats, json={"candidate_id": seclin[1]})
    assert (late.status_code, late.json()["detail"][0]["reason"]) == (409, "cet atelier est annulé")
    # The room is free again for another session.
    await api.ok("POST", "/workshops", json=session(api, workshop_id=f"{api.prefix}-ws-2"))


async def test_the_counsellor_chooses_among_the_first_free_times_of_both_and_books_at_the_candidates_site(
    api: Api, service: SchedulingService
) -> None:
    feed(service, [*demo_facts(api.prefix), *COACHES, COUNSELLOR])
    await api.plan_job_dating()
    seclin = candidate_id(api.prefix, 6)
    # The candidate has a workshop on Monday 30 November 14:00-16:30 (the clock says Friday 20, 10:00).
    created = await api.ok("POST", "/workshops", json=session(api))
    await api.ok("POST", f"/workshops/{created['workshop_id']}/enrolments", json={"candidate_id": seclin})
    params: dict[str, Any] = {"job_dating_id": api.jd, "candidate_id": seclin, "count": 3}
    times = await api.ok("GET", "/counselling-interviews/free-times", as_="ml-counsellor", params=params)
    assert times == ["2026-11-20T09:15:00Z", "2026-11-20T09:30:00Z", "2026-11-20T09:45:00Z"]
    body = {"job_dating_id": api.jd, "candidate_id": seclin, "starts_at": times[0]}
    not_theirs = await api.call("POST", "/counselling-interviews", as_="ft-counsellor", json=body)
    assert not_theirs.status_code == 403
    head = service.store.head()
    booked = await api.ok("POST", "/counselling-interviews", as_="ml-counsellor", json=body)
    assert (booked["site_id"], booked["counsellor_id"]) == (site_id(api.prefix, "seclin"), "ml-coach-1")
    [event] = [e.data for e in log_events(service.store, head)]
    assert isinstance(event, CounsellingInterviewBooked)
    after = await api.ok("GET", "/counselling-interviews/free-times", as_="ml-counsellor", params=params)
    assert after[0] == "2026-11-20T10:00:00Z"  # 10:15-11:00 Paris, after the interview booked
    in_workshop = {**body, "interview_id": "ci-2", "starts_at": "2026-11-30T15:00"}
    clash = await api.call("POST", "/counselling-interviews", as_="ml-counsellor", json=in_workshop)
    assert clash.json()["detail"][0]["reason"] == (
        f"déjà pris à ce moment-là : le candidat est inscrit à l'atelier {created['workshop_id']}"
    )
    # The coordination books for the candidate's counsellor, but never on the day itself.
    on_the_day = {
        **body,
        "interview_id": "ci-3",
        "counsellor_id": "ml-coach-1",
        "starts_at": "2026-12-03T09:00",
    }
    too_late = await api.call("POST", "/counselling-interviews", json=on_the_day)
    assert (too_late.status_code, too_late.json()["detail"][0]["reason"]) == (
        409,
        "l'entretien individuel a lieu avant le jour du job dating",
    )
    cancelled = await api.ok(
        "POST", f"/counselling-interviews/{booked['interview_id']}/cancel", as_="ml-counsellor"
    )
    assert cancelled["cancelled"] is True
    mine = await api.ok("GET", "/counselling-interviews", as_="ml-counsellor")
    assert [(i["interview_id"], i["candidate_id"], i["cancelled"]) for i in mine] == [
        (booked["interview_id"], seclin, True)
    ]
    assert await api.ok("GET", "/counselling-interviews", as_="ft-counsellor") == []
    again = await api.ok("GET", "/counselling-interviews/free-times", as_="ml-counsellor", params=params)
    assert again == times


def test_accounts_follow_identity_in_order_roles_granted_revoked_and_disabled(
    service: SchedulingService,
) -> None:
    invited = account("acc-1", "plie", "viewer")
    later = [
        Fact(RoleGranted(account_id="acc-1", role="coach"), "acc-1", 2, "identity"),
        Fact(RoleRevoked(account_id="acc-1", role="viewer"), "acc-1", 3, "identity"),
        Fact(AccountDisabled(account_id="acc-1"), "acc-1", 4, "identity"),
    ]
    with pytest.raises(NotYet):  # a role granted before the invitation it follows waits
        feed(service, later[:1])
    read = known.on_store(service.store)
    feed(service, [invited, *later[:2], invited, later[0]])  # the repeats change nothing
    assert prep.accounts(read, ["acc-1"])["acc-1"] == AccountFacts(
        account_id="acc-1", org="plie", roles=("coach",)
    )
    feed(service, later[2:])
    assert not prep.accounts(read, ["acc-1"])["acc-1"].can_act_as("coach")
