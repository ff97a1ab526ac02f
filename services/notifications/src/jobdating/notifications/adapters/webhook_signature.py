"""Signed webhooks from a provider: HMAC-SHA256, with a shared secret, over `<timestamp>.<raw body>`.

The provider sends `X-Jobdating-Timestamp` (Unix seconds) and `X-Jobdating-Signature` (`sha256=<hex>`).
Signing the timestamp with the body means a captured request cannot be replayed later under a new
timestamp; a timestamp further than `tolerance` from our clock is refused, so a replay is only possible
within those few minutes (and a repeated report is recorded once anyway). Any inbound provider webhook
(delivery reports, SMS replies) checks its requests with `check`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

SIGNATURE_HEADER = "X-Jobdating-Signature"
TIMESTAMP_HEADER = "X-Jobdating-Timestamp"
DEFAULT_TOLERANCE = timedelta(minutes=5)


class BadSignature(Exception):
    """A request not signed by the provider (or too old): refused with 401, `reason` in French."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (what the provider computes)."""
    mac = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def check(
    secret: bytes,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Raise `BadSignature` unless `signature` is the secret's over this timestamp and body, and the
    timestamp is within `tolerance` of `now`."""
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise BadSignature("timestamp", "horodatage absent ou illisible")
    if not signature or not signature.isascii():
        raise BadSignature("signature", "signature absente")
    expected = sign(secret, int(timestamp), body)
    # Compared in constant time: the time taken must not tell how much of a guess was right.
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise BadSignature("signature", "signature invalide")
    if abs(now.timestamp() - int(timestamp)) > tolerance.total_seconds():
        raise BadSignature("timestamp", "requête trop ancienne (ou datée dans le futur) : refusée")


def verified(
    secret: bytes,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime,
    tolerance: float = DEFAULT_TOLERANCE.total_seconds(),
) -> bool:
    """`check` as a yes or no (the replies' webhook answers every refusal alike)."""
    try:
        check(secret, body, signature, timestamp, now, timedelta(seconds=tolerance))
    except BadSignature:
        return False
    return True
