"""Settings of the scheduling instance, from `JOBDATING_SCHEDULING_*` environment variables (or `.env`)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SchedulingSettings(BaseSettings):
    """Which org this instance publishes for, where its store and NATS are, where it listens, how it plans."""

    # Empty variables count as unset: compose passes `${VAR:-}` for optional settings.
    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_SCHEDULING_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    org: str = "departement-nord"
    store_url: str = "sqlite:///.data/scheduling.db"
    nats_url: str = "nats://127.0.0.1:4222"
    host: str = "127.0.0.1"
    port: int = 8003
    tokens_file: Path | None = None
    # Wall-clock times people type (windows, arrivals) are read in this zone; events carry UTC instants.
    timezone: str = "Europe/Paris"
    # Each interview's video link is this base followed by an unguessable token of its own.
    video_base_url: str = "https://visio.jobdating.example/entretien"
    # One engine per process (HiGHS and OR-Tools cannot both be loaded); "greedy" is always available.
    solver_engine: Literal["highs", "cpsat"] = "highs"
    solver_time_limit: float = 10.0
    solver_threads: int = 1
    # A moved interview starts at least this many minutes after the repair (0: the same time on another
    # computer is always allowed).
    repair_lead_minutes: int = 0
    # The demo's sped-up day: the service's clock starts at `clock_start` and runs `clock_speed` times faster.
    clock_start: datetime | None = None
    clock_speed: float = 1.0
    # The wall-clock instant (Unix seconds) at which the demo clock read `clock_start`: shared by every
    # service of a demo so that they agree on the time, also across restarts.
    clock_origin: float | None = None

    @field_validator("org")
    @classmethod
    def _org_is_a_subject_token(cls, value: str) -> str:
        # The org is the second token of every subject this instance publishes.
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError("org must hold only letters, digits, - and _")
        return value

    @field_validator("video_base_url")
    @classmethod
    def _video_base_is_a_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("video_base_url must be an http(s) URL")
        return value.rstrip("/")
