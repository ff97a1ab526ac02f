"""Settings of one notifications instance, from `JOBDATING_NOTIFICATIONS_*` environment variables."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotificationsSettings(BaseSettings):
    """Where the store, NATS, the SMTP server, the SMS sink or provider and the staff directory are.

    Embedded run: `smtp_host`/`smtp_port` is the local SMTP server (`jobdating-notifications smtp-sink`)
    writing `maildir`, which reconciliation reads; in production set `maildir` to nothing when the mail
    relay's mailbox cannot be read (an uncertain send then fails visibly instead of being resent).
    SMS go to `sms_provider_url` when set (bearer token in `sms_provider_token_file`), else to `sms_sink`.
    """

    # Empty variables count as unset: compose passes `${VAR:-}` for optional settings.
    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_NOTIFICATIONS_",
        env_file=".env",
        extra="ignore",
        env_ignore_empty=True,
        # `JOBDATING_NOTIFICATIONS_MAILDIR=none`: a real mail relay, no Maildir to reconcile with.
        env_parse_none_str="none",
    )

    org: str = "departement-nord"
    store_url: str = "sqlite:///.data/notifications.db"
    nats_url: str = "nats://127.0.0.1:4222"
    host: str = "127.0.0.1"
    port: int = 8004
    tokens_file: Path | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password_file: Path | None = None
    smtp_timeout: float = 10.0
    mail_from: str = "job-dating@departement-nord.example"
    # Scheduling's `video_base_url`: a slot whose video link is not under it is never sent (forged).
    video_base_url: str = "https://visio.jobdating.example/entretien"
    maildir: Path | None = Path(".data/maildir")
    sms_sink: Path = Path(".data/sms.jsonl")
    sms_provider_url: str | None = None
    sms_provider_token_file: Path | None = None
    staff_file: Path | None = None
    timezone: str = "Europe/Paris"
    retry_delays: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0, 7200.0)
    concurrency: int = 16
    tick_seconds: float = 0.2
    contact_timeout: float = 2.0
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
