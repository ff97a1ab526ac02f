"""Candidates' personal links: a candidate id and an expiry, signed with the console's key (HMAC-SHA256).

No account and no password: whoever holds the link acts as the candidate for their own interviews, until
it expires. The token says nothing readable but the candidate id (an opaque id, no personal data). The
console makes and shows them; registration, which owns the candidate, checks them again before it records
the candidate's answer (the link, not the console, is the authority).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


class BadLink(ValueError):
    """The link was altered, made with another key, or expired."""


@dataclass(frozen=True)
class CandidateLink:
    candidate_id: str
    expires: int  # Unix seconds


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"candidate-link\0" + payload, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, link: CandidateLink) -> str:
    payload = f"{link.candidate_id}|{link.expires}".encode()
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def verify(key: bytes, token: str, now: datetime) -> CandidateLink:
    """The link `token` stands for, if it is ours and not expired."""
    try:
        body, mac = token.split(".", 1)
        payload = _unb64(body)
        # Compare the text, not the decoded bytes: the last base64 character carries unused bits, so
        # two spellings decode to one MAC, and an altered link must not pass for the one we signed.
        good = body == _b64(payload) and hmac.compare_digest(mac, _b64(_mac(key, payload)))
        candidate_id, expires = payload.decode().rsplit("|", 1)
        link = CandidateLink(candidate_id=candidate_id, expires=int(expires))
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
