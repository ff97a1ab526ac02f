"""Settings of one notifications instance, from `JOBDATING_NOTIFICATIONS_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.runtime.settings import MailingSettings


class NotificationsSettings(MailingSettings):
    """Where the store, NATS, the SMTP server, the SMS sink or provider and the staff directory are.

    Embedded run: `smtp_host`/`smtp_port` is the local SMTP server (`jobdating-notifications smtp-sink`)
    writing `maildir`, which reconciliation reads; in production set `maildir` to nothing when the mail
    relay's mailbox cannot be read (an uncertain send then fails visibly instead of being resent).
    SMS go to `sms_provider_url` when set (bearer token in `sms_provider_token_file`), else to `sms_sink`.
    With `candidate_link_key_file` (the console's key) and `console_url` (its public address), a
    candidate's convocations and reminders carry their personal link; without either, they don't.
    `change_delay_seconds`: how long a candidate's change notice (an interview given outside a plan, moved,
    cancelled) waits for the changes that come with it, so that they arrive as one message.
    """

    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_NOTIFICATIONS_",
        # `JOBDATING_NOTIFICATIONS_MAILDIR=none`: a real mail relay, no Maildir to reconcile with.
        env_parse_none_str="none",
    )

    store_url: str = "sqlite:///.data/notifications.db"
    port: int = 8004
    mail_from: str = "job-dating@departement-nord.example"
    # Scheduling's `video_base_url`: a slot whose video link is not under it is never sent (forged).
    video_base_url: str = "https://visio.jobdating.example/entretien"
    maildir: Path | None = Path(".data/maildir")
    sms_sink: Path = Path(".data/sms.jsonl")
    sms_provider_url: str | None = None
    sms_provider_token_file: Path | None = None
    staff_file: Path | None = None
    retry_delays: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0, 7200.0)
    concurrency: int = 16
    tick_seconds: float = 0.2
    contact_timeout: float = 2.0
    change_delay_seconds: float = 120.0
    candidate_link_key_file: Path | None = None
    console_url: str | None = None

    def personal_links(self) -> PersonalLinks | None:
        """What makes candidates' links, when both the console's key and its address are set."""
        if self.candidate_link_key_file is None or not self.console_url:
            return None
        return PersonalLinks(self.candidate_link_key_file.read_bytes().strip(), self.console_url)
