"""The coordinator's live day: per site of the day's job dating, computers in service and out of order,
interviews in progress, candidates late and absent, the waiting list and the disruptions.

Everything is asked of the owning services with the coordinator's own token: computers from sites, the
plan, the attendance and the waiting lists from scheduling. Identifiers only: no names on this page. The
reads are batched (one call per kind for all the sites asked), and what depends on the hour is computed
from the facts when shown (`site_day`), so that facts read a while ago still give the right counts now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from jobdating.console.application.ports import Services


@dataclass(frozen=True)
class SiteDay:
    """A site's state at an instant (a value: the same state renders to the same section)."""

    site_id: str
    name: str
    in_service: int
    # Each computer out of order, as the coordinator reads it: its label and the reason given.
    out_of_order: tuple[str, ...]
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
        said = list(self.out_of_order)
        if self.cancelled:
            plural = "s" if self.cancelled > 1 else ""
            said.append(f"{self.cancelled} entretien{plural} annulé{plural}")
        return said


@dataclass(frozen=True)
class LiveDay:
    job_dating_id: str | None
    title: str
    sites: list[SiteDay]


@dataclass(frozen=True)
class Interview:
    slot_id: str
    candidate_id: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


@dataclass
class SiteFacts:
    """What the services said of one site, read with one person's token (see `LiveDayModel`)."""

    computers: list[dict[str, Any]] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    waiting: int = 0


@dataclass(frozen=True)
class Outline:
    """The job dating's title, its sites (sorted) and their names."""

    title: str
    site_ids: list[str]
    names: dict[str, str]


def job_dating_of_the_day(services: Services, token: str) -> dict[str, Any] | None:
    """The published job dating the day is about: the most recent one (the list comes most recent first)."""
    for jd in services.get("scheduling", "/job-datings", token):
        if jd.get("published"):
            return dict(jd)
    return None


def outline(services: Services, token: str, job_dating_id: str) -> Outline:
    view = services.get("scheduling", _base(job_dating_id), token)
    site_ids = sorted({str(w["site_id"]) for w in view.get("site_windows", [])})
    return Outline(title=str(view.get("title", "")), site_ids=site_ids, names=site_names(services, token))


def site_names(services: Services, token: str) -> dict[str, str]:
    return {str(s["site_id"]): str(s["name"]) for s in services.get("sites", "/sites", token)}


# What a site's facts are made of, each read on its own: an event tells which of them it changed.
COMPUTERS, PLAN, ATTENDANCE, WAITING = "computers", "plan", "attendance", "waiting"
ASPECTS = (COMPUTERS, PLAN, ATTENDANCE, WAITING)


def read_sites(
    services: Services, token: str, job_dating_id: str, stale: dict[str, list[str]]
) -> dict[str, SiteFacts]:
    """For each aspect, the facts of the sites listed (one site's own read for one, else one read for the
    whole day); the other aspects left empty."""
    facts: dict[str, SiteFacts] = {s: SiteFacts() for sites in stale.values() for s in sites}
    base = _base(job_dating_id)
    for aspect, site_ids in stale.items():
        if not site_ids:
            continue
        one = {"site_id": site_ids[0]} if len(site_ids) == 1 else None
        wanted = set(site_ids)
        if aspect == COMPUTERS:
            for computer in services.get("sites", "/computers", token, one):
                if computer.get("site_id") in wanted:
                    facts[computer["site_id"]].computers.append(computer)
        elif aspect == PLAN:
            params = {"by": "site", "include_cancelled": "true"} | ({"key": site_ids[0]} if one else {})
            for group in services.get("scheduling", f"{base}/plan", token, params).get("groups", []):
                if group.get("key") in wanted:
                    facts[group["key"]].interviews.extend(_interview(i) for i in group.get("interviews", []))
        elif aspect == ATTENDANCE:
            for row in services.get("scheduling", f"{base}/attendance", token, one):
                if row.get("site_id") in wanted:
                    facts[row["site_id"]].attendance.append(row)
        elif one:
            path = f"{base}/sites/{quote(site_ids[0], safe='')}/waiting-list"
            facts[site_ids[0]].waiting = len(services.get("scheduling", path, token).get("waiting", []))
        else:
            for waiting in services.get("scheduling", f"{base}/waiting-lists", token):
                if waiting.get("site_id") in wanted:
                    facts[waiting["site_id"]].waiting = len(waiting.get("waiting", []))
    return facts


# As many changes of the plan as scheduling gives in one answer.
CHANGES_PAGE = 5000


def plan_changes(services: Services, token: str, job_dating_id: str, after: int) -> tuple[list[str], int]:
    """The slots the published plan changed after log position `after` (each once, in order), and the
    position of the last change: a model reads those slots again rather than the whole plan."""
    slots: dict[str, None] = {}
    while True:
        page = services.get(
            "scheduling",
            f"{_base(job_dating_id)}/changes",
            token,
            {"after": str(after), "limit": str(CHANGES_PAGE)},
        )
        for change in page:
            slots[str(change["slot_id"])] = None
            after = max(after, int(change["position"]))
        if len(page) < CHANGES_PAGE:
            return list(slots), after


def read_slot(services: Services, token: str, slot_id: str) -> tuple[str, Interview]:
    """One interview as it stands now, and its site."""
    raw = services.get("scheduling", f"/slots/{quote(slot_id, safe='')}", token)
    return str(raw["site_id"]), _interview(raw, slot_id)


def merged(old: SiteFacts, new: SiteFacts, aspects: Iterable[str]) -> SiteFacts:
    """`old` with the aspects read anew taken from `new`."""
    fresh = set(aspects)
    return SiteFacts(
        computers=new.computers if COMPUTERS in fresh else old.computers,
        interviews=new.interviews if PLAN in fresh else old.interviews,
        attendance=new.attendance if ATTENDANCE in fresh else old.attendance,
        waiting=new.waiting if WAITING in fresh else old.waiting,
    )


def site_day(site_id: str, name: str, facts: SiteFacts, now: datetime) -> SiteDay:
    """One site's state now (the fragment a live update replaces)."""
    computers, attendance = facts.computers, facts.attendance
    live = [i for i in facts.interviews if not i.cancelled]
    seen = {row["candidate_id"]: row for row in attendance}
    started = {i.candidate_id for i in live if i.starts_at <= now}
    return SiteDay(
        site_id=site_id,
        name=name,
        in_service=sum(1 for c in computers if c["status"] == "in_service"),
        out_of_order=tuple(
            f"Ordinateur {c['label']} en panne : {c.get('status_reason') or ''}"
            for c in computers
            if c["status"] == "out_of_order"
        ),
        in_progress=sum(1 for i in live if i.starts_at <= now < i.ends_at),
        late=sum(
            1
            for who in started
            if not seen.get(who, {}).get("checked_in_at") and not seen.get(who, {}).get("no_show")
        ),
        absent=sum(1 for row in attendance if row.get("no_show")),
        waiting=facts.waiting,
        cancelled=len(facts.interviews) - len(live),
        computer_ids=tuple(c["computer_id"] for c in computers),
    )


def _interview(raw: dict[str, Any], slot_id: str = "") -> Interview:
    return Interview(
        slot_id=str(raw.get("slot_id") or slot_id),
        candidate_id=str(raw["candidate_id"]),
        starts_at=datetime.fromisoformat(raw["starts_at"]),
        ends_at=datetime.fromisoformat(raw["ends_at"]),
        cancelled=raw.get("status") == "cancelled",
    )


def _base(job_dating_id: str) -> str:
    return f"/job-datings/{quote(job_dating_id, safe='')}"
