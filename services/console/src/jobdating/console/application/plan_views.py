"""« Le planning »: the published plan of the day's job dating, by site, computer, company or candidate.

Scheduling groups the plan and names sites, computers and companies; candidates' names come from
registration, which gives them only to those allowed to see them (the others read an anonymous number).
Both are asked with the coordinator's own token: the console shows what the services return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import quote

from jobdating.console.application.ports import Services

VIEWS: Final[dict[str, str]] = {
    "site": "Par site",
    "computer": "Par ordinateur",
    "company": "Par entreprise",
    "candidate": "Par candidat",
}
STATUS_WORDS: Final[dict[str, str]] = {
    "assigned": "prévu",
    "cancelled": "annulé",
    "completed": "terminé",
}
# Registration's largest page of candidates.
PAGE: Final = 1000


@dataclass(frozen=True)
class PlannedInterview:
    slot_id: str | None
    day: date
    start: str
    end: str
    status: str
    site: str
    computer: str
    company: str
    candidate: str
    # Only an interview still planned may change (scheduling also refuses one that began).
    changeable: bool


@dataclass(frozen=True)
class PlanGroup:
    key: str
    title: str
    interviews: list[PlannedInterview]

    @property
    def days(self) -> list[tuple[date, list[PlannedInterview]]]:
        """The group's interviews day by day (most job datings hold one day)."""
        by_day: dict[date, list[PlannedInterview]] = {}
        for i in self.interviews:
            by_day.setdefault(i.day, []).append(i)
        return list(by_day.items())


@dataclass(frozen=True)
class Plan:
    job_dating_id: str | None
    title: str
    by: str
    key: str | None
    # Every group's key and title, for the « show only » list (whichever group is shown).
    choices: list[tuple[str, str]]
    groups: list[PlanGroup]

    @property
    def count(self) -> int:
        return sum(len(g.interviews) for g in self.groups)


def plan(services: Services, token: str, job_dating_id: str | None, by: str, key: str | None) -> Plan:
    """The published plan grouped `by` (one group when `key` is given), names as the services allow."""
    if job_dating_id is None:
        return Plan(None, "", by, key, [], [])
    base = f"/job-datings/{quote(job_dating_id, safe='')}"
    view = services.get("scheduling", f"{base}/plan", token, {"by": by})
    names: dict[str, str] = dict(view.get("names", {}))
    people = candidate_names(services, token)
    groups = []
    for group in view.get("groups", []):
        interviews = [_interview(i, names, people) for i in group.get("interviews", [])]
        groups.append(PlanGroup(group["key"], _title(by, group["key"], names, people), interviews))
    choices = [(g.key, g.title) for g in groups]
    shown = [g for g in groups if key is None or g.key == key]
    return Plan(job_dating_id, str(view.get("title", "")), by, key, choices, shown)


def candidate_names(services: Services, token: str) -> dict[str, str]:
    """Candidates' names registration gives this person (personal fields only for those they follow)."""
    names: dict[str, str] = {}
    offset = 0
    while True:
        page = services.get("registration", "/candidates", token, {"limit": str(PAGE), "offset": str(offset)})
        for c in page.get("items", []):
            name = _name_of(c)
            if name is not None:
                names[c["candidate_id"]] = name
        offset += PAGE
        if offset >= int(page.get("total", 0)):
            return names


def candidate_name(services: Services, token: str, candidate_id: str) -> str:
    """One candidate's name as registration gives it to this person (a number otherwise)."""
    found = services.get("registration", f"/candidates/{quote(candidate_id, safe='')}", token)
    return _name_of(found) or anonymous(candidate_id)


def _name_of(candidate: dict[str, Any]) -> str | None:
    personal = candidate.get("personal")
    return f"{personal['first_name']} {personal['last_name']}" if personal else None


def anonymous(candidate_id: str) -> str:
    """A candidate whose name this person may not see: a number they can quote to the referring partner."""
    return f"Candidat n° {candidate_id[-6:]}"


def candidate_label(candidate_id: str, people: Mapping[str, str]) -> str:
    return people.get(candidate_id) or anonymous(candidate_id)


def _title(by: str, key: str, names: Mapping[str, str], people: Mapping[str, str]) -> str:
    if by == "candidate":
        return candidate_label(key, people)
    if key == "-":
        return "Sans ordinateur"
    return names.get(key, key)


def _interview(i: dict[str, Any], names: Mapping[str, str], people: Mapping[str, str]) -> PlannedInterview:
    computer = i.get("computer_id")
    return PlannedInterview(
        slot_id=i.get("slot_id"),
        day=date.fromisoformat(i["day"]),
        start=i["local_start"],
        end=i["local_end"],
        status=STATUS_WORDS.get(i.get("status", ""), i.get("status", "")),
        site=names.get(i["site_id"], i["site_id"]),
        computer=names.get(computer, computer) if computer else "—",
        company=names.get(i["company_id"], i["company_id"]),
        candidate=candidate_label(i["candidate_id"], people),
        changeable=i.get("slot_id") is not None and i.get("status") == "assigned",
    )
