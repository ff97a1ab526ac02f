"""Settings of one registration instance, from the environment (prefix JOBDATING_REGISTRATION_)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    """The common settings; each partner organisation runs its own instance, so `org` has no default."""

    model_config = SettingsConfigDict(env_prefix="JOBDATING_REGISTRATION_", env_file=None)

    org: str
    store_url: str = "sqlite:///.data/registration.db"
    port: int = 8001
    tokens_file: Path | None = Path(".data/tokens.json")
    # The durable consumer of site events: each partner organisation's own instance has its own
    # (`registration-sites-<org>`, created by `jobdating provision --registration-org <org>`).
    sites_consumer: str = "registration-sites"
