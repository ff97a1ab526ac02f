"""Field rules of the sites service: each check returns the problems it finds, none when the value is fine."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time

from jobdating.contracts.sites import Coordinates, OpeningHours, SiteAccessibility, SiteContact
from jobdating.runtime import phones
from jobdating.runtime.text import required_problem, subject_id
from jobdating.sites.domain.errors import Problem

_POSTCODE = re.compile(r"^[0-9]{5}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CAPACITY = 1000


def identifier(field: str, value: str) -> list[Problem]:
    """An id of a site, room, computer or organisation."""
    if subject_id(value):
        return []
    return [Problem(field, "identifiant invalide : lettres, chiffres, - et _ seulement, 64 au plus")]


def text(field: str, value: str, what: str, max_length: int = 120) -> list[Problem]:
    """A required free text, `what` naming it in the message (e.g. "le nom du site")."""
    too_long = f"{what} ne doit pas dépasser {max_length} caractères"
    said = required_problem(value, max_length, f"{what} est obligatoire", too_long)
    return [] if said is None else [Problem(field, said)]


def reason(field: str, value: str) -> list[Problem]:
    """Why something happened: required, so that the people affected can be told."""
    if not value.strip():
        return [Problem(field, "indiquez la raison")]
    return text(field, value, "la raison", 300)


def postcode(field: str, value: str) -> list[Problem]:
    """A French postcode."""
    return [] if _POSTCODE.fullmatch(value) else [Problem(field, "le code postal doit compter 5 chiffres")]


def location(field: str, value: Coordinates) -> list[Problem]:
    """WGS 84 degrees (NaN fails both range checks); an empty `field` names `lat` and `lon` alone."""
    prefix = f"{field}." if field else ""
    problems = []
    if not -90.0 <= value.lat <= 90.0:
        problems.append(Problem(f"{prefix}lat", "la latitude doit être comprise entre -90 et 90"))
    if not -180.0 <= value.lon <= 180.0:
        problems.append(Problem(f"{prefix}lon", "la longitude doit être comprise entre -180 et 180"))
    return problems


def hours(field: str, value: Sequence[OpeningHours]) -> list[Problem]:
    """At least one range; each ends after it starts; ranges of one day do not overlap."""
    if not value:
        return [Problem(field, "indiquez au moins une plage d'ouverture")]
    problems = [
        Problem(f"{field}.{i}.end", "l'heure de fermeture doit être après l'heure d'ouverture")
        for i, h in enumerate(value)
        if h.end <= h.start
    ]
    if problems:
        return problems
    latest_end: dict[date, time] = {}
    for i, h in sorted(enumerate(value), key=lambda ih: (ih[1].day, ih[1].start)):
        if h.day in latest_end and h.start < latest_end[h.day]:
            overlap = f"cette plage chevauche une autre plage du {h.day:%d/%m/%Y}"
            problems.append(Problem(f"{field}.{i}", overlap))
        latest_end[h.day] = max(latest_end.get(h.day, h.end), h.end)
    return problems


def contact(field: str, value: SiteContact) -> list[Problem]:
    """A professional phone line and/or mailbox of the premises."""
    problems = []
    if value.phone is not None:
        try:
            phones.french_phone(value.phone)
        except phones.PhoneRefused as exc:
            problems.append(Problem(f"{field}.phone", str(exc)))
    if value.email is not None and not _EMAIL.fullmatch(value.email.strip()):
        problems.append(Problem(f"{field}.email", "adresse e-mail invalide"))
    return problems


def capacity(field: str, value: int) -> list[Problem]:
    """How many people a room seats."""
    if value < 1:
        return [Problem(field, "la capacité doit être d'au moins une personne")]
    if value > MAX_CAPACITY:
        return [Problem(field, f"la capacité ne doit pas dépasser {MAX_CAPACITY} personnes")]
    return []


def clean_hours(value: Sequence[OpeningHours]) -> tuple[OpeningHours, ...]:
    """Opening hours in day and time order, as people read them."""
    return tuple(sorted(value, key=lambda h: (h.day, h.start)))


def clean_accessibility(value: Sequence[SiteAccessibility]) -> tuple[SiteAccessibility, ...]:
    """Each accessibility feature once, in a stable order."""
    return tuple(sorted(set(value)))


def clean_contact(value: SiteContact) -> SiteContact:
    """Surrounding spaces dropped; an empty phone or e-mail counts as none."""
    phone = (value.phone or "").strip() or None
    email = (value.email or "").strip() or None
    return SiteContact(phone=phone, email=email)


def label_key(label: str) -> str:
    """Two labels that only differ by case or spaces would confuse people on site: they count as one."""
    return " ".join(label.split()).casefold()
