"""Recruiters choose too: a company reads the anonymous profiles of the candidates who wished for it and
ranks them or marks those it must meet; the plan computed next honours it."""

from __future__ import annotations

from jobdating.contracts.scheduling import CompanyRankedCandidates
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.domain.instance import build_instance
from jobdating.scheduling.planning.model import Choice
from jobdating.scheduling.testing import company_id

from .conftest import Api, log_events, planned_demo


async def test_a_recruiter_ranks_their_own_companys_candidates_and_the_plan_honours_a_must_meet(
    api: Api, service: SchedulingService
) -> None:
    await planned_demo(api, service)
    logiplus, callnord = company_id(api.prefix, "logiplus"), company_id(api.prefix, "callnord")
    url = f"/job-datings/{api.jd}/companies/{logiplus}"
    seen = await api.ok("GET", f"{url}/candidates", as_="recruiter-logiplus")
    assert seen, "candidates wished for Logiplus"
    assert all(p["wish_rank"] is not None for p in seen)
    assert set(seen[0]) == {
        "candidate_id", "site_id", "wish_rank", "wishes", "availability", "rank", "must_meet", "note"
    }  # fmt: skip
    ids = [p["candidate_id"] for p in seen]
    # The least keen of them (Logiplus last among their wishes) is the one Logiplus must meet.
    keen_last = max(seen, key=lambda p: (p["wish_rank"], p["candidate_id"]))["candidate_id"]
    body = {"ranked": [keen_last, *[i for i in ids if i != keen_last]], "must_meet": [keen_last]}

    for who in ("recruiter-callnord", "ml-counsellor", "viewer"):
        refused = await api.call("PUT", f"{url}/choices", as_=who, json=body)
        assert refused.status_code == 403, who
    assert (await api.call("GET", f"{url}/candidates", as_="recruiter-callnord")).status_code == 403
    stranger = await api.call(
        "PUT", f"/job-datings/{api.jd}/companies/{callnord}/choices", as_="recruiter-logiplus", json=body
    )
    assert stranger.status_code == 403
    twice = await api.call("PUT", f"{url}/choices", as_="recruiter-logiplus", json={"ranked": [ids[0]] * 2})
    assert twice.status_code == 422

    unchosen = await api.compute("greedy")
    before = service.store.head()
    chosen = await api.ok("PUT", f"{url}/choices", as_="recruiter-logiplus", json=body)
    assert {p["candidate_id"]: p["rank"] for p in chosen}[keen_last] == 1
    assert [p["must_meet"] for p in chosen if p["candidate_id"] == keen_last] == [True]
    again = await api.ok("PUT", f"{url}/choices", as_="recruiter-logiplus", json=body)
    assert again == chosen
    recorded = [e.data for e in log_events(service.store, after=before)]
    assert recorded == [
        CompanyRankedCandidates(
            job_dating_id=api.jd, company_id=logiplus, ranked=tuple(body["ranked"]), must_meet=(keen_last,)
        )
    ]

    # The choices are part of what a plan is computed from: the plan computed before them is stale.
    stale = await api.call(
        "POST", f"/job-datings/{api.jd}/publish", json={"plan_id": unchosen["summary"]["plan_id"]}
    )
    assert stale.status_code == 409
    state = service.queries.state(api.jd)
    instance = build_instance(state, known.facts_for(service.queries.read, state.site_ids))
    assert Choice(company_id=logiplus, candidate_id=keen_last, rank=1, must_meet=True) in instance.choices
    plan = await api.compute("greedy")
    met = await api.ok(
        "GET",
        f"/job-datings/{api.jd}/provisional-plan",
        params={"by": "company", "key": logiplus, "plan_id": plan["summary"]["plan_id"]},
    )
    assert keen_last in {i["candidate_id"] for g in met["groups"] for i in g["interviews"]}

    await api.publish(plan["summary"]["plan_id"])
    late = await api.call("PUT", f"{url}/choices", as_="recruiter-logiplus", json={"ranked": ids[:1]})
    assert late.status_code == 409
