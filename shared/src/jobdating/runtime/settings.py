"""The settings every service instance has; each service adds its own fields and its env prefix."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobdating.runtime.access_tokens import AccessTokenVerifier
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.clock import Clock, clock_from_settings
from jobdating.runtime.mail import SmtpServer


class ServiceSettings(BaseSettings):
    """Which org an instance publishes for, where its store and NATS are, where it listens, its clock.

    A service subclasses it with its own fields, its `store_url` and `port` defaults and its prefix:
    `model_config = SettingsConfigDict(env_prefix="JOBDATING_SITES_")` reads `JOBDATING_SITES_ORG`, ...
    (pydantic merges the subclass's config over this one).
    """

    # Empty variables count as unset: compose passes `${VAR:-}` for optional settings.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    # Settings an operator keeps at their default (tuning, or what this service does not use). Every other
    # field is wired through docker-compose.yml and .env.example (or the service image): a test reads them.
    defaults_kept: ClassVar[frozenset[str]] = frozenset()

    org: str = "departement-nord"
    store_url: str
    nats_url: str = "nats://127.0.0.1:4222"
    host: str = "127.0.0.1"
    port: int
    tokens_file: Path | None = None
    # The identity service whose access tokens (people's, signed EdDSA) this instance accepts besides the
    # machine tokens of `tokens_file`; unset: machine tokens only. Its keys and revocation list are fetched
    # from this address; tokens must name `identity_issuer` (default: this address) as their `iss`.
    identity_url: str | None = None
    identity_issuer: str | None = None
    # How often (seconds) the list of disabled accounts is refreshed: a disabled account's tokens stop
    # working within this delay.
    identity_revocations_every: float = 30.0
    log_level: str = "INFO"
    # Wall-clock times people type (opening hours, windows, arrivals) are read in this zone; events carry
    # UTC instants.
    timezone: str = "Europe/Paris"
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

    @classmethod
    def env_prefix(cls) -> str:
        """The prefix of this service's variables (`JOBDATING_SITES_`)."""
        return str(cls.model_config.get("env_prefix", ""))

    @property
    def log_level_number(self) -> int:
        """The logging level as the standard library's number (INFO -> 20)."""
        level = logging.getLevelName(self.log_level.upper())
        return level if isinstance(level, int) else logging.INFO

    def clock(self) -> Clock:
        """The wall clock, or the demo's sped-up one."""
        return clock_from_settings(self.clock_start, self.clock_speed, self.clock_origin)

    def token_table(self) -> TokenTable:
        """The callers this instance accepts: the machine tokens of `tokens_file` (re-read when it changes)
        and, with `identity_url`, identity's access tokens (a service with neither refuses to wire)."""
        access_tokens = self.access_token_verifier()
        if self.tokens_file is None:
            if access_tokens is None:
                raise ValueError(
                    f"no tokens file: set {self.env_prefix()}TOKENS_FILE (or {self.env_prefix()}IDENTITY_URL)"
                )
            return TokenTable({}, access_tokens)
        return TokenTable.from_file(self.tokens_file, access_tokens)

    def access_token_verifier(self) -> AccessTokenVerifier | None:
        """The verifier of identity's access tokens, or None when no identity service is configured."""
        if self.identity_url is None:
            return None
        return AccessTokenVerifier(
            self.identity_url,
            issuer=self.identity_issuer,
            revocations_every=self.identity_revocations_every,
        )


class MailingSettings(ServiceSettings):
    """The common settings plus the mail relay, for a service that sends e-mail; each such service keeps
    its own `mail_from`."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password_file: Path | None = None
    smtp_timeout: float = 10.0

    defaults_kept: ClassVar[frozenset[str]] = frozenset({"smtp_timeout"})

    def smtp_password(self) -> str | None:
        """The SMTP password, read from its file (secrets stay out of the environment)."""
        if self.smtp_password_file is None:
            return None
        return self.smtp_password_file.read_text().strip()

    def smtp_server(self) -> SmtpServer:
        """The mail relay these settings name, with its STARTTLS and login."""
        return SmtpServer(
            self.smtp_host,
            self.smtp_port,
            timeout=self.smtp_timeout,
            starttls=self.smtp_starttls,
            username=self.smtp_username,
            password=self.smtp_password(),
        )
