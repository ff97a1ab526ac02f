"""The weeks before the demo job dating (the preparation pathway), booked through the services by the
signed-in people whose act it is: the Seclin and Wattignies hosts each add a workshop room, the coordination
schedules one workshop there, run by the coaches of two organisations (`COACH_ORGS`), each candidate of
those sites is enrolled at their own site by their partner's counsellor, and every candidate meets their
counsellor at their site, at the first time both are free.

Scheduling books nothing in the past: this runs while the services' clock reads three weeks before the day
(`day.clock.weeks_before`), and waits until the candidates' convocations went out; the reminders planned
for the eves of those weeks are then past when the clock moves to the day, and notifications drops them
as expired rather than sending them late.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any, Final

import httpx

from jobdating.ops.demo import Tokens
from jobdating.ops.demo_people import COACH_ORGS
from jobdating.ops.demo_plan import declare, wait_for_facts
from jobdating.ops.demo_report import DemoError, DemoReport, PrepReport
from jobdating.ops.demo_sessions import Sessions
from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID, SITES

ROOM_NAME, ROOM_SEATS = "Salle des ateliers", 12
WORKSHOPS: Final[tuple[tuple[str, int], ...]] = (("seclin", 14), ("wattignies", 7))
"""Each workshop's site and how many days before the day it is held, 09:30 to 11:30 (local time)."""
WORKSHOP_HOURS = ("09:30", "11:30")
COUNSELLING_MINUTES = 45
CONVOCATIONS = ("workshop_convocation", "counselling_convocation")
PATIENCE = 60.0  # seconds for the stream to bring a service what another recorded


def workshop_id(site_key: str) -> str:
    return f"atelier-{site_key}"


def prepare_weeks(
    urls: dict[str, str], token: Tokens, sessions: Sessions, day: date, loaded: DemoReport
) -> PrepReport:
    """Rooms, workshops, enrolments and individual interviews of the loaded demo, booked now (the clock
    reads weeks before `day`), then waited for until each convocation is sent. Run again, it books nothing
    twice (fixed ids; a seat or room already there is kept)."""
    report = PrepReport()
    scheduling = urls["scheduling"]
    coordinator = _auth(token(COORDINATOR_ORG, "coordinator"))
    with httpx.Client(timeout=15) as http:
        declare(http, scheduling, coordinator, loaded, day)
        wait_for_facts(http, scheduling, coordinator)
        people = _candidates(http, urls["registration"], coordinator)
        coaches = [{"coach_id": sessions.accounts[f"coach-{o}"].account_id, "org": o} for o in COACH_ORGS]
        for site_key, days_before in WORKSHOPS:
            site = next(s for s in SITES if s.key == site_key)
            room = _room(http, urls["sites"], _auth(token(site.host_org, "site_manager")), site_key, report)
            on = (day - timedelta(days=days_before)).isoformat()
            body = {
                "workshop_id": workshop_id(site_key),
                "job_dating_id": JOB_DATING_ID,
                "site_id": f"site-{site_key}",
                "room_id": room,
                "starts_at": f"{on}T{WORKSHOP_HOURS[0]}",
                "ends_at": f"{on}T{WORKSHOP_HOURS[1]}",
                "coaches": coaches,
            }
            # The room and the coaches' accounts reach scheduling by the stream: 404/422 until then.
            report.workshops += _post(http, f"{scheduling}/workshops", body, coordinator, patient=True)
            for candidate_id, org in people.get(f"site-{site_key}", []):
                url = f"{scheduling}/workshops/{workshop_id(site_key)}/enrolments"
                counsellor = _auth(token(org, "counsellor"))
                report.enrolments += _post(http, url, {"candidate_id": candidate_id}, counsellor)
        for candidate_id, org in (c for site in people.values() for c in site):
            counsellor = _auth(token(org, "counsellor"))
            report.counselling += _counselling(http, scheduling, counsellor, candidate_id)
        _wait_for_convocations(http, urls["notifications"], coordinator, report)
    return report


def _candidates(http: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The registered candidates by site: (candidate id, referring organisation), in registration's order."""
    response = http.get(f"{url}/candidates", params={"limit": 100}, headers=headers)
    response.raise_for_status()
    by_site: dict[str, list[tuple[str, str]]] = {}
    for item in response.json()["items"]:
        profile = item["profile"]
        by_site.setdefault(profile["site_id"], []).append((item["candidate_id"], profile["referring_org"]))
    return by_site


def _room(http: httpx.Client, url: str, host: dict[str, str], site_key: str, report: PrepReport) -> str:
    """The site's workshop room, added by its host unless it already has it (rooms get the sites
    service's ids: a second load finds it by name)."""
    site = http.get(f"{url}/sites/site-{site_key}", headers=host)
    site.raise_for_status()
    known = [r["room_id"] for r in site.json()["rooms"] if r["name"] == ROOM_NAME]
    if known:
        return str(known[0])
    added = http.post(
        f"{url}/sites/site-{site_key}/rooms", json={"name": ROOM_NAME, "capacity": ROOM_SEATS}, headers=host
    )
    if added.status_code != 201:
        raise DemoError(f"room refused ({added.status_code}): {added.text[:500]}")
    report.rooms += 1
    return str(added.json()["room_id"])


def _counselling(http: httpx.Client, url: str, counsellor: dict[str, str], candidate_id: str) -> int:
    """The candidate's individual interview with their counsellor at the first time both are free."""
    query: dict[str, str | int] = {
        "job_dating_id": JOB_DATING_ID,
        "candidate_id": candidate_id,
        "minutes": COUNSELLING_MINUTES,
    }
    first = query | {"count": 1}
    free = http.get(f"{url}/counselling-interviews/free-times", params=first, headers=counsellor)
    if free.status_code != 200 or not free.json():
        raise DemoError(f"no free time for {candidate_id} ({free.status_code}): {free.text[:500]}")
    # A fixed id: booked again by a second load, it answers 409 and is kept.
    body = query | {"interview_id": f"entretien-{candidate_id}", "starts_at": free.json()[0]}
    return _post(http, f"{url}/counselling-interviews", body, counsellor)


def _wait_for_convocations(http: httpx.Client, url: str, headers: dict[str, str], report: PrepReport) -> None:
    """Until each seat and each interview has its convocation sent (or told in the other's: one message
    per person per moment): after the clock moves to the day, one still waiting would be dropped (its
    meeting past)."""
    wanted = {"workshop_convocation": report.enrolments, "counselling_convocation": report.counselling}
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        done = True
        for kind, count in wanted.items():
            rows = http.get(f"{url}/notifications", params={"kind": kind, "limit": 500}, headers=headers)
            rows.raise_for_status()
            items = rows.json()
            # A convocation told inside another message of its moment (`merged`) reached its person too.
            sent = {
                (n["subject_id"], n["recipient_id"])
                for n in items
                if n["status"] == "sent" or n["reason"] == "merged"
            }
            waiting = [n for n in items if n["status"] in ("pending", "in_progress")]
            done = done and len(sent) >= count and not waiting
        if done:
            return
        time.sleep(0.3)
    raise DemoError(f"the preparation's convocations were not all sent within {PATIENCE:g} s")


def _post(
    http: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str], patient: bool = False
) -> int:
    """1 once created, 0 when already there (409); waits for the stream on 404/422 when `patient`."""
    deadline = time.monotonic() + (PATIENCE if patient else 0)
    while True:
        response = http.post(url, json=body, headers=headers)
        if response.status_code in (200, 201):
            return 1
        if response.status_code == 409:
            return 0
        if response.status_code not in (404, 422) or time.monotonic() > deadline:
            raise DemoError(f"POST {url} answered {response.status_code}: {response.text[:500]}")
        time.sleep(0.2)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
