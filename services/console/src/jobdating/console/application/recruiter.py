"""A recruiter's pages: the agenda of their company for a job dating, the anonymous profiles to rank before
it, the outcome of each interview and the second interviews. Everything is asked of scheduling with the
recruiter's own token, whose organisation is their company: scheduling shows them their company's only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jobdating.console.application.interview_notes import Note, notes_by_slot
from jobdating.console.application.ports import Services
from jobdating.runtime import french

OUTCOMES: Final[dict[str, str]] = {
    "second_interview": "Je veux le revoir (second entretien)",
    "hired": "Embauché",
    "not_retained": "Pas retenu",
    "no_show": "Il n'est pas venu",
}
PLACES: Final[dict[str, str]] = {
    "site": "Sur son site, sur un ordinateur",
    "video": "En visio",
    "premises": "Dans nos locaux",
}
MUST_MEET = "a"  # the value of a profile's « à rencontrer » choice


@dataclass(frozen=True)
class JobDating:
    job_dating_id: str
    title: str
    day: date | None
    published: bool


@dataclass(frozen=True)
class Interview:
    slot_id: str
    start: str
    end: str
    site: str
    computer: str
    candidate: str
    kind: str
    outcome: str | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Agenda:
    job_dating: JobDating
    interviews: list[Interview]


@dataclass(frozen=True)
class Profile:
    candidate_id: str
    label: str
    wish_rank: int | None
    available: str
    rank: int | None
    must_meet: bool


@dataclass(frozen=True)
class FreeTime:
    starts_at: str
    words: str
    computer_id: str | None


def job_datings(services: Services, token: str) -> list[JobDating]:
    """Every job dating, the most recent first."""
    return [_job_dating(jd) for jd in services.get("scheduling", "/job-datings", token)]


def job_dating(services: Services, token: str, job_dating_id: str) -> JobDating:
    return _job_dating(services.get("scheduling", f"/job-datings/{quote(job_dating_id, safe='')}", token))


def agenda(services: Services, token: str, job_dating_id: str, company_id: str, zone: ZoneInfo) -> Agenda:
    """The company's interviews of the published plan, by time (cancelled ones left out), with the notes
    the company wrote on them."""
    jd = job_dating(services, token, job_dating_id)
    if not jd.published:
        return Agenda(jd, [])
    plan = services.get(
        "scheduling",
        f"/job-datings/{quote(job_dating_id, safe='')}/plan",
        token,
        {"by": "company", "key": company_id},
    )
    names: dict[str, str] = plan.get("names", {})
    notes = notes_by_slot(services, token, job_dating_id, zone)
    interviews = [
        Interview(
            slot_id=i.get("slot_id") or "",
            start=i["local_start"],
            end=i["local_end"],
            site=names.get(i["site_id"], i["site_id"]),
            computer=names.get(i.get("computer_id") or "", ""),
            candidate=candidate_label(i["candidate_id"]),
            kind=i.get("kind", "interview"),
            outcome=i.get("outcome"),
            notes=tuple(notes.get(i.get("slot_id") or "", ())),
        )
        for group in plan.get("groups", [])
        for i in group.get("interviews", [])
        if i.get("status") != "cancelled"
    ]
    return Agenda(jd, sorted(interviews, key=lambda i: (i.start, i.site)))


def candidate_label(candidate_id: str) -> str:
    """How a recruiter names an anonymous candidate: a short reference, never a name."""
    return "Candidat " + candidate_id[-6:].upper()


def record_outcome(services: Services, token: str, slot_id: str, outcome: str) -> None:
    services.post("scheduling", f"/slots/{quote(slot_id, safe='')}/outcome", token, {"outcome": outcome})


def proposals(services: Services, token: str, slot_id: str, place: str, zone: ZoneInfo) -> list[FreeTime]:
    """The first free times of both sides for a second interview, in words."""
    found = services.get(
        "scheduling",
        f"/slots/{quote(slot_id, safe='')}/second-interview/proposals",
        token,
        {"place": place, "count": "5"},
    )
    times = []
    for f in found:
        at = datetime.fromisoformat(f["starts_at"]).astimezone(zone)
        words = f"{french.day_month_year(at.date())} à {at:%H:%M}"
        times.append(FreeTime(starts_at=f["starts_at"], words=words, computer_id=f.get("computer_id")))
    return times


def book_second_interview(
    services: Services,
    token: str,
    slot_id: str,
    starts_at: str,
    place: str,
    computer_id: str | None,
    address: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"starts_at": starts_at, "place": place}
    if computer_id:
        body["computer_id"] = computer_id
    if address:
        body["address"] = address
    answer: dict[str, Any] = services.post(
        "scheduling", f"/slots/{quote(slot_id, safe='')}/second-interview", token, body
    )
    return answer


def profiles(services: Services, token: str, job_dating_id: str, company_id: str) -> list[Profile]:
    """The anonymous profiles the company may rank, its current choices first."""
    found = services.get("scheduling", _choices_path(job_dating_id, company_id, "candidates"), token)
    return sorted((_profile(p) for p in found), key=lambda p: (p.rank or 10**6, p.label))


def choices_of(fields: dict[str, str], known: list[str]) -> tuple[list[str], list[str]]:
    """The ranking (best first) and the must-meets from the form: each profile has a `rang-{id}` number
    (empty: not ranked) and a `a-{id}` box. Two profiles given the same number keep the page's order."""
    ranked: list[tuple[int, int, str]] = []
    must_meet = []
    for order, candidate_id in enumerate(known):
        given = fields.get(f"rang-{candidate_id}", "").strip()
        if given.isdigit() and int(given) > 0:
            ranked.append((int(given), order, candidate_id))
        if fields.get(f"a-{candidate_id}") == MUST_MEET:
            must_meet.append(candidate_id)
    return [c for _, _, c in sorted(ranked)], must_meet


def save_choices(
    services: Services, token: str, job_dating_id: str, company_id: str, ranked: list[str], must: list[str]
) -> None:
    body = {"ranked": ranked, "must_meet": must}
    services.put("scheduling", _choices_path(job_dating_id, company_id, "choices"), token, body)


def _choices_path(job_dating_id: str, company_id: str, tail: str) -> str:
    return f"/job-datings/{quote(job_dating_id, safe='')}/companies/{quote(company_id, safe='')}/{tail}"


def _profile(p: dict[str, Any]) -> Profile:
    hours = [f"{str(a['start'])[:5]} – {str(a['end'])[:5]}" for a in p.get("availability", [])]
    return Profile(
        candidate_id=p["candidate_id"],
        label=candidate_label(p["candidate_id"]),
        wish_rank=p.get("wish_rank"),
        available=", ".join(hours),
        rank=p.get("rank"),
        must_meet=bool(p.get("must_meet")),
    )


def _job_dating(jd: dict[str, Any]) -> JobDating:
    first = str(jd.get("first_day") or (jd.get("days") or [""])[0] or "")[:10]
    return JobDating(
        job_dating_id=str(jd["job_dating_id"]),
        title=str(jd.get("title", "")),
        day=date.fromisoformat(first) if first else None,
        published=bool(jd.get("published") or jd.get("published_plan_id")),
    )
