"""What a French phone number is, for every service that takes one (a candidate's, a site's reception):
parsed and checked by libphonenumber (`is_valid_number`), not by its shape, so that `06 39 98 07 0` (nine
digits) is refused rather than stored as a number that rings nowhere."""

from __future__ import annotations

import re
from typing import Final, Literal

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType

FRENCH_REGIONS: Final = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT"})
FICTION_MOBILE_PREFIX: Final = "63998"
_SEPARATORS = re.compile(r"[\s.\-/]")
_NATIONAL_NUMBER = re.compile(r"0[1-9]\d{8}")


class PhoneRefused(ValueError):
    """A number that is not a French phone number; the message says why, in French."""


def french_phone(raw: str) -> tuple[PhoneNumber, int]:
    """The number and its libphonenumber type (`PhoneNumberType`) of a French number (metropolitan or
    overseas), or PhoneRefused."""
    text = raw.strip()
    if not text:
        raise PhoneRefused("le numéro de téléphone est obligatoire")
    digits = _SEPARATORS.sub("", text)
    try:
        if _NATIONAL_NUMBER.fullmatch(digits):
            # What `parse` makes of "0X XX XX XX XX" in France, without its 20 µs of generic parsing.
            number = PhoneNumber(country_code=33, national_number=int(digits[1:]))
        else:
            number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise PhoneRefused(
            "numéro de téléphone illisible : 10 chiffres attendus, par ex. 06 12 34 56 78"
        ) from None
    region = phonenumbers.region_code_for_number(number)
    if region is None:
        raise PhoneRefused("ce numéro de téléphone est incomplet ou n'existe pas")
    if region not in FRENCH_REGIONS:
        raise PhoneRefused("un numéro de téléphone français est attendu")
    if is_fiction_mobile(number):
        return number, PhoneNumberType.MOBILE
    # `is_valid_number` is `number_type` != UNKNOWN for the number's own region (the region found above):
    # one matching of the number against the metadata instead of two, half the cost of an import's check.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        raise PhoneRefused("ce numéro de téléphone est incomplet ou n'existe pas")
    return number, kind


def e164(number: PhoneNumber) -> str:
    """`+33612345678`."""
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_fiction_mobile(number: PhoneNumber) -> bool:
    """06 39 98 xx xx, the mobile range ARCEP keeps for fiction and demonstrations, which libphonenumber
    calls invalid: exactly the nine national digits of a mobile, as `is_valid_number` would demand."""
    national = str(number.national_number)
    return (
        number.country_code == 33
        and not number.italian_leading_zero
        and len(national) == 9
        and national.startswith(FICTION_MOBILE_PREFIX)
    )


LineKind = Literal["mobile", "landline", "other", "invalid"]
"""What a stored number can take: an SMS (mobile), a call only (landline), neither (a special number,
or one that does not exist)."""

_TEXTABLE: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# 09 numbers are VoIP for libphonenumber but, in France, they are the home landline behind an internet box.
_CALL_ONLY: Final = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.VOIP})


def line_kind(raw: str) -> LineKind:
    """Whether a number (E.164 as registration stores it, or French national form) is a mobile, a landline,
    another kind of line or no number at all. Any country: numbers stored before registration refused
    foreign ones, and staff directories, still get an answer. Where libphonenumber cannot tell a mobile
    from a landline (`FIXED_LINE_OR_MOBILE`, e.g. North America) the SMS is tried."""
    try:
        number = phonenumbers.parse(raw.strip(), "FR")
    except phonenumbers.NumberParseException:
        return "invalid"
    if is_fiction_mobile(number):
        return "mobile"
    if not phonenumbers.is_valid_number(number):
        return "invalid"
    kind = phonenumbers.number_type(number)
    if kind in _TEXTABLE:
        return "mobile"
    if kind in _CALL_ONLY:
        return "landline"
    return "other"
