"""What an identifier, an organisation's name, an e-mail address and a password must look like."""

from __future__ import annotations

import re
from typing import Final

from jobdating.identity.domain.errors import Invalid
from jobdating.runtime.text import text_problem

# Organisation ids are the second token of subjects (`jobdating.<org>.…`) and NATS user names.
_ORG_ID = re.compile(r"[a-z0-9][a-z0-9_-]{1,62}")
_ACCOUNT_ID = re.compile(r"acc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Enough to refuse a typo; the invitation mail is the real proof that the address works.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
PASSWORD_MIN: Final = 12
# argon2 hashes anything, but a megabyte-long password only serves to make the server work.
PASSWORD_MAX: Final = 256


def is_organisation_id(value: str) -> bool:
    return _ORG_ID.fullmatch(value) is not None


def is_account_id(value: str) -> bool:
    return _ACCOUNT_ID.fullmatch(value) is not None


def is_typed_text(value: str) -> bool:
    """No NUL, lone surrogate or control character: what a store may be asked about at all."""
    return text_problem(value) is None


def organisation_id(field: str, value: str) -> None:
    if not _ORG_ID.fullmatch(value):
        raise Invalid.on(
            field, "identifiant attendu : 2 à 63 lettres minuscules, chiffres, - ou _ (sans accent)"
        )


def name(field: str, value: str) -> str:
    cleaned = value.strip()
    problem = text_problem(cleaned)
    if problem is not None:
        raise Invalid.on(field, problem)
    if not 2 <= len(cleaned) <= 120:
        raise Invalid.on(field, "nom attendu, de 2 à 120 caractères")
    return cleaned


def email(field: str, value: str) -> str:
    """The address as it will be compared: trimmed and in lower case."""
    cleaned = value.strip().lower()
    if len(cleaned) > 254 or not _EMAIL.fullmatch(cleaned) or not is_typed_text(cleaned):
        raise Invalid.on(field, "adresse électronique invalide (exemple : prenom.nom@exemple.fr)")
    return cleaned


def password(field: str, value: str) -> None:
    if len(value) < PASSWORD_MIN:
        raise Invalid.on(field, f"mot de passe trop court : au moins {PASSWORD_MIN} caractères")
    if len(value) > PASSWORD_MAX:
        raise Invalid.on(field, f"mot de passe trop long : au plus {PASSWORD_MAX} caractères")
