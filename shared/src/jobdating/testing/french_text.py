"""Whether a text shown to the partners (an OpenAPI description, a command's help) is French, for tests.

A simple check, not a language detector: the words only English uses (FastAPI's default summaries such as
"Get Health", an English docstring) give a text away; a French sentence of a few words holds at least one
of the French words every such sentence uses.
"""

from __future__ import annotations

import re

ENGLISH = frozenset(
    {"the", "of", "and", "to", "is", "are", "with", "from", "only", "by", "get", "list", "this"}
)
FRENCH = frozenset(
    {"le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "pour", "son", "sa", "ses", "d", "l"}
    | {"qui", "à", "au", "aux", "sur", "est", "en", "se", "sont", "ce", "ces", "cet", "cette", "leur"}
)


def english_or_missing(text: str | None) -> str | None:
    """Why `text` is not a French text for the partners (missing, English, not French), or None."""
    if not text or not text.strip():
        return "missing"
    words = set(re.findall(r"[a-zà-ÿ]+", text.lower()))
    if words & ENGLISH:
        return f"English ({', '.join(sorted(words & ENGLISH))})"
    if not words & FRENCH:
        return "not French"
    return None
