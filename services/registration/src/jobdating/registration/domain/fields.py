"""Field rules, pure: French phone numbers, e-mail, postcode, SIRET, contracts, windows, sectors, counts.

Each `normalise_*`/`check_*` returns one value in its canonical form or raises `InvalidValue` with a French
reason; `validation` applies them to whole commands.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import time
from typing import Final

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import PhoneNumberType

from jobdating.contracts.registration import NOTE_LENGTH, Accessibility, ContractType
from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.runtime import phones
from jobdating.runtime.checksums import luhn_valid
from jobdating.runtime.text import reaches_a_person, text_problem

# Metropolitan France and the overseas départements share the national numbering plan.
# 09 numbers are VoIP for libphonenumber but, in France, they are the home landline behind an internet box.
PERSONAL_NUMBER_TYPES: Final = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.VOIP,
    }
)
CONTRACT_TYPES: Final[tuple[ContractType, ...]] = ("CDI", "CDD", "alternance", "interim", "stage")
ACCESSIBILITY_NEEDS: Final[tuple[Accessibility, ...]] = ("wheelchair", "hearing_loop", "visual", "other")
# A closed list on purpose: free text here would carry health or family details onto the bus in clear.
WITHDRAWAL_REASONS: Final = (
    "a trouvé un emploi",
    "a commencé une formation",
    "indisponible à la date",
    "ne souhaite plus participer",
    "a déménagé",
    "autre",
)
# La Poste registers all its offices under one SIREN and numbers them without the Luhn key.
LA_POSTE_SIREN: Final = "356000000"
LA_POSTE_HEAD_OFFICE: Final = "35600000000048"
OVERSEAS_POSTCODE_PREFIXES: Final = frozenset({"971", "972", "973", "974", "975", "976", "986", "987", "988"})
MAX_NAME = 100
MAX_TEXT = 200
MAX_WISHES = 10

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}"
)
_PUNCTUATION = re.compile(r"[\W_]+")


class InvalidValue(ValueError):
    """A value refused by a field rule; the message is the French reason."""

    @property
    def reason(self) -> str:
        return str(self)


@functools.lru_cache(maxsize=4096)
def search_key(text: str) -> str:
    """Text folded for matching what people type: no accents, lower case, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCTUATION.sub(" ", bare).strip()


def clean_text(raw: str) -> str:
    """Trim and collapse runs of white space (spreadsheets are full of double spaces and tabs)."""
    return _SPACES.sub(" ", raw).strip()


def required_text(raw: str, what: str, limit: int = MAX_NAME) -> str:
    """A non-empty text of at most `limit` characters; `what` names it in the reason ("le nom")."""
    text = clean_text(raw)
    if not text:
        raise InvalidValue(f"{what} est obligatoire")
    problem = text_problem(text)
    if problem is not None:
        raise InvalidValue(f"{what} : {problem}")
    if len(text) > limit:
        raise InvalidValue(f"{what} dépasse {limit} caractères")
    return text


def optional_text(raw: str | None, what: str, limit: int = MAX_TEXT) -> str | None:
    """Like `required_text`, but empty means absent."""
    if raw is None or not clean_text(raw):
        return None
    return required_text(raw, what, limit)


def check_note(raw: str | None) -> str | None:
    """The counsellor's note that companies read with the anonymous profile: optional, at most
    `NOTE_LENGTH` characters, and nothing that reaches the person (an e-mail, a link, a phone number or a
    postcode): it is not sealed (`CandidateNoteWritten`)."""
    note = optional_text(raw, "la note", NOTE_LENGTH)
    if note is not None and reaches_a_person(note):
        raise InvalidValue(
            "la note : pas de téléphone, d'e-mail, de lien ni de code postal, les entreprises la lisent"
        )
    return note


def normalise_phone(raw: str) -> str:
    """A French mobile or landline number (metropolitan or overseas) in E.164 form, e.g. +33612345678."""
    try:
        number, kind = phones.french_phone(raw)
    except phones.PhoneRefused as exc:
        raise InvalidValue(str(exc)) from None
    if kind not in PERSONAL_NUMBER_TYPES:
        raise InvalidValue("un numéro de portable ou de fixe est attendu, pas un numéro spécial ou surtaxé")
    return phones.e164(number)


def normalise_email(raw: str) -> str:
    """A syntactically valid e-mail address in lower case (no DNS look-up: registration works offline)."""
    text = raw.strip()
    if is_plain_email(text):
        return text.lower()
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidValue("adresse e-mail invalide, par ex. prenom.nom@exemple.fr") from None
    # Lower case: people type their address differently from one form to the next, and providers ignore case.
    return str(checked.normalized).lower()


def is_plain_email(text: str) -> bool:
    """Whether an address has the plain ASCII shape most people's have, which email-validator always accepts.

    email-validator spends most of its time on IDNA checks such addresses do not need (a bulk import of
    100,000 rows would spend seconds there); anything else goes through email-validator in full. A property
    test holds this to being a strict subset of what email-validator accepts.
    """
    lowered = text.lower()
    if len(lowered) > 254 or _PLAIN_EMAIL.fullmatch(lowered) is None:
        return False
    local, domain = lowered.rsplit("@", 1)
    if len(local) > 64 or len(domain) > 253 or "--" in domain:
        return False
    if any(len(label) > 63 for label in domain.split(".")):
        return False
    return not any(domain == d or domain.endswith("." + d) for d in SPECIAL_USE_DOMAIN_NAMES)


def optional_email(raw: str | None) -> str | None:
    """An e-mail address, or None when left empty."""
    if raw is None or not raw.strip():
        return None
    return normalise_email(raw)


def check_postcode(raw: str) -> str:
    """A French postcode: five digits starting with an existing département (01-95, 971-976, 986-988)."""
    text = raw.strip().replace(" ", "")
    if len(text) != 5 or not text.isascii() or not text.isdigit():
        raise InvalidValue("code postal invalide : 5 chiffres attendus, par ex. 59000")
    if not (1 <= int(text[:2]) <= 95 or text[:3] in OVERSEAS_POSTCODE_PREFIXES):
        raise InvalidValue(f"code postal invalide : aucun département ne commence par {text[:2]}")
    return text


def siret_checksum_ok(siret: str) -> bool:
    """Whether a 14-digit SIRET carries a valid key (Luhn, or La Poste's digit-sum rule)."""
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret[:9]) and luhn_valid(siret)


def check_siret(raw: str) -> str:
    """A SIRET: 14 digits (spaces allowed when typed) with a valid key."""
    text = "".join(raw.split())
    if len(text) != 14 or not text.isascii() or not text.isdigit():
        raise InvalidValue("SIRET invalide : 14 chiffres attendus")
    if not siret_checksum_ok(text):
        raise InvalidValue("SIRET invalide : la clé de contrôle ne correspond pas, vérifiez les chiffres")
    return text


def check_contract(raw: str) -> ContractType:
    """One of the contract types the schedule knows."""
    typed = search_key(raw)
    for contract in CONTRACT_TYPES:
        if typed == contract.lower():
            return contract
    raise InvalidValue("type de contrat inconnu : CDI, CDD, alternance, interim ou stage")


def check_count(value: int, what: str) -> int:
    """A count greater than zero."""
    if value <= 0:
        raise InvalidValue(f"{what} doit être supérieur à 0")
    return value


def check_window(start: time, end: time) -> None:
    """A time window that ends after it starts."""
    if end <= start:
        raise InvalidValue("l'heure de fin doit être après l'heure de début")


def check_sector(raw: str) -> str:
    """A sector code: lower case, single spaces."""
    return required_text(raw, "le secteur", 60).lower()


def check_sectors(sectors: Sequence[str]) -> tuple[str, ...]:
    """Sectors without duplicates, in the order given."""
    return tuple(dict.fromkeys(check_sector(s) for s in sectors))


def check_accessibility(needs: Sequence[str]) -> tuple[Accessibility, ...]:
    """Accessibility needs among the known ones, without duplicates."""
    out: list[Accessibility] = []
    for need in needs:
        if need not in ACCESSIBILITY_NEEDS:
            raise InvalidValue(f"besoin d'accessibilité inconnu : {', '.join(ACCESSIBILITY_NEEDS)}")
        if need not in out:
            out.append(need)
    return tuple(out)


def check_withdrawal_reason(raw: str) -> str:
    """One of `WITHDRAWAL_REASONS`."""
    text = clean_text(raw)
    if text not in WITHDRAWAL_REASONS:
        raise InvalidValue("motif inconnu, choisir parmi : " + " ; ".join(WITHDRAWAL_REASONS))
    return text


def checked_reason(check: Callable[[str], str], raw: str) -> str:
    """A withdrawal's reason through `check`; a refusal of the field `reason` when it does not pass."""
    try:
        return check(raw)
    except InvalidValue as exc:
        raise Rejected([DomainError("reason", exc.reason)]) from None
