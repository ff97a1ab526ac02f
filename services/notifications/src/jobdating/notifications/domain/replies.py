"""What a candidate's reply to one of our SMS says: OUI (they come), NON (they cannot come), or something
we do not understand (their counsellor reads it as a reason to call them).

People type on small phones: case, accents, spaces, punctuation and a word or two after the answer are
tolerated (« Oui merci », « non. », « NON je peux pas »); a reply holding both words, or neither, is not
understood, and nothing is decided on the candidate's behalf.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Final, Literal

from jobdating.contracts.notifications import ReplyAnswer

_WORDS: Final = re.compile(r"[a-z]+")
_YES: Final = frozenset({"oui"})
_NO: Final = frozenset({"non"})
# Replies are identified by what the provider signed: the same webhook call twice is one reply.
_NAMESPACE: Final = uuid.UUID("8f0d6a7e-2b1c-4e55-9a3f-7c1e0b9d4a21")
Understood = Literal["coming", "not_coming"]


def understand(text: str) -> ReplyAnswer:
    """`coming` for OUI, `not_coming` for NON, `not_understood` for anything else."""
    words = _WORDS.findall(_plain(text))
    if not words:
        return "not_understood"
    said_yes = any(w in _YES for w in words)
    said_no = any(w in _NO for w in words)
    if words[0] in _YES and not said_no:
        return "coming"
    if words[0] in _NO and not said_yes:
        return "not_coming"
    return "not_understood"


def reply_id(timestamp: str, body: bytes) -> str:
    """The id of a reply: a UUIDv5 of the signed timestamp and body (a provider's retry is the same reply)."""
    return str(uuid.uuid5(_NAMESPACE, timestamp + "." + body.decode("utf-8", errors="replace")))


def _plain(text: str) -> str:
    # « Ouï », « NÔN »: accents off, lower case, so that only the letters are compared.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
