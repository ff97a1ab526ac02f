"""Collective preparation workshops over HTTP: a room of a site, two coaches from two organisations."""

from __future__ import annotations

from jobdating.contracts.scheduling import WorkshopEnrolmentOverridden
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import (
    MovableClock,
    account,
    candidate_id,
    demo_facts,
    room_id,
    site_id,
)

from .conftest import Api, feed, log_events, paris

COACHES = [
    account("coach-ml-1", "mission-locale", "coach"),
    account("coach-ml-2", "mission-locale", "coach", "counsellor"),
    account("coach-ft-1", "france-travail", "coach"),
]


def session(api: Api, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "workshop_id": f"{api.prefix}-ws-1",
        "job_dating_id": api.jd,
        "site_id": site_id(api.prefix, "seclin"),
        "room_id": room_id(api.prefix, "seclin"),
        "starts_at": "2026-11-30T14:00",
        "ends_at": "2026-11-30T16:30",
        "capacity": 2,
        "coaches": [
            {"coach_id": "coach-ml-1", "org": "mission-locale"},
            {"coach_id": "coach-ft-1", "org": "france-travail"},
        ],
    }
    body.update(changes)
    return body


async def test_a_workshop_is_run_by_two_organisations_fills_up_and_records_who_came(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    feed(service, [*demo_facts(api.prefix), *COACHES])
    await api.plan_job_dating()
    same_org = session(
        api,
        coaches=[
            {"coach_id": "coach-ml-1", "org": "mission-locale"},
            {"coach_id": "coach-ml-2", "org": "mission-locale"},
        ],
    )
    head = service.store.head()
    refused = await api.call("POST", "/workshops", json=same_org)
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "field": "coaches",
            "reason": "les deux animateurs doivent venir de deux structures partenaires différentes",
        }
    ]
    too_big = await api.call("POST", "/workshops", json=session(api, capacity=40))
    assert too_big.status_code == 422
    assert too_big.json()["detail"][0]["reason"] == "la salle accueille 12 personnes au plus"
    assert service.store.head() == head

    created = await api.ok("POST", "/workshops", as_="ml-counsellor", json=session(api))
    assert (created["starts_at"], created["capacity"], created["coach_orgs"]) == (
        "2026-11-30T13:00:00Z",
        2,
        ["mission-locale", "france-travail"],
    )
    overlapping = await api.call(
        "POST",
        "/workshops",
        json=session(api, workshop_id=f"{api.prefix}-ws-2", starts_at="2026-11-30T15:00"),
    )
    assert overlapping.status_code == 409

    # Candidates 1, 6 and 11 are referred by the Mission Locale (every fifth from the second); only 6 lives
    # near Seclin (1 near Ronchin, 11 near Wattignies).
    wanted = [candidate_id(api.prefix, n) for n in (1, 6, 11)]
    url = f"/workshops/{created['workshop_id']}/enrolments"
    not_theirs = await api.call("POST", url, as_="ft-counsellor", json={"candidate_id": wanted[1]})
    assert not_theirs.status_code == 403
    await api.ok("POST", url, as_="ml-counsellor", json={"candidate_id": wanted[1]})
    elsewhere = await api.call("POST", url, as_="ml-counsellor", json={"candidate_id": wanted[0]})
    assert elsewhere.status_code == 409
    assert "autre site" in elsewhere.json()["detail"][0]["reason"]
    not_coordinator = await api.call(
        "POST",
        url,
        as_="ml-counsellor",
        json={"candidate_id": wanted[0], "override_reason": "travaille à Seclin"},
    )
    assert not_coordinator.status_code == 403
    head = service.store.head()
    await api.ok("POST", url, json={"candidate_id": wanted[0], "override_reason": "travaille à Seclin"})
    overrides = [e.data for e in log_events(service.store, head)]
    assert isinstance(overrides[0], WorkshopEnrolmentOverridden)
    assert (overrides[0].reason, overrides[0].candidate_site_id) == (
        "travaille à Seclin",
        site_id(api.prefix, "ronchin"),
    )
    full = await api.call("POST", url, as_="ml-counsellor", json={"candidate_id": wanted[2]})
    assert full.status_code == 409
    assert full.json()["detail"][0]["reason"] == "l'atelier est complet (2 places)"

    clock.set(paris(8).replace(day=30, month=11, hour=14))
    attendance = f"/workshops/{created['workshop_id']}/attendance"
    stranger = await api.call(
        "POST", attendance, as_="recruiter-logiplus", json={"present": wanted[:1], "absent": wanted[1:2]}
    )
    assert stranger.status_code == 403
    # A coach of an organisation that does not run the session may not; one of those that run it may.
    other_coach = await api.call(
        "POST", attendance, as_="plie-coach", json={"present": wanted[:1], "absent": wanted[1:2]}
    )
    assert other_coach.status_code == 403
    done = await api.ok(
        "POST", attendance, as_="ml-coach", json={"present": wanted[:1], "absent": wanted[1:2]}
    )
    assert (done["present"], done["absent"], done["attendance_recorded"]) == (wanted[:1], wanted[1:2], True)
    listed = await api.ok("GET", "/workshops", params={"job_dating_id": api.jd})
    assert [w["workshop_id"] for w in listed] == [created["workshop_id"]]
