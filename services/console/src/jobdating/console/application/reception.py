"""Reception at a site: who is expected today, when, and who has arrived; check-in in one tap.

The names come from registration (`/sites/{id}/expected-candidates`, for the site's own hosts only), the
times and arrivals from scheduling; all asked with the site host's own token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jobdating.console.application.ports import Services


@dataclass(frozen=True)
class Expected:
    candidate_id: str
    first_name: str
    last_name: str
    window: str
    first_interview: str | None
    arrived_at: str | None
    no_show: bool


@dataclass(frozen=True)
class Reception:
    site_id: str
    site_name: str
    day: date | None
    job_dating_id: str | None
    people: list[Expected]

    @property
    def arrived(self) -> int:
        return sum(1 for p in self.people if p.arrived_at is not None)


@dataclass(frozen=True)
class HostedSite:
    site_id: str
    name: str
    commune: str


def hosted_sites(services: Services, token: str, org: str) -> list[HostedSite]:
    """The open sites the person's organisation hosts."""
    sites = services.get("sites", "/sites", token)
    return [
        HostedSite(site_id=s["site_id"], name=s["name"], commune=s.get("commune", ""))
        for s in sites
        if s.get("host_org") == org and s.get("status", "open") == "open"
    ]


def reception(services: Services, token: str, site_id: str, zone: ZoneInfo) -> Reception:
    expected = services.get("registration", f"/sites/{quote(site_id, safe='')}/expected-candidates", token)
    day = date.fromisoformat(expected["day"]) if expected.get("day") else None
    job_dating = _job_dating_on(services, token, day)
    arrivals: dict[str, dict[str, Any]] = {}
    first: dict[str, str] = {}
    if job_dating is not None:
        base = f"/job-datings/{quote(job_dating, safe='')}"
        for row in services.get("scheduling", f"{base}/attendance", token, {"site_id": site_id}):
            arrivals[row["candidate_id"]] = row
        plan = services.get("scheduling", f"{base}/plan", token, {"by": "site", "key": site_id})
        for group in plan.get("groups", []):
            for interview in group.get("interviews", []):
                if interview.get("status") == "cancelled":
                    continue
                who, at = interview["candidate_id"], interview["local_start"]
                if who not in first or at < first[who]:
                    first[who] = at
    people = []
    for c in expected["candidates"]:
        seen = arrivals.get(c["candidate_id"], {})
        arrived = seen.get("checked_in_at")
        people.append(
            Expected(
                candidate_id=c["candidate_id"],
                first_name=c["first_name"],
                last_name=c["last_name"],
                window=f"{c['start'][:5]} – {c['end'][:5]}",
                first_interview=first.get(c["candidate_id"]),
                arrived_at=_local_hhmm(arrived, zone) if arrived else None,
                no_show=bool(seen.get("no_show")),
            )
        )
    people.sort(key=lambda p: (p.first_interview or "99:99", p.last_name, p.first_name))
    return Reception(
        site_id=expected["site_id"],
        site_name=expected["site_name"],
        day=day,
        job_dating_id=job_dating,
        people=people,
    )


def check_in(
    services: Services, token: str, job_dating_id: str, site_id: str, candidate_id: str, late: bool = False
) -> None:
    """The candidate is there; `late`: they had been declared absent, and scheduling gives them back what
    it can of their interviews."""
    route = "late-arrivals" if late else "check-ins"
    services.post(
        "scheduling",
        f"/job-datings/{quote(job_dating_id, safe='')}/{route}",
        token,
        {"candidate_id": candidate_id, "site_id": site_id},
    )


def _job_dating_on(services: Services, token: str, day: date | None) -> str | None:
    """The published job dating held on `day` (the most recent one begun by then)."""
    if day is None:
        return None
    for jd in services.get("scheduling", "/job-datings", token):  # most recent first
        if jd.get("published") and str(jd.get("first_day", ""))[:10] <= day.isoformat():
            return str(jd["job_dating_id"])
    return None


def _local_hhmm(instant: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(instant).astimezone(zone).strftime("%H:%M")
