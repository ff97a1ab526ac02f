"""The SMS provider's signature on an inbound reply: HMAC-SHA256, with the secret we share with it, over
the timestamp header, a dot and the raw body; too old or from the future, it is refused (a replay).

(A delivery receipt webhook checks the same kind of signature: kept apart here so that both can be folded
into one module.)
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Final

SIGNATURE_HEADER: Final = "X-Jobdating-Signature"
TIMESTAMP_HEADER: Final = "X-Jobdating-Timestamp"
DEFAULT_TOLERANCE: Final = 300.0  # seconds either side of our clock


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The hex signature the provider sends (tests and the embedded stand-in sign with it too)."""
    return hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def verified(
    secret: bytes,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime,
    tolerance: float = DEFAULT_TOLERANCE,
) -> bool:
    """Whether the body is the provider's, signed at a time close enough to `now`."""
    if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(now.timestamp() - int(timestamp)) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, signature.strip().lower().encode("ascii", "replace").decode())
