"""« Changer à la main »: add, move or cancel one interview of the published plan, always with a reason.

Scheduling judges every change: a change that breaks a rule is refused (409) with each rule in French, and
says whether the coordination may override it (a refusal naming the field `force`). The console only reads
the form, shows the change for confirmation, sends it with the coordinator's token and shows the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final, Literal
from urllib.parse import quote

from jobdating.console.application.plan_views import STATUS_WORDS, candidate_name
from jobdating.console.application.ports import Refused, Services
from jobdating.runtime.french import day_month_year

Kind = Literal["add", "move", "cancel"]
VERBS: Final[dict[str, str]] = {"add": "Ajouter", "move": "Déplacer", "cancel": "Annuler"}
DONE: Final[dict[str, str]] = {"add": "ajouté", "move": "déplacé", "cancel": "annulé"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NO_REASON = "Indiquez la raison du changement : elle reste dans l'historique."
BAD_DAY = "La date n'est pas lisible : choisissez un jour dans le calendrier."
BAD_TIME = "L'heure n'est pas lisible : écrivez-la comme 14:30."
NOTHING_TO_MOVE = "Indiquez une nouvelle heure, un autre ordinateur ou un autre site."
NEEDS_WHO = "Choisissez le candidat et l'entreprise."
NEEDS_WHEN = "Indiquez le jour et l'heure de l'entretien."


@dataclass(frozen=True)
class Interview:
    """One interview as the coordinator reads it, with what the move form offers."""

    slot_id: str
    day: date
    start: str
    end: str
    status: str
    changeable: bool
    site_id: str
    site: str
    computer_id: str | None
    computer: str
    company: str
    candidate: str


@dataclass(frozen=True)
class Change:
    """A change as typed in a form; `problems` are the console's own (an empty reason, an unreadable time)."""

    kind: Kind
    reason: str
    slot_id: str | None = None
    job_dating_id: str | None = None
    candidate_id: str = ""
    company_id: str = ""
    day: str = ""
    time: str = ""
    site_id: str = ""
    computer_id: str = ""
    force: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, str]:
        """The change as hidden fields, to confirm it or to force it."""
        kept = {
            "reason": self.reason,
            "job_dating_id": self.job_dating_id or "",
            "candidate_id": self.candidate_id,
            "company_id": self.company_id,
            "day": self.day,
            "time": self.time,
            "site_id": self.site_id,
            "computer_id": self.computer_id,
        }
        return {k: v for k, v in kept.items() if v}

    def forced(self) -> Change:
        return replace(self, force=True)


@dataclass(frozen=True)
class Refusal:
    """Why scheduling said no, in its words, and whether forcing is allowed."""

    reasons: list[str]
    forceable: bool


def change_from(kind: Kind, fields: dict[str, str], slot_id: str | None = None) -> Change:
    """The form's change, with what the console can already tell is missing or unreadable."""
    change = Change(
        kind=kind,
        reason=fields.get("reason", "").strip(),
        slot_id=slot_id,
        job_dating_id=fields.get("job_dating_id") or None,
        candidate_id=fields.get("candidate_id", "").strip(),
        company_id=fields.get("company_id", "").strip(),
        day=fields.get("day", "").strip(),
        time=fields.get("time", "").strip(),
        site_id=fields.get("site_id", "").strip(),
        computer_id=fields.get("computer_id", "").strip(),
        force=fields.get("force") == "1",
    )
    problems = [] if change.reason else [NO_REASON]
    if change.day:
        try:
            date.fromisoformat(change.day)
        except ValueError:
            problems.append(BAD_DAY)
    if change.time and not _TIME.match(change.time):
        problems.append(BAD_TIME)
    if kind == "move" and not (change.time or change.site_id or change.computer_id):
        problems.append(NOTHING_TO_MOVE)
    if kind == "add":
        if not (change.candidate_id and change.company_id and change.job_dating_id):
            problems.append(NEEDS_WHO)
        if not (change.day and change.time):
            problems.append(NEEDS_WHEN)
    return replace(change, problems=problems)


def interview(services: Services, token: str, slot_id: str) -> Interview:
    """One interview with the names the services give this person."""
    slot = services.get("scheduling", f"/slots/{quote(slot_id, safe='')}", token)
    sites = {s["site_id"]: s["name"] for s in services.get("sites", "/sites", token)}
    computers = {
        c["computer_id"]: c["label"]
        for c in services.get("sites", "/computers", token, {"site_id": slot["site_id"]})
    }
    company = services.get("registration", f"/companies/{quote(slot['company_id'], safe='')}", token)
    computer_id = slot.get("computer_id")
    return Interview(
        slot_id=slot_id,
        day=date.fromisoformat(slot["day"]),
        start=slot["local_start"],
        end=slot["local_end"],
        status=STATUS_WORDS.get(slot["status"], slot["status"]),
        changeable=slot["status"] == "assigned",
        site_id=slot["site_id"],
        site=sites.get(slot["site_id"], slot["site_id"]),
        computer_id=computer_id,
        computer=computers.get(computer_id, computer_id) if computer_id else "—",
        company=company.get("profile", {}).get("name", slot["company_id"]),
        candidate=candidate_name(services, token, slot["candidate_id"]),
    )


def described(services: Services, token: str, change: Change) -> list[tuple[str, str]]:
    """The change in words for the confirm and refusal pages: names, not identifiers."""
    said: list[tuple[str, str]] = []
    site_id = change.site_id
    if change.slot_id is not None:
        now = interview(services, token, change.slot_id)
        said.append(("Entretien", f"{now.start} – {now.end}, {now.candidate}, {now.company}"))
        said.append(("Aujourd'hui", f"{now.site}, ordinateur {now.computer}"))
        site_id = site_id or now.site_id
    else:
        said.append(("Candidat", candidate_name(services, token, change.candidate_id)))
        companies = dict(companies_of(services, token))
        said.append(("Entreprise", companies.get(change.company_id, change.company_id)))
    if change.kind != "cancel":
        if change.day:
            said.append(("Jour", day_month_year(date.fromisoformat(change.day))))
        if change.time:
            said.append(("Nouvelle heure", change.time))
        if change.site_id:
            said.append(("Nouveau site", dict(sites_of(services, token)).get(change.site_id, change.site_id)))
        if change.computer_id and site_id:
            labels = dict(computers_of(services, token, site_id))
            said.append(("Nouvel ordinateur", labels.get(change.computer_id, change.computer_id)))
    said.append(("Raison", change.reason or "—"))
    return said


def computers_of(services: Services, token: str, site_id: str) -> list[tuple[str, str]]:
    """A site's computers in service, (id, label), for the move form."""
    found = services.get("sites", "/computers", token, {"site_id": site_id})
    return [(c["computer_id"], c["label"]) for c in found if c.get("status") == "in_service"]


def sites_of(services: Services, token: str) -> list[tuple[str, str]]:
    """The open sites, (id, name)."""
    return [
        (s["site_id"], s["name"])
        for s in services.get("sites", "/sites", token)
        if s.get("status", "open") == "open"
    ]


def companies_of(services: Services, token: str) -> list[tuple[str, str]]:
    """The companies taking part, (id, name), for the add form."""
    page = services.get("registration", "/companies", token, {"limit": "1000"})
    return sorted(
        (
            (c["company_id"], c["profile"]["name"])
            for c in page.get("items", [])
            if c.get("status") != "withdrawn"
        ),
        key=lambda c: c[1],
    )


def apply(services: Services, token: str, change: Change) -> Refusal | str:
    """Send the change; the slot id it concerns, or the refusal to show."""
    path, body = _request(change)
    try:
        answer = services.post("scheduling", path, token, body)
    except Refused as exc:
        if exc.status == 401:
            raise
        forceable = "force" in exc.fields
        # The API's own hint about the `force` flag: the page offers a button instead.
        reasons = [r for r in exc.reasons if r != exc.fields.get("force")]
        return Refusal(reasons or ["Le changement est refusé."], forceable and exc.status == 409)
    return str(answer["slot"]["slot_id"])


def _request(change: Change) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"reason": change.reason, "force": change.force}
    when = f"{change.day}T{change.time}" if change.day and change.time else None
    if change.kind == "add":
        assert change.job_dating_id is not None
        body |= {"candidate_id": change.candidate_id, "company_id": change.company_id, "starts_at": when}
        body |= {k: v for k, v in (("site_id", change.site_id), ("computer_id", change.computer_id)) if v}
        return f"/job-datings/{quote(change.job_dating_id, safe='')}/interviews", body
    assert change.slot_id is not None
    slot = f"/slots/{quote(change.slot_id, safe='')}"
    if change.kind == "cancel":
        return f"{slot}/cancel", body
    if when is not None:
        body["starts_at"] = when
    body |= {k: v for k, v in (("site_id", change.site_id), ("computer_id", change.computer_id)) if v}
    return f"{slot}/move", body
