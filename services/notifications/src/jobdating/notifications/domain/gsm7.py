"""What an SMS costs: its alphabet (GSM-7, or UCS-2 as soon as one character is outside it) and its parts.

GSM 03.38: the basic table's characters take one septet, the extension table's (`€`, `[`, `~`, ...) two (an
escape and the character). One part holds 160 septets, or 153 each when the SMS is split (the rest carries
the header that joins the parts); in UCS-2, 70 UTF-16 units, or 67 each. Phones join the parts, but each one
is billed, and some old phones show them apart. A part never cuts an escaped pair nor a surrogate pair.

Names typed by people (companies, sites, addresses, first names) may hold a character GSM-7 lacks (`ê`, `ç`,
a typographic apostrophe): one of them would turn the whole SMS into UCS-2 and more than double its parts, so
`transliterate` writes them with the nearest GSM-7 letters first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

# The basic table, in its order (0x00-0x7F); 0x1B is the escape to the extension table, not a character.
BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION: Final = frozenset("\f^{}\\[~]|€")
_ALPHABET: Final = BASIC | EXTENSION
SINGLE_PART: Final = {"gsm7": 160, "ucs2": 70}
MULTI_PART: Final = {"gsm7": 153, "ucs2": 67}

# Nearest GSM-7 spelling of characters found in French names and typed text. Anything else is decomposed
# (accent dropped) when that gives GSM-7 letters, and written `?` otherwise.
_NEAREST: Final = {
    "ç": "c",  # the table's 0x09 is the capital Ç; a lower-case word reads better with a plain c
    "œ": "oe",
    "Œ": "OE",
    "À": "A",
    "Â": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Ù": "U",
    "Û": "U",
    "Ÿ": "Y",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "ʼ": "'",
    "´": "'",
    "`": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "°": "o",  # "n°" becomes "no"
    "\u00a0": " ",  # non-breaking spaces, as French typography puts before ":" and in numbers
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
}

_GUILLEMETS: Final = re.compile(r"«\s*|\s*»")

Encoding = Literal["gsm7", "ucs2"]


@dataclass(frozen=True)
class SmsSize:
    """An SMS's alphabet, its length in that alphabet's units, and how many parts it is sent in."""

    encoding: Encoding
    units: int
    parts: int


def is_gsm7(text: str) -> bool:
    """Whether `text` can be sent in the GSM 7-bit alphabet (basic and extension tables)."""
    return _ALPHABET.issuperset(text)


def measure(text: str) -> SmsSize:
    """The size of an SMS saying `text`."""
    if is_gsm7(text):
        units = [2 if c in EXTENSION else 1 for c in text]
        return SmsSize("gsm7", sum(units), _parts(units, "gsm7"))
    units = [2 if ord(c) > 0xFFFF else 1 for c in text]  # beyond the BMP: a surrogate pair
    return SmsSize("ucs2", sum(units), _parts(units, "ucs2"))


def _parts(units: list[int], encoding: Encoding) -> int:
    if sum(units) <= SINGLE_PART[encoding]:
        return 1 if units else 0
    room, parts, used = MULTI_PART[encoding], 1, 0
    for size in units:
        if used + size > room:
            parts, used = parts + 1, 0
        used += size
    return parts


def transliterate(text: str) -> str:
    """`text` in GSM-7: its characters kept when the alphabet has them, else their nearest spelling."""
    if is_gsm7(text):
        return text
    text = _GUILLEMETS.sub('"', text)  # « Août » is "Août", without the spaces French puts inside
    return "".join(_nearest(c) for c in text)


def _nearest(c: str) -> str:
    if c in BASIC or c in EXTENSION:
        return c
    if c in _NEAREST:
        return _NEAREST[c]
    if unicodedata.category(c) in ("Zs", "Zl", "Zp"):
        return " "
    # "ê" decomposes into "e" and a combining circumflex: the letter is what GSM-7 has.
    decomposed = "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
    if decomposed and is_gsm7(decomposed):
        return decomposed
    return "?"
