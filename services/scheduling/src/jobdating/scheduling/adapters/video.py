"""Video links: one per interview, the configured base followed by an unguessable token."""

from __future__ import annotations

import secrets
from collections.abc import Callable


def video_links(base_url: str, token: Callable[[], str] | None = None) -> Callable[[], str]:
    """A maker of fresh links under `base_url` (128 bits of randomness each by default)."""
    make = token or (lambda: secrets.token_urlsafe(16))
    base = base_url.rstrip("/")
    return lambda: f"{base}/{make()}"
