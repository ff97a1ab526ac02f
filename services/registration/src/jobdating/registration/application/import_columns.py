"""The columns of partners' spreadsheets, matched loosely, and their cells read the way people write them.

Headers are matched whatever their case, accents or punctuation: `Prénom`, `PRENOM` and `prénom ` are one
column. Cells are parsed into what commands need; a cell that cannot be read raises `ValueError` with the
French reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.registration.domain.fields import search_key

CANDIDATE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "last_name": ("nom", "nom de famille", "nom de naissance"),
    "first_name": ("prenom", "prenoms"),
    "phone": ("telephone", "tel", "portable", "telephone portable", "mobile", "numero de telephone"),
    "email": ("email", "e mail", "mail", "courriel", "adresse email", "adresse e mail", "adresse mail"),
    "address": ("adresse", "adresse postale"),
    "postcode": ("code postal", "cp"),
    "commune": ("commune", "ville"),
    "site": ("site", "site choisi", "lieu"),
    "counsellor": ("conseiller", "conseillere", "referent", "referente", "conseiller referent"),
    "sectors": ("secteurs", "secteur", "secteurs d activite"),
    "accessibility": ("accessibilite", "besoins d accessibilite"),
    "consent_data": ("consentement", "consentement donnees", "consentement rgpd"),
    "consent_sms": ("consentement sms",),
    "consent_email": (
        "consentement email",
        "consentement e mail",
        "consentement mail",
        "consentement courriel",
    ),
}
CANDIDATE_REQUIRED: Final = ("last_name", "first_name", "phone", "postcode", "commune", "site")
# How a missing column is named to the person who sent the file.
LABELS: Final = {
    "last_name": "nom",
    "first_name": "prénom",
    "phone": "téléphone",
    "postcode": "code postal",
    "name": "raison sociale",
    "title": "poste",
    "count": "nombre de postes",
    "start": "début",
    "end": "fin",
}
WISH_COLUMN: Final = re.compile(r"^(?:souhait|voeu)s? (?:n )?(\d+)$")
COMPANY_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("raison sociale", "entreprise", "nom de l entreprise", "societe"),
    "siret": ("siret", "n siret", "numero siret"),
    "sector": ("secteur", "secteur d activite"),
    "title": ("poste", "intitule du poste", "intitule"),
    "contract": ("contrat", "type de contrat"),
    "count": ("nombre de postes", "nb postes", "nb de postes", "postes"),
    "recruiters": ("recruteurs", "nombre de recruteurs", "nb recruteurs", "nb de recruteurs"),
    "start": ("debut", "heure de debut", "horaire de debut"),
    "end": ("fin", "heure de fin", "horaire de fin"),
    "day": ("jour", "date"),
    "contact_name": ("contact nom", "nom du contact", "contact"),
    "contact_phone": ("contact telephone", "telephone du contact", "contact tel"),
    "contact_email": (
        "contact email",
        "email du contact",
        "contact e mail",
        "contact mail",
        "contact courriel",
    ),
}
COMPANY_REQUIRED: Final = (
    "name",
    "siret",
    "sector",
    "title",
    "contract",
    "count",
    "recruiters",
    "start",
    "end",
)
# Domain field names as `validate_*`/`decide` report them -> the column they come from.
CANDIDATE_FIELDS: Final = {"site_id": "site", "counsellor_id": "counsellor"}
COMPANY_FIELDS: Final = {"parallel_recruiters": "recruiters", "window_start": "start", "window_end": "end"}
ACCESSIBILITY_WORDS: Final = {
    word: need
    for need, words in {
        "wheelchair": ("fauteuil", "fauteuil roulant", "mobilite reduite", "pmr", "wheelchair"),
        "hearing_loop": ("boucle magnetique", "malentendant", "auditif", "surdite", "hearing loop"),
        "visual": ("malvoyant", "visuel", "cecite", "visual"),
        "other": ("autre", "other"),
    }.items()
    for word in words
}
"""Words partners write (folded by `search_key`) -> accessibility need."""
YES: Final = frozenset({"oui", "o", "x", "1", "vrai", "true", "yes", "y"})
NO: Final = frozenset({"", "non", "n", "0", "faux", "false", "no"})
_LIST_SEPARATORS: Final = re.compile(r"[,;/+]")
_TIME: Final = re.compile(r"^(\d{1,2})\s*(?:[h:]\s*(\d{2})?)?(?::\d{2})?$")


@dataclass
class Columns:
    """Where each known column sits in the file, under the header the file gives it."""

    index: dict[str, int]
    header: dict[str, str]
    wishes: list[tuple[int, str]]
    ignored: list[str]

    def cell(self, cells: Sequence[str], key: str) -> str:
        i = self.index.get(key)
        return cells[i] if i is not None and i < len(cells) else ""

    def name(self, key: str) -> str:
        return self.header.get(key, key)


def match_columns(
    headers: Sequence[str], known: Mapping[str, tuple[str, ...]], *, wishes: bool = False
) -> Columns:
    """Find the known columns among a file's headers, whatever their case, accents or punctuation."""
    aliases = {alias: key for key, names in known.items() for alias in names}
    columns = Columns(index={}, header={}, wishes=[], ignored=[])
    numbered: list[tuple[int, int, str]] = []
    for i, header in enumerate(headers):
        folded = search_key(header)
        key = aliases.get(folded)
        wish = WISH_COLUMN.match(folded) if wishes else None
        if key is not None and key not in columns.index:
            columns.index[key] = i
            columns.header[key] = header
        elif wish is not None:
            numbered.append((int(wish.group(1)), i, header))
        elif header:
            columns.ignored.append(header)
    columns.wishes = [(i, header) for _, i, header in sorted(numbered)]
    return columns


def require_columns(columns: Columns, required: Sequence[str], known: Mapping[str, tuple[str, ...]]) -> None:
    """Refuse a whole file that lacks a column every row needs."""
    missing = [key for key in required if key not in columns.index]
    if missing:
        raise Rejected(
            [
                DomainError(LABELS.get(key, known[key][0]), "colonne manquante dans le fichier")
                for key in missing
            ]
        )


def yes_no(text: str) -> bool | None:
    folded = text.strip().lower()
    if folded not in YES and folded not in NO:
        folded = search_key(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip())


def accessibility_needs(text: str) -> tuple[tuple[str, ...], str | None]:
    needs: list[str] = []
    for part in split_list(text):
        need = ACCESSIBILITY_WORDS.get(search_key(part))
        if need is None:
            return (), "besoin inconnu : fauteuil roulant, boucle magnétique, malvoyant ou autre"
        needs.append(need)
    return tuple(needs), None


def parse_count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError("nombre entier attendu") from None


def parse_time(text: str) -> time:
    match = _TIME.match(text.lower().strip())
    if match is None:
        raise ValueError("heure attendue, par ex. 9h00 ou 09:00")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError("heure inexistante")
    return time(hour, minute)


def parse_day(text: str) -> date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("date attendue, par ex. 03/12/2026")
