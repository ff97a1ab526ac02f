"""Settings of the console, from `JOBDATING_CONSOLE_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    """The common settings, plus where the other services answer and the console's own secret.

    The console holds no personal data of its own: every page asks the service that owns the data, with the
    signed-in person's access token, so that the services enforce who sees what. Its store (`store_url`)
    keeps only the sessions, sealed (see `adapters/session_store.py`). The live
    day keeps in memory what the services answered (identifiers and counts), per organisation and roles,
    read again when the stream says it changed.
    `secret_file` holds the key that signs candidates' personal links (a file: secrets stay out of the
    environment); `secure_cookie` is off only for a local `jobdating up` served over plain HTTP.
    """

    model_config = SettingsConfigDict(env_prefix="JOBDATING_CONSOLE_")
    # No machine tokens of its own (people's tokens only); real time, like identity.
    defaults_kept: ClassVar[frozenset[str]] = frozenset(
        {
            "tokens_file",
            "identity_revocations_every",
            "clock_start",
            "clock_speed",
            "clock_origin",
            "session_minutes",
            "candidate_link_days",
            "upstream_timeout",
        }
    )

    # The sessions of the people signed in (its read models live in memory).
    store_url: str = "sqlite:///.data/console.db"
    # The live day's updates: one ordered consumer of the stream per process, reading only; empty: the
    # live page shows the state when loaded (read afresh each time), with no live update.
    nats_url: str = ""
    port: int = 8000
    # Where people open the console (the address in candidates' links).
    public_base_url: str = "http://127.0.0.1:8000"
    identity_url: str | None = "http://127.0.0.1:8005"
    registration_url: str = "http://127.0.0.1:8001"
    sites_url: str = "http://127.0.0.1:8002"
    scheduling_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    secret_file: Path | None = None
    # A bearer token of the console's own (role `viewer`: plans and sites, no personal data) for the pages
    # of candidates, who open a signed link and have no account.
    reader_token_file: Path | None = None
    secure_cookie: bool = True
    # A session ends at the latest with its access token; this bounds an idle session's life as well.
    session_minutes: int = 480
    candidate_link_days: int = 30
    upstream_timeout: float = 10.0

    def secret(self) -> bytes:
        """The signing key of the candidates' links, read from its file."""
        if self.secret_file is None:
            raise ValueError("JOBDATING_CONSOLE_SECRET_FILE is required: the key of the candidates' links")
        key = self.secret_file.read_bytes().strip()
        if len(key) < 32:
            raise ValueError(f"{self.secret_file}: the key must hold at least 32 bytes")
        return key

    def reader_token(self) -> str | None:
        """The console's own reading token, from its file (None: candidates' pages say they are down)."""
        if self.reader_token_file is None or not self.reader_token_file.exists():
            return None
        return self.reader_token_file.read_text().strip() or None
