"""The rest of a site host's day at reception: a late arrival, a walk-in, a computer out of order and back,
and the day's sheet to print. Each change goes to the service that owns it, with the host's own token:
scheduling (late arrivals: `reception.check_in`), registration (walk-ins), sites (computers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from jobdating.console.application.ports import Refused, Services, Unreachable
from jobdating.console.application.reception import Reception

# The walk-in form's fields, as registration names them, with their French labels.
WALK_IN_FIELDS: dict[str, str] = {
    "first_name": "Prénom",
    "last_name": "Nom",
    "phone": "Téléphone",
    "postcode": "Code postal",
    "commune": "Commune",
}


@dataclass(frozen=True)
class Computer:
    computer_id: str
    label: str
    in_service: bool
    reason: str | None


@dataclass(frozen=True)
class SheetRow:
    """One interview of the day's sheet: who, when, on which computer, with which company."""

    name: str
    time: str
    computer: str
    company: str


@dataclass
class WalkIn:
    """The walk-in form as typed, and the reasons registration gave, by field."""

    values: dict[str, str] = field(default_factory=lambda: dict.fromkeys(WALK_IN_FIELDS, ""))
    # Each consent ticked by the host once the person said yes: never assumed.
    consent_data: bool = False
    consent_sms: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    other_errors: list[str] = field(default_factory=list)


def walk_in_form(fields: dict[str, str]) -> WalkIn:
    """The walk-in form's values from the posted fields (trimmed; consent to SMS ticked or not)."""
    values = {name: fields.get(name, "").strip() for name in WALK_IN_FIELDS}
    return WalkIn(
        values=values,
        consent_data=fields.get("consent_data") == "oui",
        consent_sms=fields.get("consent_sms") == "oui",
    )


def register_walk_in(services: Services, token: str, site_id: str, form: WalkIn) -> dict[str, Any]:
    """Register a person who came without an appointment at `site_id`, available on the site's day (its
    opening hours); registration says they are there now, scheduling books them where it can."""
    site = quote(site_id, safe="")
    day = services.get("registration", f"/sites/{site}/expected-candidates", token).get("day")
    body: dict[str, Any] = {
        **form.values,
        "site_id": site_id,
        "consent_data": form.consent_data,
        "consent_sms": form.consent_sms,
        "availability": _opening_hours(services, token, site_id, day),
    }
    answer: dict[str, Any] = services.post("registration", "/candidates/walk-ins", token, body)
    return answer


def refused_walk_in(form: WalkIn, exc: Refused | Unreachable, down: str) -> int:
    """Put registration's reasons on the form (by field where it names one); the page's status."""
    if isinstance(exc, Unreachable):
        form.other_errors = [down]
        return 503
    form.errors = {k: v for k, v in exc.fields.items() if k in WALK_IN_FIELDS}
    shown = set(form.errors.values())
    form.other_errors = [r for r in exc.reasons if r not in shown]
    if not form.errors and not form.other_errors:
        form.other_errors = ["L'inscription a été refusée."]
    return exc.status if exc.status in (401, 403, 404, 409, 422) else 400


def computers(services: Services, token: str, site_id: str) -> list[Computer]:
    """The site's computers (removed ones left out), by label."""
    found = [
        Computer(
            computer_id=c["computer_id"],
            label=c["label"],
            in_service=c["status"] == "in_service",
            reason=c.get("status_reason"),
        )
        for c in services.get("sites", "/computers", token, {"site_id": site_id})
        if c["status"] != "removed"
    ]
    return sorted(found, key=lambda c: _natural(c.label))


def out_of_order(services: Services, token: str, computer_id: str, reason: str) -> None:
    services.post(
        "sites", f"/computers/{quote(computer_id, safe='')}/out-of-order", token, {"reason": reason}
    )


def back_in_service(services: Services, token: str, computer_id: str) -> None:
    services.post("sites", f"/computers/{quote(computer_id, safe='')}/back-in-service", token, {})


def sheet(services: Services, token: str, view: Reception) -> list[SheetRow]:
    """Every interview of the day at the site, by time then name, for the printed sheet."""
    if view.job_dating_id is None:
        return []
    names = {p.candidate_id: f"{p.last_name} {p.first_name}" for p in view.people}
    plan = services.get(
        "scheduling",
        f"/job-datings/{quote(view.job_dating_id, safe='')}/plan",
        token,
        {"by": "site", "key": view.site_id},
    )
    labels: dict[str, str] = plan.get("names", {})
    rows = [
        SheetRow(
            name=names.get(i["candidate_id"], "—"),
            time=i["local_start"],
            computer=labels.get(i.get("computer_id") or "", i.get("computer_id") or "—"),
            company=labels.get(i["company_id"], i["company_id"]),
        )
        for group in plan.get("groups", [])
        for i in group.get("interviews", [])
        if i.get("status") != "cancelled"
    ]
    return sorted(rows, key=lambda r: (r.time, r.name))


def _opening_hours(services: Services, token: str, site_id: str, day: str | None) -> list[dict[str, str]]:
    if day is None:
        return []
    site = services.get("sites", f"/sites/{quote(site_id, safe='')}", token)
    return [
        {"day": day, "start": h["start"][:5], "end": h["end"][:5]}
        for h in site.get("hours", [])
        if str(h.get("day", ""))[:10] == day
    ]


def _natural(label: str) -> tuple[str, int]:
    """« Poste 2 » before « Poste 10 »."""
    head, _, tail = label.rpartition(" ")
    return (head, int(tail)) if tail.isdigit() else (label, 0)
