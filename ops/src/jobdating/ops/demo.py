"""Load the demo job dating into a running stack through the services' public HTTP APIs.

Loading twice creates nothing twice: sites and computers carry their own ids, a company already there
(same SIRET) or a candidate already there (same phone) answers 409 and is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import httpx
import msgspec

from jobdating.testing.demo_data import (
    COMPANIES,
    COORDINATOR_ORG,
    JOB_DATING_ID,
    PARTNERS,
    SITES,
    DemoCandidate,
    candidates,
    counsellors,
)

ROLES: dict[str, list[str]] = {
    org: (["coordinator", "viewer"] if org == COORDINATOR_ORG else []) + ["counsellor", "site_manager"]
    for org in PARTNERS
}
PEOPLE: list[tuple[str, str, str]] = [(org, "counsellor", actor_id) for org, actor_id in counsellors()]
"""The demo's counsellors, each with a token of their own: a counsellor sees the personal data of their own
candidates only, and the demo's candidates name these counsellors (the `{org}-counsellor` token, which
registers them, then sees their anonymous profiles)."""


class DemoError(RuntimeError):
    """A service refused a demo record for a reason other than 'already there'."""


class PrepReport(msgspec.Struct, kw_only=True):
    """What the weeks before the day booked (see `demo_prep`)."""

    rooms: int = 0
    workshops: int = 0
    enrolments: int = 0
    counselling: int = 0


class DemoReport(msgspec.Struct, kw_only=True):
    """What the loaded demo holds: its sites, computers, companies and candidates, whether this load
    created them (`created`) or found them there (`already_there`, a resumed stack)."""

    sites: int = 0
    computers: int = 0
    companies: int = 0
    candidates: int = 0
    created: int = 0
    already_there: int = 0
    interviews: int = 0
    candidates_served: int = 0
    solver_status: str = ""
    published_now: bool = False
    company_ids: dict[str, str] = {}
    """Each demo company's id in registration, by its key in the demo data."""
    preparation: PrepReport = msgspec.field(default_factory=PrepReport)


Tokens = Callable[[str, str], str]
Progress = Callable[[str], None]
Urls = str | Mapping[str, str]
"""A service's base URL, or one per organisation running its own instance (the coordinator's, under
COORDINATOR_ORG, serves every other organisation)."""


def url_for(urls: Urls, org: str) -> str:
    """The instance serving `org`: its own where it runs one, else the coordinator's."""
    if isinstance(urls, str):
        return urls
    return urls.get(org) or urls[COORDINATOR_ORG]


def load(
    registration_url: str,
    sites_url: Urls,
    token: Tokens,
    day: date,
    progress: Progress | None = None,
    scheduling_url: str | None = None,
    counsellor_of: Mapping[str, str] | None = None,
) -> DemoReport:
    """Open the sites (each on the sites instance of its host organisation), lend the computers, register
    companies and candidates, all for the job dating held on `day` (see `demo_calendar`). `counsellor_of`
    names each partner's counsellor account, who then follows every candidate the partner refers (without
    it, the demo data's `{org}-conseiller-N`)."""
    say = progress or (lambda _: None)
    report = DemoReport()
    body: dict[str, Any]
    with httpx.Client(timeout=15) as http:
        for site in SITES:
            auth = _auth(token(site.host_org, "site_manager"))
            body = {
                "site_id": f"site-{site.key}",
                "name": site.name,
                "address": site.address,
                "commune": site.commune,
                "postcode": site.postcode,
                "location": {"lat": site.lat, "lon": site.lon},
                "hours": [{"day": day.isoformat(), "start": "08:00", "end": "13:00"}],
                "accessibility": ["wheelchair"] if site.wheelchair else [],
            }
            site_url = url_for(sites_url, site.host_org)
            report.sites += _create(http, f"{site_url}/sites", body, auth, report)
            for n in range(1, site.computers + 1):
                computer = {
                    "computer_id": f"pc-{site.key}-{n}",
                    "site_id": f"site-{site.key}",
                    "label": f"Poste {n}",
                    "webcam": True,
                    "headset": True,
                    "visio_ready": True,
                }
                report.computers += _create(http, f"{site_url}/computers", computer, auth, report)
        say(f"{len(SITES)} sites et {sum(s.computers for s in SITES)} ordinateurs")

        coordinator = _auth(token(COORDINATOR_ORG, "coordinator"))
        _wait_for_sites(http, registration_url, coordinator, len(SITES))
        for company in COMPANIES:
            body = {
                "name": company.name,
                "siret": company.siret,
                "sector": company.sector,
                "positions": [
                    {"title": company.position, "contract": company.contract, "count": company.openings}
                ],
                "parallel_recruiters": company.recruiters,
                "window_start": company.start,
                "window_end": company.end,
                "day": day.isoformat(),
                "contact_name": f"Service recrutement {company.name}",
                "contact_email": f"recrutement@{company.key}.exemple.fr",
            }
            report.companies += _create(http, f"{registration_url}/companies", body, coordinator, report)
        ids = _company_ids(http, registration_url, coordinator)
        report.company_ids = {c.key: ids[c.siret] for c in COMPANIES}
        say(f"{len(COMPANIES)} entreprises")

        for person in candidates():
            auth = _auth(token(person.referring_org, "counsellor"))
            body = candidate_body(person, day, report.company_ids, counsellor_of or {})
            report.candidates += _create(http, f"{registration_url}/candidates", body, auth, report)
        say("50 candidats inscrits par cinq structures partenaires")
        if scheduling_url is not None:
            plan(http, scheduling_url, coordinator, report, day, progress)
            say(planned(report))
    return report


def candidate_body(
    person: DemoCandidate, day: date, company_ids: Mapping[str, str], counsellor_of: Mapping[str, str]
) -> dict[str, Any]:
    """What registration is sent for a demo candidate (ahead of the day or on the spot): their wishes by
    the companies' ids, available the morning of `day`, followed by their partner's counsellor account."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "email": person.email,
        "postcode": person.postcode,
        "commune": person.commune,
        "site_id": f"site-{person.site_key}",
        "counsellor_id": counsellor_of.get(person.referring_org, person.counsellor_id),
        "wishes": [
            {"rank": rank, "company_id": company_ids[key]} for rank, key in enumerate(person.wishes, start=1)
        ],
        "availability": [{"day": day.isoformat(), "start": "08:30", "end": "12:30"}],
        "accessibility": ["wheelchair"] if person.wheelchair else [],
        "consent_data": True,
        "consent_sms": True,
        "consent_email": person.email is not None,
    }


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
    _create(http, f"{url}/job-datings", body, headers, report)


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


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _create(
    http: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str], report: DemoReport
) -> int:
    """1 when the record is there now (created, or already there: 409), counted in `report`."""
    response = http.post(url, json=body, headers=headers)
    if response.status_code == 201:
        report.created += 1
        return 1
    if response.status_code == 409:
        report.already_there += 1
        return 1
    raise DemoError(f"POST {url} answered {response.status_code}: {response.text[:500]}")


def _wait_for_sites(http: httpx.Client, url: str, headers: dict[str, str], expected: int) -> None:
    # Registration learns the sites from the stream: wait until the relay and its consumer caught up.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = http.get(f"{url}/sites", headers=headers)
        if response.status_code == 200 and len(response.json()) >= expected:
            return
        time.sleep(0.2)
    raise DemoError("registration did not learn the demo sites from the stream within 30 s")


def _company_ids(http: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, str]:
    response = http.get(f"{url}/companies", params={"limit": 100}, headers=headers)
    response.raise_for_status()
    return {item["profile"]["siret"]: item["company_id"] for item in response.json()["items"]}
