"""Candidates' personal links: a candidate id and an expiry, signed with the console's key (HMAC-SHA256).

No account and no password: whoever holds the link acts as the candidate for their own interviews, until
it expires. The token says nothing readable but the candidate id (an opaque id, no personal data). The
console makes and shows them; registration, which owns the candidate, checks them again before it records
the candidate's answer (the link, not the console, is the authority).

Two spellings. The short one, for the ids registration makes (UUIDs), fits an SMS beside a video link:
one version byte, the id's 16 bytes, the expiry's 4 and the first 12 bytes (96 bits) of the MAC, 33 bytes
that base64url writes in 44 characters with no unused bit. The long one (`id|expiry` and the whole MAC,
joined by a dot) serves any other id, and links already sent in it open until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final


class BadLink(ValueError):
    """The link was altered, made with another key, or expired."""


@dataclass(frozen=True)
class CandidateLink:
    candidate_id: str
    expires: int  # Unix seconds


SHORT_VERSION: Final = 1
# 96 bits: a forger must guess them online, one request each, against the console's rate limit.
SHORT_MAC_BYTES: Final = 12
_SHORT_BODY: Final = 1 + 16 + 4
_SHORT_SIZE: Final = _SHORT_BODY + SHORT_MAC_BYTES


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"candidate-link\0" + payload, hashlib.sha256).digest()


def _short_mac(key: bytes, body: bytes) -> bytes:
    # Its own label: a short link's MAC can never be taken for a long one's, nor the reverse.
    return hmac.new(key, b"candidate-link-short\0" + body, hashlib.sha256).digest()[:SHORT_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _uuid_bytes(candidate_id: str) -> bytes | None:
    """The id's 16 bytes when it is a UUID written the one way it reads back, else None."""
    try:
        parsed = uuid.UUID(candidate_id)
    except ValueError:
        return None
    return parsed.bytes if str(parsed) == candidate_id else None


def sign(key: bytes, link: CandidateLink) -> str:
    """The token of `link`: the short spelling when the id and expiry allow it, the long one otherwise."""
    raw_id = _uuid_bytes(link.candidate_id)
    if raw_id is not None and 0 <= link.expires < 2**32:
        body = bytes([SHORT_VERSION]) + raw_id + link.expires.to_bytes(4, "big")
        return _b64(body + _short_mac(key, body))
    payload = f"{link.candidate_id}|{link.expires}".encode()
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def _read_short(key: bytes, token: str) -> tuple[CandidateLink, bool]:
    raw = _unb64(token)
    if len(raw) != _SHORT_SIZE or raw[0] != SHORT_VERSION:
        raise ValueError("not a short link")
    body, mac = raw[:_SHORT_BODY], raw[_SHORT_BODY:]
    # The text must be the one spelling of its bytes: the decoder skips characters outside its alphabet.
    good = token == _b64(raw) and hmac.compare_digest(mac, _short_mac(key, body))
    link = CandidateLink(str(uuid.UUID(bytes=body[1:17])), int.from_bytes(body[17:], "big"))
    return link, good


def _read_long(key: bytes, token: str) -> tuple[CandidateLink, bool]:
    body, mac = token.split(".", 1)
    payload = _unb64(body)
    # Compare the text, not the decoded bytes: the last base64 character carries unused bits, so
    # two spellings decode to one MAC, and an altered link must not pass for the one we signed.
    good = body == _b64(payload) and hmac.compare_digest(mac, _b64(_mac(key, payload)))
    candidate_id, expires = payload.decode().rsplit("|", 1)
    return CandidateLink(candidate_id=candidate_id, expires=int(expires)), good


def verify(key: bytes, token: str, now: datetime) -> CandidateLink:
    """The link `token` stands for, if it is ours and not expired (either spelling)."""
    try:
        link, good = _read_long(key, token) if "." in token else _read_short(key, token)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadLink("ce lien n'est pas valide") from exc
    if not good:
        raise BadLink("ce lien n'est pas valide")
    if link.expires <= now.timestamp():
        raise BadLink("ce lien a expiré")
    return link


def form_token(key: bytes, token: str) -> str:
    """The CSRF token of a candidate page's forms: bound to the link, so a form made elsewhere fails."""
    return _b64(hmac.new(key, b"candidate-form\0" + token.encode(), hashlib.sha256).digest())
