"""Settings of the scheduling instance, from `JOBDATING_SCHEDULING_*` environment variables (or `.env`)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    """The common settings, and how this instance plans and where its video links point."""

    model_config = SettingsConfigDict(env_prefix="JOBDATING_SCHEDULING_")
    defaults_kept: ClassVar[frozenset[str]] = frozenset(
        {"solver_engine", "solver_time_limit", "solver_threads", "repair_lead_minutes"}
    )

    store_url: str = "sqlite:///.data/scheduling.db"
    port: int = 8003
    # Each interview's video link is this base followed by an unguessable token of its own.
    video_base_url: str = "https://visio.jobdating.example/entretien"
    # One engine per process (HiGHS and OR-Tools cannot both be loaded); "greedy" is always available.
    solver_engine: Literal["highs", "cpsat"] = "highs"
    solver_time_limit: float = 10.0
    solver_threads: int = 1
    # A moved interview starts at least this many minutes after the repair (0: the same time on another
    # computer is always allowed).
    repair_lead_minutes: int = 0

    @field_validator("video_base_url")
    @classmethod
    def _video_base_is_a_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("video_base_url must be an http(s) URL")
        return value.rstrip("/")
