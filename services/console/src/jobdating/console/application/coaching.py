"""The workshops and individual interviews a coach or counsellor runs, with who is enrolled.

Scheduling gives the sessions (a workshop names its coaches, an individual interview its counsellor), sites
their names; the names of the enrolled come from registration for the candidates the person follows, the
others are shown as followed by another organisation (their names are not this person's to read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jobdating.console.application.ports import Refused, Services
from jobdating.runtime import french

ANOTHER = "candidat suivi par une autre structure"
PRESENT, ABSENT = "present", "absent"
PRESENCE_WORDS = {PRESENT: "présent", ABSENT: "absent"}


@dataclass(frozen=True)
class Session:
    """A workshop or an individual interview, in local time, with the people enrolled."""

    kind: str  # « Atelier » or « Entretien individuel »
    when: str
    site: str
    people: list[str]
    capacity: int | None
    cancelled: bool
    attendance_recorded: bool = False
    workshop_id: str = ""
    # Each enrolled candidate's name by their id, in the order shown: by name when the person follows them
    # (else a numbered stand-in).
    seats: dict[str, str] = field(default_factory=dict)

    @property
    def attendance_to_record(self) -> bool:
        """A workshop whose presences are still to say (scheduling refuses them before it begins)."""
        return bool(self.workshop_id and self.seats) and not (self.cancelled or self.attendance_recorded)


@dataclass(frozen=True)
class ToRun:
    workshops: list[Session]
    interviews: list[Session]


def to_run(services: Services, token: str, account_id: str, zone: ZoneInfo) -> ToRun:
    names = _names(services, token, account_id)
    sites = {s["site_id"]: s["name"] for s in services.get("sites", "/sites", token)}

    def who(candidate_id: str) -> str:
        return names.get(candidate_id, ANOTHER)

    def seats(enrolled: list[str]) -> dict[str, str]:
        named = sorted((c for c in enrolled if c in names), key=names.__getitem__)
        others = [c for c in enrolled if c not in names]
        return {c: names[c] for c in named} | {c: f"{ANOTHER} ({n})" for n, c in enumerate(others, 1)}

    def people(workshop: dict[str, Any]) -> list[str]:
        """Who is enrolled; once the presences are recorded, each with what scheduling kept of them."""
        enrolled = list(workshop.get("enrolled", []))
        if not workshop.get("attendance_recorded"):
            return sorted(who(c) for c in enrolled)
        said = dict.fromkeys(workshop.get("present", []), PRESENCE_WORDS[PRESENT])
        said |= dict.fromkeys(workshop.get("absent", []), PRESENCE_WORDS[ABSENT])
        return [f"{name} : {said[c]}" for c, name in seats(enrolled).items() if c in said]

    workshops = [
        Session(
            kind="Atelier",
            when=_when(w["starts_at"], w["ends_at"], zone),
            site=sites.get(w["site_id"], w["site_id"]),
            people=people(w),
            capacity=int(w["capacity"]),
            cancelled=bool(w.get("cancelled")),
            attendance_recorded=bool(w.get("attendance_recorded")),
            workshop_id=str(w.get("workshop_id", "")),
            seats=seats(list(w.get("enrolled", []))),
        )
        for w in services.get("scheduling", "/workshops", token)
        if account_id in w.get("coach_ids", [])
    ]
    interviews = [
        Session(
            kind="Entretien individuel",
            when=_when(i["starts_at"], i["ends_at"], zone),
            site=sites.get(i["site_id"], i["site_id"]),
            people=[who(i["candidate_id"])],
            capacity=None,
            cancelled=bool(i.get("cancelled")),
        )
        for i in services.get("scheduling", "/counselling-interviews", token)
    ]
    return ToRun(workshops=workshops, interviews=interviews)


def presences(fields: dict[str, str], enrolled: list[str]) -> tuple[list[str], list[str], int]:
    """Who came and who did not, from the form's `presence-{id}` choices, and how many were left unsaid."""
    present = [c for c in enrolled if fields.get(f"presence-{c}") == PRESENT]
    absent = [c for c in enrolled if fields.get(f"presence-{c}") == ABSENT]
    return present, absent, len(enrolled) - len(present) - len(absent)


def record_attendance(
    services: Services, token: str, workshop_id: str, present: list[str], absent: list[str]
) -> None:
    services.post(
        "scheduling",
        f"/workshops/{quote(workshop_id, safe='')}/attendance",
        token,
        {"present": present, "absent": absent},
    )


def enrolled(services: Services, token: str, workshop_id: str) -> list[str]:
    """The candidates enrolled in a workshop, as scheduling says now."""
    workshop = services.get("scheduling", f"/workshops/{quote(workshop_id, safe='')}", token)
    return [str(c) for c in workshop.get("enrolled", [])]


def _names(services: Services, token: str, account_id: str) -> dict[str, str]:
    """The names of the candidates the person follows (none for a coach, whom registration refuses)."""
    try:
        page = services.get(
            "registration", "/candidates", token, {"counsellor_id": account_id, "limit": "1000"}
        )
    except Refused as exc:
        if exc.status == 403:
            return {}
        raise
    return {
        c["candidate_id"]: f"{c['personal']['last_name']} {c['personal']['first_name']}"
        for c in page["items"]
        if c.get("personal") is not None
    }


def _when(starts: str, ends: str, zone: ZoneInfo) -> str:
    start = datetime.fromisoformat(starts).astimezone(zone)
    end = datetime.fromisoformat(ends).astimezone(zone)
    return f"{french.day_month_year(start.date())}, {start:%H:%M} – {end:%H:%M}"
