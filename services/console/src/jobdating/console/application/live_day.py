"""The coordinator's live day: per site of the day's job dating, computers in service and out of order,
interviews in progress, candidates late and absent, the waiting list and the disruptions.

Everything is asked of the owning services with the coordinator's own token: computers from sites, the
plan, the attendance and the waiting list from scheduling. Identifiers only: no names on this page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from jobdating.console.application.ports import Services


@dataclass(frozen=True)
class Broken:
    label: str
    reason: str


@dataclass(frozen=True)
class SiteDay:
    site_id: str
    name: str
    in_service: int
    out_of_order: list[Broken]
    in_progress: int
    late: int
    absent: int
    waiting: int
    cancelled: int
    # A computer's events name the computer only: the live feed learns its site from here.
    computer_ids: tuple[str, ...] = ()

    @property
    def disruptions(self) -> list[str]:
        """What went wrong at the site, in plain French, for the coordinator to act on."""
        said = [f"Ordinateur {b.label} en panne : {b.reason}" for b in self.out_of_order]
        if self.cancelled:
            plural = "s" if self.cancelled > 1 else ""
            said.append(f"{self.cancelled} entretien{plural} annulé{plural}")
        return said


@dataclass(frozen=True)
class LiveDay:
    job_dating_id: str | None
    title: str
    sites: list[SiteDay]


def job_dating_of_the_day(services: Services, token: str) -> dict[str, Any] | None:
    """The published job dating the day is about: the most recent one (the list comes most recent first)."""
    for jd in services.get("scheduling", "/job-datings", token):
        if jd.get("published"):
            return dict(jd)
    return None


def live_day(services: Services, token: str, now: datetime) -> LiveDay:
    jd = job_dating_of_the_day(services, token)
    if jd is None:
        return LiveDay(job_dating_id=None, title="", sites=[])
    job_dating_id = str(jd["job_dating_id"])
    view = services.get("scheduling", f"/job-datings/{quote(job_dating_id, safe='')}", token)
    site_ids = sorted({str(w["site_id"]) for w in view.get("site_windows", [])})
    names = {s["site_id"]: s["name"] for s in services.get("sites", "/sites", token)}
    sites = [site_day(services, token, job_dating_id, s, names.get(s, s), now) for s in site_ids]
    return LiveDay(job_dating_id=job_dating_id, title=str(view.get("title", "")), sites=sites)


def site_day(
    services: Services, token: str, job_dating_id: str, site_id: str, name: str, now: datetime
) -> SiteDay:
    """One site's state now (the fragment a live update replaces)."""
    base = f"/job-datings/{quote(job_dating_id, safe='')}"
    computers = services.get("sites", "/computers", token, {"site_id": site_id})
    plan = services.get(
        "scheduling", f"{base}/plan", token, {"by": "site", "key": site_id, "include_cancelled": "true"}
    )
    attendance = services.get("scheduling", f"{base}/attendance", token, {"site_id": site_id})
    waiting = services.get("scheduling", f"{base}/sites/{quote(site_id, safe='')}/waiting-list", token)
    interviews = [i for g in plan.get("groups", []) for i in g.get("interviews", [])]
    live = [i for i in interviews if i.get("status") != "cancelled"]
    seen = {row["candidate_id"]: row for row in attendance}
    started = {i["candidate_id"] for i in live if _at(i["starts_at"]) <= now}
    return SiteDay(
        site_id=site_id,
        name=name,
        in_service=sum(1 for c in computers if c["status"] == "in_service"),
        out_of_order=[
            Broken(label=c["label"], reason=c.get("status_reason") or "")
            for c in computers
            if c["status"] == "out_of_order"
        ],
        in_progress=sum(1 for i in live if _at(i["starts_at"]) <= now < _at(i["ends_at"])),
        late=sum(
            1
            for who in started
            if not seen.get(who, {}).get("checked_in_at") and not seen.get(who, {}).get("no_show")
        ),
        absent=sum(1 for row in attendance if row.get("no_show")),
        waiting=len(waiting.get("waiting", [])),
        cancelled=len(interviews) - len(live),
        computer_ids=tuple(c["computer_id"] for c in computers),
    )


def _at(instant: str) -> datetime:
    return datetime.fromisoformat(instant)
