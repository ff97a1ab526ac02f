"""Text people type, checked before it is stored, printed or opened in a spreadsheet (pure, no I/O).

A lone surrogate cannot be encoded (the store, the bus and files fail on it); NUL and other control
characters corrupt files and terminals; a cell starting with `=`, `+`, `-` or `@` is run as a formula by
spreadsheets (CSV injection).
"""

from __future__ import annotations

import re
from typing import Final

# C0 and C1 controls but tab, line feed and carriage return (white space, collapsed by the rules), and
# the UTF-16 surrogates, which are no characters on their own.
_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# In a note others read: an e-mail or a link, or a run of five digits or more (a phone, a postcode).
_REACHES: Final = re.compile(r"@|https?://|www\.|\d(?:[\s.-]?\d){4,}", re.IGNORECASE)


def text_problem(value: str) -> str | None:
    """Why `value` cannot be kept as typed text, in French, or None when it can."""
    if _SURROGATE.search(value):
        return "texte mal encodé (caractère invalide)"
    if _CONTROL.search(value):
        return "caractère de contrôle interdit"
    return None


def reaches_a_person(value: str) -> bool:
    """Whether a note holds what would reach the person it is about (an e-mail, a link, a phone number or
    a postcode): notes that travel unsealed (a profile's, an interview's) must not."""
    return _REACHES.search(value) is not None


def spreadsheet_cell(value: str) -> str:
    """`value` as a spreadsheet shows it: a leading apostrophe keeps a would-be formula as text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# Ids travel in NATS subjects, so they may hold no dot, wildcard or space.
_SUBJECT_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


def subject_id(value: str) -> bool:
    """Whether `value` may identify something the events name: letters, digits, - and _, 64 at most."""
    return _SUBJECT_ID.fullmatch(value) is not None


def required_problem(value: str, longest: int, missing: str, too_long: str) -> str | None:
    """`missing` when `value` is blank, `too_long` when it holds more than `longest` characters (the spaces
    around it not counted), else None: each service says both in its own words."""
    if not value.strip():
        return missing
    if len(value.strip()) > longest:
        return too_long
    return None
