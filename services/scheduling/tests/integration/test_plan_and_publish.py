"""From a job dating to its published plan over HTTP: compute, inspect, adjust, publish."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, timedelta

from jobdating.contracts.registration import CandidateProfile, CandidateRegistered, Wish
from jobdating.contracts.scheduling import PlanPublished, SlotAssigned
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import SEALED, Fact, candidate_id, company_id, demo_facts, site_id

from .conftest import VIDEO_BASE, Api, feed, log_events, planned_demo, published_demo


async def test_a_provisional_plan_reads_the_same_per_site_computer_company_and_candidate(
    api: Api, service: SchedulingService
) -> None:
    await planned_demo(api, service)
    computed = await api.compute("greedy")
    summary = computed["summary"]
    assert summary["kind"] == "provisional"
    assert summary["engine"] == "greedy"
    assert summary["interviews"] > 100
    assert summary["interviews"] <= summary["interview_bound"]
    assert summary["candidates_served"] == 50
    views = {}
    for by in ("site", "computer", "company", "candidate"):
        view = await api.ok("GET", f"/job-datings/{api.jd}/provisional-plan", params={"by": by})
        views[by] = view
        flat = [(i["candidate_id"], i["company_id"]) for g in view["groups"] for i in g["interviews"]]
        assert len(flat) == len(set(flat)) == summary["interviews"]
    assert len(views["site"]["groups"]) == 4
    assert len(views["computer"]["groups"]) <= 18
    assert {g["key"] for g in views["candidate"]["groups"]} == {
        candidate_id(api.prefix, n) for n in range(50)
    }
    faches = site_id(api.prefix, "faches")
    assert views["site"]["names"][faches] == "Espace emploi de Faches-Thumesnil"
    one = await api.ok(
        "GET",
        f"/job-datings/{api.jd}/provisional-plan",
        params={"by": "company", "key": company_id(api.prefix, "logiplus")},
    )
    assert [g["key"] for g in one["groups"]] == [company_id(api.prefix, "logiplus")]
    first = views["site"]["groups"][0]["interviews"][0]
    assert first["local_start"] >= "08:30"
    assert first["status"] == "provisional"


async def test_publishing_records_the_plan_then_one_slot_per_interview_with_its_own_video_link(
    api: Api, service: SchedulingService
) -> None:
    before = service.store.head()
    published = await published_demo(api, service)
    events = log_events(service.store, after=before)
    plan_published = [e for e in events if isinstance(e.data, PlanPublished)]
    assigned = [e.data for e in events if isinstance(e.data, SlotAssigned)]
    assert len(plan_published) == 1
    slots_start = events.index(plan_published[0]) + 1
    assert all(isinstance(e.data, SlotAssigned) for e in events[slots_start:])
    announced = plan_published[0].data
    assert isinstance(announced, PlanPublished)
    assert announced.slots == len(assigned) == published["summary"]["interviews"]
    assert {e.envelope.stream_version for e in events[slots_start:]} == {1}
    links = [a.video_link for a in assigned]
    assert len(set(links)) == len(links)
    assert all(link.startswith(VIDEO_BASE + "/") and len(link) > len(VIDEO_BASE) + 20 for link in links)
    # 08:30 at the sites is 07:30 UTC in December: instants are stored in UTC, aware.
    earliest = min(a.starts_at for a in assigned)
    assert earliest.utcoffset() == timedelta(0)
    assert earliest.astimezone(UTC).hour == 7
    assert all(a.ends_at - a.starts_at == timedelta(minutes=20) for a in assigned)
    # No candidate twice at once, no computer twice at once.
    assert max(Counter((a.candidate_id, a.starts_at) for a in assigned).values()) == 1
    assert max(Counter((a.computer_id, a.starts_at) for a in assigned).values()) == 1
    second = await api.call(
        "POST", f"/job-datings/{api.jd}/publish", json={"plan_id": published["summary"]["plan_id"]}
    )
    assert second.status_code == 409
    assert second.json()["detail"][0]["field"] == "plan_id"


async def test_a_plan_computed_before_a_new_registration_must_be_computed_again(
    api: Api, service: SchedulingService
) -> None:
    await planned_demo(api, service)
    stale = await api.compute()
    newcomer = candidate_id(api.prefix, 77)
    profile = CandidateProfile(
        referring_org="mission-locale",
        site_id=site_id(api.prefix, "seclin"),
        wishes=(Wish(rank=1, company_id=company_id(api.prefix, "logiplus")),),
    )
    feed(
        service,
        [
            Fact(
                CandidateRegistered(candidate_id=newcomer, profile=profile, personal=SEALED),
                newcomer,
                1,
                "registration",
            )
        ],
    )
    view = await api.ok("GET", f"/job-datings/{api.jd}/provisional-plan")
    assert view["summary"]["stale"] is True
    head = service.store.head()
    refused = await api.call(
        "POST", f"/job-datings/{api.jd}/publish", json={"plan_id": stale["summary"]["plan_id"]}
    )
    assert refused.status_code == 409
    [problem] = refused.json()["detail"]
    assert problem["field"] == "plan_id"
    assert problem["reason"] == (
        "les inscriptions, les entreprises ou les sites ont changé depuis le calcul de ce plan : "
        "recalculez-le avant de le publier"
    )
    assert service.store.head() == head
    fresh = await api.compute()
    assert newcomer in {i["candidate_id"] for g in fresh["groups"] for i in g["interviews"]}
    await api.publish(fresh["summary"]["plan_id"])


async def test_refusals_are_4xx_with_the_field_and_a_french_reason_and_store_nothing(
    api: Api, service: SchedulingService
) -> None:
    feed(service, demo_facts(api.prefix))
    head = service.store.head()
    body = {
        "title": "Emploi Booster",
        "days": ["2026-12-03"],
        "site_windows": [{"site_id": "nulle-part", "day": "2026-12-03", "start": "08:30", "end": "12:30"}],
    }
    unknown_site = await api.call("POST", "/job-datings", json=body)
    assert unknown_site.status_code == 422
    assert unknown_site.json()["detail"][0]["field"] == "site_windows.0.site_id"
    assert unknown_site.json()["detail"][0]["reason"].startswith("site inconnu")
    typo = await api.call("POST", "/job-datings", json={**body, "titel": "x"})
    assert typo.status_code == 422
    assert {"field": "titel", "reason": "champ inconnu"} in typo.json()["detail"]
    viewer = await api.call("POST", "/job-datings", as_="viewer", json=body)
    assert viewer.status_code == 403
    assert viewer.json()["detail"][0]["reason"] == "seule la coordination de l'événement peut faire cela"
    anonymous = await api.client.post("/job-datings", json=body)
    assert anonymous.status_code == 401
    missing = await api.call("GET", "/job-datings/inconnu")
    assert missing.status_code == 404
    assert missing.json()["detail"] == [{"field": "job_dating_id", "reason": "job dating inconnu"}]
    assert service.store.head() == head


async def test_pins_and_bans_shape_the_next_plan_until_it_is_published(
    api: Api, service: SchedulingService
) -> None:
    await planned_demo(api, service)
    first = await api.compute()
    met = {(i["candidate_id"], i["company_id"]) for g in first["groups"] for i in g["interviews"]}
    banned = sorted(met)[0]
    candidate = candidate_id(api.prefix, 0)
    unwished = next(
        company_id(api.prefix, key)
        for key in ("creche", "jardins", "garage", "boulange", "ehpad")
        if (candidate, company_id(api.prefix, key)) not in met
    )
    await api.ok(
        "POST", f"/job-datings/{api.jd}/forbids", json={"candidate_id": banned[0], "company_id": banned[1]}
    )
    jd = await api.ok(
        "POST", f"/job-datings/{api.jd}/pins", json={"candidate_id": candidate, "company_id": unwished}
    )
    assert jd["pins"] == [{"candidate_id": candidate, "company_id": unwished}]
    conflict = await api.call(
        "POST", f"/job-datings/{api.jd}/pins", json={"candidate_id": banned[0], "company_id": banned[1]}
    )
    assert conflict.status_code == 409
    second = await api.compute()
    met_now = {(i["candidate_id"], i["company_id"]) for g in second["groups"] for i in g["interviews"]}
    assert banned not in met_now
    assert (candidate, unwished) in met_now
    await api.publish(second["summary"]["plan_id"])
    late = await api.call(
        "POST", f"/job-datings/{api.jd}/releases", json={"candidate_id": candidate, "company_id": unwished}
    )
    assert late.status_code == 409
    assert (
        late.json()["detail"][0]["reason"] == "le plan est publié : il ne change plus que par des réparations"
    )
