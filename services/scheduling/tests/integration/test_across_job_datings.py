"""Two job datings on the same day share their companies and candidates: given the first one published,
when the second is planned and published, then nobody is booked twice at once across them."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.testing import company_id, demo_facts
from jobdating.testing.demo_data import COMPANIES

from .conftest import Api, feed

BUFFER = timedelta(minutes=10)


def span(interview: dict[str, Any], buffer: timedelta = timedelta(0)) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(interview["starts_at"])
    end = datetime.fromisoformat(interview["ends_at"])
    return start - buffer, end + buffer


def at_once(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


async def published(api: Api, jd: str, by: str) -> list[dict[str, Any]]:
    plan = await api.ok("GET", f"/job-datings/{jd}/plan", params={"by": by, "include_cancelled": False})
    return [i for g in plan["groups"] for i in g["interviews"]]


async def test_a_company_and_a_candidate_are_never_booked_twice_at_once_across_job_datings(
    api: Api, service: SchedulingService
) -> None:
    feed(service, demo_facts(api.prefix))
    first, second = api.jd, f"{api.prefix}-jd-bis"
    await api.plan_job_dating()
    computed = await api.compute("greedy")
    await api.publish(computed["summary"]["plan_id"])

    api.jd = second
    await api.plan_job_dating(job_dating_id=second, title="Emploi Booster bis")
    computed = await api.compute("greedy")
    await api.publish(computed["summary"]["plan_id"])

    by_company = [*await published(api, first, "company"), *await published(api, second, "company")]
    by_candidate = [*await published(api, first, "candidate"), *await published(api, second, "candidate")]
    assert {i["company_id"] for i in await published(api, second, "company")}
    recruiters = {company_id(api.prefix, c.key): c.recruiters for c in COMPANIES}
    for company, limit in recruiters.items():
        theirs = [i for i in by_company if i["company_id"] == company]
        for one in theirs:
            running = [i for i in theirs if at_once(span(one), span(i)) and span(i)[0] <= span(one)[0]]
            assert len(running) <= limit, (company, [i["local_start"] for i in running])
    # The one rule for "at once" of a candidate: the buffer on each side of an interview.
    for a, b in combinations(by_candidate, 2):
        if a["candidate_id"] == b["candidate_id"]:
            assert not at_once(span(a, BUFFER), span(b)), (
                a["candidate_id"],
                a["local_start"],
                b["local_start"],
            )
