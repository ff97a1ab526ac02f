"""Settings of one sites instance, from `JOBDATING_SITES_*` environment variables (or a `.env` file)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SitesSettings(BaseSettings):
    """Which org this instance publishes for, where its store and NATS are, where it listens."""

    # Empty variables count as unset: compose passes `${VAR:-}` for optional settings.
    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_SITES_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    org: str = "departement-nord"
    store_url: str = "sqlite:///.data/sites.db"
    nats_url: str = "nats://127.0.0.1:4222"
    host: str = "127.0.0.1"
    port: int = 8002
    tokens_file: Path | None = None
    # Opening hours are wall-clock times at the sites; time windows asked with an offset are read in it.
    timezone: str = "Europe/Paris"
    # The demo's sped-up day, shared with scheduling and notifications (see jobdating.runtime.clock).
    clock_start: datetime | None = None
    clock_speed: float = 1.0
    clock_origin: float | None = None

    @field_validator("org")
    @classmethod
    def _org_is_a_subject_token(cls, value: str) -> str:
        # The org is the second token of every subject this instance publishes.
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError("org must hold only letters, digits, - and _")
        return value
