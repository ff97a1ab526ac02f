"""The console in the embedded stack: its files (the key of candidates' links, its own reading token) and
its environment (where the services answer)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

SECRET_FILE = "console-secret"  # noqa: S105 - a file name
READER_TOKEN_FILE = "console-token"  # noqa: S105 - a file name


def console_files(data_dir: Path, tokens: Mapping[str, Mapping[str, str]]) -> None:
    """The key of the candidates' links (kept: links stay valid across restarts) and the console's own
    reading token (the organisation's `viewer`), each readable by the operator only."""
    secret = data_dir / SECRET_FILE
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(48) + "\n")
        secret.chmod(0o600)
    reader = data_dir / READER_TOKEN_FILE
    viewer = [token for token, who in tokens.items() if who["role"] == "viewer"]
    if viewer and not reader.exists():
        reader.write_text(viewer[0] + "\n")
        reader.chmod(0o600)


def console_env(data_dir: Path, url: Callable[[str], str], nats_url: str = "") -> dict[str, str]:
    """The console calls the services at their addresses; plain HTTP here, so no Secure cookie. It reads
    the stream (the live day's updates) at `nats_url`."""
    return {
        "JOBDATING_CONSOLE_NATS_URL": nats_url,
        "JOBDATING_CONSOLE_IDENTITY_URL": url("identity"),
        "JOBDATING_CONSOLE_REGISTRATION_URL": url("registration"),
        "JOBDATING_CONSOLE_SITES_URL": url("sites"),
        "JOBDATING_CONSOLE_SCHEDULING_URL": url("scheduling"),
        "JOBDATING_CONSOLE_NOTIFICATIONS_URL": url("notifications"),
        "JOBDATING_CONSOLE_SECRET_FILE": str(data_dir / SECRET_FILE),
        "JOBDATING_CONSOLE_READER_TOKEN_FILE": str(data_dir / READER_TOKEN_FILE),
        "JOBDATING_CONSOLE_PUBLIC_BASE_URL": url("console"),
        "JOBDATING_CONSOLE_SECURE_COOKIE": "false",
    }
