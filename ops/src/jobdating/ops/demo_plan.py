"""Plan the loaded demo in scheduling: wait until it learned the demo from the stream, declare the job
dating unless the preparation did, compute a provisional plan and publish it."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import httpx

from jobdating.ops.demo_report import DemoError, DemoReport, Progress, create_record
from jobdating.testing.demo_data import COMPANIES, JOB_DATING_ID, SITES


def planned(report: DemoReport) -> str:
    """What the load says of the published plan."""
    return (
        f"planning publié : {report.interviews} entretiens, {report.candidates_served} candidats "
        f"({report.solver_status})"
    )


def declare(http: httpx.Client, url: str, headers: dict[str, str], report: DemoReport, on: date) -> None:
    """The job dating held on `on`, declared to scheduling unless it already is (the preparation declares
    it weeks before: its workshops and individual interviews belong to it)."""
    if http.get(f"{url}/job-datings/{JOB_DATING_ID}", headers=headers).status_code == 200:
        return
    day = on.isoformat()
    body = {
        "job_dating_id": JOB_DATING_ID,
        "title": "Emploi Booster — Lille Sud",
        "days": [day],
        "site_windows": [
            {"site_id": f"site-{s.key}", "day": day, "start": "08:30", "end": "12:30"} for s in SITES
        ],
        "interview_minutes": 20,
        "buffer_minutes": 10,
        "breaks": [{"day": day, "start": "10:30", "end": "10:45"}],
        "max_interviews_per_candidate": 4,
    }
    create_record(http, f"{url}/job-datings", body, headers, report)


def plan(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    report: DemoReport,
    on: date,
    progress: Progress | None = None,
) -> None:
    """Plan the job dating (declared first where the preparation did not), compute a provisional plan and
    publish it (once: a published plan stays); `progress` hears of the long waits."""
    wait_for_facts(http, url, headers, progress)
    declare(http, url, headers, report, on)
    state = http.get(f"{url}/job-datings/{JOB_DATING_ID}", headers=headers)
    state.raise_for_status()
    if state.json().get("published_plan_id") is None:
        if progress is not None:
            progress("calcul du planning (HiGHS, 10 s au plus), puis publication...")
        compute_and_publish(http, url, headers, JOB_DATING_ID)
        report.published_now = True
    view = http.get(f"{url}/job-datings/{JOB_DATING_ID}/plan", params={"by": "site"}, headers=headers)
    view.raise_for_status()
    summary = view.json()["summary"]
    report.interviews = int(summary["interviews"])
    report.candidates_served = int(summary["candidates_served"])
    report.solver_status = str(summary["status"])


def compute_and_publish(
    http: httpx.Client, url: str, headers: dict[str, str], job_dating_id: str, time_limit: int = 10
) -> dict[str, Any]:
    """Ask scheduling for a provisional plan (HiGHS, `time_limit` seconds) and publish it; its summary."""
    summary = compute_plan(http, url, headers, job_dating_id, time_limit)
    publish_plan(http, url, headers, job_dating_id, str(summary["plan_id"]))
    return summary


def compute_plan(
    http: httpx.Client, url: str, headers: dict[str, str], job_dating_id: str, time_limit: int = 10
) -> dict[str, Any]:
    """Ask scheduling for a provisional plan (HiGHS, `time_limit` seconds); its summary."""
    computed = http.post(
        f"{url}/job-datings/{job_dating_id}/provisional-plans",
        json={"engine": "highs", "time_limit": time_limit},
        headers=headers,
        timeout=60 + 10 * time_limit,
    )
    if computed.status_code != 201:
        raise DemoError(f"provisional plan refused ({computed.status_code}): {computed.text[:500]}")
    summary: dict[str, Any] = computed.json()["summary"]
    return summary


def publish_plan(
    http: httpx.Client, url: str, headers: dict[str, str], job_dating_id: str, plan_id: str
) -> None:
    published = http.post(
        f"{url}/job-datings/{job_dating_id}/publish", json={"plan_id": plan_id}, headers=headers, timeout=60
    )
    if published.status_code not in (200, 201):
        raise DemoError(f"publication refused ({published.status_code}): {published.text[:500]}")


FACT_WORDS = {
    "candidates": "candidats",
    "companies": "entreprises",
    "sites": "sites",
    "computers": "ordinateurs",
}


def wait_for_facts(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    progress: Progress | None = None,
    every: float = 5.0,
    limit: float = 60.0,
) -> None:
    """Until scheduling learned the demo's candidates, companies, sites and computers; meanwhile, every
    `every` seconds, `progress` is told how far it got (a terminal without a spinner shows the wait too)."""
    # Scheduling learns candidates, companies, sites and computers from the stream.
    wanted = {
        "candidates": 50,
        "companies": len(COMPANIES),
        "sites": len(SITES),
        "computers": sum(s.computers for s in SITES),
    }
    started = time.monotonic()
    told = started
    while time.monotonic() < started + limit:
        response = http.get(f"{url}/facts", headers=headers)
        known = response.json() if response.status_code == 200 else {}
        if all(known.get(k, 0) >= v for k, v in wanted.items()):
            return
        if progress is not None and time.monotonic() - told >= every:
            told = time.monotonic()
            counts = ", ".join(f"{known.get(k, 0)}/{v} {FACT_WORDS[k]}" for k, v in wanted.items())
            progress(f"la planification apprend la démo ({time.monotonic() - started:.0f} s) : {counts}")
        time.sleep(0.2)
    raise DemoError(
        f"scheduling did not learn the demo's candidates, companies and sites within {limit:.0f} s"
    )
