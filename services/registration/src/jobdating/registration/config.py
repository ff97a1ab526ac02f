"""Settings of one registration instance, from the environment (prefix JOBDATING_REGISTRATION_)."""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a registration instance; each partner organisation runs its own."""

    # Empty variables count as unset: compose passes `${VAR:-}` for optional settings.
    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_REGISTRATION_", env_file=None, env_ignore_empty=True
    )

    org: str
    store_url: str = "sqlite:///.data/registration.db"
    nats_url: str = "nats://127.0.0.1:4222"
    host: str = "127.0.0.1"
    port: int = 8001
    tokens_file: str = ".data/tokens.json"
    log_level: str = "INFO"
    # The durable consumer of site events: each partner organisation's own instance has its own
    # (`registration-sites-<org>`, created by `jobdating provision --registration-org <org>`).
    sites_consumer: str = "registration-sites"
    # The demo's sped-up day, shared with the other services (see jobdating.runtime.clock).
    clock_start: datetime | None = None
    clock_speed: float = 1.0
    clock_origin: float | None = None

    @property
    def log_level_number(self) -> int:
        """The logging level as the standard library's number (INFO -> 20)."""
        level = logging.getLevelName(self.log_level.upper())
        return level if isinstance(level, int) else logging.INFO
