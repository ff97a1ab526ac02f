"""Settings of one registration instance, from the environment (prefix JOBDATING_REGISTRATION_)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from jobdating.registration.application.retention_policy import (
    DEFAULT_MONTHS,
    RetentionPolicy,
    check_months,
    parse_by_org,
)
from jobdating.runtime.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    """The common settings; each partner organisation runs its own instance, so `org` has no default."""

    model_config = SettingsConfigDict(env_prefix="JOBDATING_REGISTRATION_", env_file=None)
    # A partner's own instance names its sites consumer; the coordinator's keeps the default.
    defaults_kept: ClassVar[frozenset[str]] = frozenset({"sites_consumer"})

    org: str
    store_url: str = "sqlite:///.data/registration.db"
    port: int = 8001
    tokens_file: Path | None = Path(".data/tokens.json")
    # The durable consumer of site events: each partner organisation's own instance has its own
    # (`registration-sites-<org>`, created by `jobdating provision --registration-org <org>`).
    sites_consumer: str = "registration-sites"
    # Candidates' personal data is erased this many months after their last job dating, or after the
    # months given for their referring organisation in `retention_by_org` ("org=months,org2=months");
    # see docs/privacy.md. A wrong value stops the service: nobody chose to keep data for some other time.
    retention_months: int = DEFAULT_MONTHS
    retention_by_org: str = ""
    # The console's key for candidates' personal links (a file): with it, a candidate answers from their
    # link (`POST /candidate-answers`); without it, such answers are refused.
    candidate_link_key_file: Path | None = None
    # The federation key (a file) every partner's instance holds: with it, this instance publishes its
    # candidates' blind index (keyed digests of phone and e-mail) and flags the same person registered at
    # another partner; without it, it does neither. See docs/privacy.md.
    federation_key_file: Path | None = None

    @field_validator("retention_months")
    @classmethod
    def _retention_months(cls, value: int) -> int:
        return check_months(value)

    @field_validator("retention_by_org")
    @classmethod
    def _retention_by_org(cls, value: str) -> str:
        parse_by_org(value)
        return value

    def retention_policy(self) -> RetentionPolicy:
        """The months of retention of each referring organisation."""
        return RetentionPolicy(default=self.retention_months, by_org=parse_by_org(self.retention_by_org))

    def candidate_link_key(self) -> bytes | None:
        """The key of candidates' links, read from its file."""
        if self.candidate_link_key_file is None:
            return None
        return self.candidate_link_key_file.read_bytes().strip()

    def federation_key(self) -> bytes | None:
        """The federation key of the blind index, read from its file."""
        if self.federation_key_file is None:
            return None
        return self.federation_key_file.read_bytes().strip()
