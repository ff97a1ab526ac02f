"""Dates, times and phone numbers as a voice reads them on a call: in words ("neuf heures trente",
"jeudi trois décembre", "zéro trois, vingt, zéro zéro..."), so that no speech engine guesses "9 h 30"."""

from __future__ import annotations

from datetime import datetime

from jobdating.runtime import french

_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def number(n: int, *, feminine: bool = False) -> str:
    """0 to 99 in French words: 21 `vingt et un`, 71 `soixante et onze`, 80 `quatre-vingts`."""
    if not 0 <= n <= 99:
        raise ValueError(f"{n} is out of 0..99")
    if n < 20:
        word = _UNITS[n]
    elif n < 70:
        tens, unit = divmod(n, 10)
        word = _TENS[tens] if unit == 0 else _TENS[tens] + (" et un" if unit == 1 else f"-{_UNITS[unit]}")
    elif n < 80:
        word = "soixante et onze" if n == 71 else f"soixante-{_UNITS[n - 60]}"
    else:
        word = "quatre-vingts" if n == 80 else f"quatre-vingt-{_UNITS[n - 80]}"
    # "une heure", "vingt et une heures": hours are feminine.
    return word[:-2] + "une" if feminine and word.endswith("un") else word


def hour(at: datetime) -> str:
    """`neuf heures trente`, `une heure`, `quatorze heures cinq`."""
    hours = f"{number(at.hour, feminine=True)} heure{'s' if at.hour > 1 else ''}"
    return f"{hours} {number(at.minute)}" if at.minute else hours


def day(at: datetime) -> str:
    """`jeudi trois décembre`, `lundi premier mars`."""
    d = at.date()
    date_word = "premier" if d.day == 1 else number(d.day)
    return f"{french.DAYS[d.weekday()]} {date_word} {french.MONTHS[d.month - 1]}"


def national_digits(number: str) -> str:
    """The digits of a phone number, a French one given as `+33…` in its national form (`0…`)."""
    digits = "".join(c for c in number if c.isdigit())
    if number.startswith("+33") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def phone(raw: str | None) -> str:
    """A French number read in pairs, as people say it: `zéro trois, vingt, zéro zéro, zéro zéro, zéro un`."""
    if not raw:
        return ""
    digits = national_digits(raw)
    if len(digits) != 10:
        return " ".join(_UNITS[int(c)] for c in digits)
    pairs = (digits[i : i + 2] for i in range(0, 10, 2))
    # "00" and "0X" are read digit by digit ("zéro zéro", "zéro un"), the others as a number ("vingt").
    return ", ".join(f"zéro {_UNITS[int(p[1])]}" if p.startswith("0") else number(int(p)) for p in pairs)
