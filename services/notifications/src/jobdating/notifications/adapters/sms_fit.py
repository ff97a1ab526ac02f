"""An SMS in GSM-7 and in at most two parts, whatever the names people typed.

The facts put in an SMS (company, site, address, first name) are written in GSM-7 first (`transliterate`),
so that one `ê` never turns a whole SMS into UCS-2; the templates' own words are GSM-7 already (checked at
start). Then the shortest rendering that keeps what the person needs is chosen: the full text when its
niceties (greeting, "Bonne chance") cost no extra part, the compact one otherwise, and, for names so long
that even that needs three parts, the compact text with each long fact cut at a word (`...`), the longest
first. Links and codes are never cut: the candidate's personal link is where the full details are. The
personal link is short (44 characters after the console's address), so it fits beside a video link even
at the longest names, with a console address of up to 60 characters (`test_sms_worst_case.py`). With a
longer address it may not: the personal link then gives way, since the video link is what the person
needs to attend, and the e-mail carries both. So it does when several video interviews, a workshop and a
meeting with a counsellor go in one message (one message per moment): the meetings' times are not on the
personal page, so they are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from jobdating.notifications.domain.gsm7 import measure, transliterate

MAX_PARTS: Final = 2
# Tried in turn on every fact longer than it; the first that fits wins.
CUTS: Final = (90, 70, 55, 45, 38, 32, 26, 20, 15)
_PLAIN: Final = frozenset({int, float, bool, type(None), datetime})
_CODE = re.compile(r"[a-z0-9_]+")  # a reason or an outcome code that templates compare, never shown


def gsm_facts(value: Any, cut: int | None = None) -> Any:
    """`value` (a template's facts, nested) with every text in GSM-7, and cut to `cut` characters."""
    if isinstance(value, str):
        return _fit(transliterate(value), cut)
    if type(value) in _PLAIN:  # before the generic checks: an ABC's isinstance is slow
        return value
    if isinstance(value, Mapping):
        return {key: gsm_facts(item, cut) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [gsm_facts(item, cut) for item in value]
    return value


def _fit(text: str, cut: int | None) -> str:
    if cut is None or len(text) <= cut or _CODE.fullmatch(text) or text.startswith(("http://", "https://")):
        return text
    kept = text[: cut - 3]
    space = kept.rfind(" ")
    if space > cut // 2:
        kept = kept[:space]
    return kept.rstrip(" ,.;:-'") + "..."


def fitted(render: Callable[[Mapping[str, Any], bool], str], context: Mapping[str, Any]) -> str:
    """The text to send: `render(facts, compact)` with the fewest parts, niceties kept when free."""
    facts = gsm_facts(context)
    full = render(facts, False)
    full_parts = measure(full).parts
    if full_parts <= 1:  # no text is shorter than one part: the compact one need not be rendered
        return full
    compact = render(facts, True)
    compact_parts = measure(compact).parts
    if full_parts <= compact_parts and full_parts <= MAX_PARTS:
        return full
    if compact_parts <= MAX_PARTS:
        return compact
    for cut in CUTS:
        compact = render(gsm_facts(context, cut), True)
        if measure(compact).parts <= MAX_PARTS:
            return compact
    if context.get("link"):
        return fitted(render, {**context, "link": None})
    return compact
