"""« Doublons possibles »: the candidates of the coordinator's organisation who may also be registered at
another partner (same phone or e-mail), and the coordinator's decision on each.

Registration lists the suspicions and decides who may resolve them (the coordination of the candidate's
organisation) and what a reason may say (no contact details: it is shared in clear); the console shows its
refusals as they come. Only what registration gives this person is shown: their own candidate's name, the
other organisation's name (from identity) and which kind of contact matched, never the other side's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import quote

from jobdating.console.application.plan_views import candidate_name
from jobdating.console.application.ports import Refused, Services, Unreachable
from jobdating.contracts.registration import NOTE_LENGTH

OPEN: Final = "open"
VERDICT_WORDS: Final[dict[str, str]] = {
    "same_person": "C'est la même personne",
    "different_people": "Ce sont deux personnes différentes",
}
MATCH_WORDS: Final[dict[str, str]] = {"phone": "téléphone", "email": "e-mail"}
# The longest reason registration records: the field takes no more.
REASON_LENGTH: Final = NOTE_LENGTH
NO_VERDICT = "Choisissez : « C'est la même personne » ou « Ce sont deux personnes différentes »."
NO_REASON = "Écrivez le motif en quelques mots."
NOT_RECORDED = "La décision n'a pas pu être enregistrée."


@dataclass(frozen=True)
class Resolution:
    """What a resolution form holds: kept as typed when it is refused, so nothing is lost."""

    duplicate_id: str = ""
    verdict: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Suspicion:
    duplicate_id: str
    candidate: str
    other_org: str
    # « téléphone », « e-mail » or « téléphone et e-mail »: the kinds shared, never the values.
    matched: str
    suspected_on: date | None
    open: bool
    outcome: str
    reason: str | None


@dataclass(frozen=True)
class Duplicates:
    suspicions: list[Suspicion]

    @property
    def waiting(self) -> int:
        return sum(1 for s in self.suspicions if s.open)


def duplicates(services: Services, token: str) -> Duplicates:
    """The suspicions about the organisation's candidates, those still to decide first."""
    found = services.get("registration", "/duplicates", token).get("items", [])
    organisations = _organisation_names(services, token) if found else {}
    names: dict[str, str] = {}
    suspicions = []
    for item in found:
        candidate_id = item["candidate_id"]
        if candidate_id not in names:
            names[candidate_id] = candidate_name(services, token, candidate_id)
        suspicions.append(_suspicion(item, names[candidate_id], organisations))
    suspicions.sort(key=lambda s: not s.open)  # stable: registration's newest first within each
    return Duplicates(suspicions)


def waiting(services: Services, token: str) -> int | None:
    """How many suspicions still wait for a decision; None when registration does not say (the page
    showing the count is shown without it)."""
    try:
        items = services.get("registration", "/duplicates", token).get("items", [])
    except (Refused, Unreachable):
        return None
    return sum(1 for item in items if item.get("status") == OPEN)


def problems(form: Resolution) -> dict[str, str]:
    """What is missing from the form, by field, in French, before registration is asked (registration
    checks the rest: a reason may carry no contact details)."""
    found = {}
    if form.verdict not in VERDICT_WORDS:
        found["verdict"] = NO_VERDICT
    if not form.reason.strip():
        found["reason"] = NO_REASON
    return found


def resolve(services: Services, token: str, form: Resolution) -> None:
    services.post(
        "registration",
        f"/duplicates/{quote(form.duplicate_id, safe='')}/resolution",
        token,
        {"verdict": form.verdict, "reason": form.reason.strip()},
    )


def refusal_by_field(exc: Refused) -> dict[str, str]:
    """Registration's reasons by the form's field (`reason`, `verdict`), the others under `""`, as the
    page's sentences."""
    fields = {name: _sentence(why) for name, why in exc.fields.items() if name in ("reason", "verdict")}
    others = [_sentence(r) for r in exc.reasons if _sentence(r) not in fields.values()]
    if others or not fields:
        fields[""] = " ".join(others) or NOT_RECORDED
    return fields


def done(form: Resolution) -> str:
    """The notice of the next page."""
    return f"C'est noté : {VERDICT_WORDS[form.verdict].lower()}."


def _sentence(text: str) -> str:
    """Registration's reason as a sentence: a capital first, a full stop last."""
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.rstrip()[-1:] in ".!?" else ".")


def _organisation_names(services: Services, token: str) -> dict[str, str]:
    try:
        known = services.get("identity", "/organisations", token)
    except (Refused, Unreachable):
        return {}  # named by their id, as registration gives it
    return {str(o["organisation_id"]): str(o["name"]) for o in known or [] if "organisation_id" in o}


def _suspicion(item: dict[str, Any], candidate: str, organisations: dict[str, str]) -> Suspicion:
    matched = [MATCH_WORDS.get(m, m) for m in item.get("matched", [])]
    status = str(item.get("status", OPEN))
    suspected_at = item.get("suspected_at")
    return Suspicion(
        duplicate_id=str(item["duplicate_id"]),
        candidate=candidate,
        other_org=organisations.get(item["other_org"], item["other_org"]),
        matched=" et ".join(matched),
        suspected_on=datetime.fromisoformat(suspected_at).date() if suspected_at else None,
        open=status == OPEN,
        outcome=VERDICT_WORDS.get(status, ""),
        reason=item.get("reason"),
    )
