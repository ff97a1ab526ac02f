"""The embedded mail server's Maildir as the operator's tools read it: one file per e-mail sent."""

from __future__ import annotations

import email
import email.policy
import time
from pathlib import Path


def mails(maildir: Path) -> list[Path]:
    """Every e-mail delivered so far."""
    folder = maildir / "new"
    return list(folder.iterdir()) if folder.exists() else []


def subject(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return str(message.get("subject", "")).strip()


def settled_count(maildir: Path, quiet: float, limit: float) -> int:
    """How many e-mails once the Maildir stopped growing for `quiet` seconds (notifications sends from the
    stream, a while after the facts); after `limit` seconds, the last count seen."""
    last, since = -1, time.monotonic()
    deadline = since + limit
    while time.monotonic() < deadline:
        count = len(mails(maildir))
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
        time.sleep(0.2)
    return last
