"""Load the demo job dating into a running stack through the services' public HTTP APIs.

Loading twice creates nothing twice: sites and computers carry their own ids, a company already there
(same SIRET) or a candidate already there (same phone) answers 409 and is skipped (`demo_report` counts
each). Planning the loaded demo in scheduling is `demo_plan`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import httpx

from jobdating.ops.demo_plan import plan, planned
from jobdating.ops.demo_report import DemoError, DemoReport, Progress, create_record
from jobdating.testing.demo_data import (
    COMPANIES,
    COORDINATOR_ORG,
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


Tokens = Callable[[str, str], str]
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
            report.sites += create_record(http, f"{site_url}/sites", body, auth, report)
            for n in range(1, site.computers + 1):
                computer = {
                    "computer_id": f"pc-{site.key}-{n}",
                    "site_id": f"site-{site.key}",
                    "label": f"Poste {n}",
                    "webcam": True,
                    "headset": True,
                    "visio_ready": True,
                }
                report.computers += create_record(http, f"{site_url}/computers", computer, auth, report)
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
            report.companies += create_record(
                http, f"{registration_url}/companies", body, coordinator, report
            )
        ids = _company_ids(http, registration_url, coordinator)
        report.company_ids = {c.key: ids[c.siret] for c in COMPANIES}
        say(f"{len(COMPANIES)} entreprises")

        for person in candidates():
            auth = _auth(token(person.referring_org, "counsellor"))
            body = candidate_body(person, day, report.company_ids, counsellor_of or {})
            report.candidates += create_record(http, f"{registration_url}/candidates", body, auth, report)
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


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


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
