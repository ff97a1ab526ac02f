"""Settings of one sites instance, from `JOBDATING_SITES_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import ServiceSettings


class SitesSettings(ServiceSettings):
    """The common settings; opening hours are wall-clock times in `timezone`."""

    model_config = SettingsConfigDict(env_prefix="JOBDATING_SITES_")

    store_url: str = "sqlite:///.data/sites.db"
    port: int = 8002
