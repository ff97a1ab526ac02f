"""Settings of one notifications instance, from `JOBDATING_NOTIFICATIONS_*` environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import SettingsConfigDict

from jobdating.notifications.domain.moments import UPDATE_INTERVAL
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.runtime.settings import MailingSettings


class NotificationsSettings(MailingSettings):
    """Where the store, NATS, the SMTP server, the SMS sink or provider and the staff directory are.

    Embedded run: `smtp_host`/`smtp_port` is the local SMTP server (`jobdating-notifications smtp-sink`)
    writing `maildir`, which reconciliation reads; in production set `maildir` to nothing when the mail
    relay's mailbox cannot be read (an uncertain send then fails visibly instead of being resent).
    SMS go to `sms_provider_url` when set (bearer token in `sms_provider_token_file`, at most
    `sms_rate_per_second` a second when set), else to `sms_sink`.
    A message for a landline is read aloud by `voice_provider_url` when set (bearer token in
    `voice_provider_token_file`), else written to `voice_sink`; with neither (`VOICE_SINK=none`, as in
    production without a voice provider) it is skipped with `landline_no_voice`.
    With `candidate_link_key_file` (the console's key) and `console_url` (its public address), a
    candidate's convocations and reminders carry their personal link; without either, they don't.
    `templates_dir` holds an operator's templates (`email/<kind>.j2`, `sms/<kind>.j2`), each replacing the
    packaged one of the same name; `wording_file` the organisations' SMS sender name, e-mail display name,
    signature and logo (`adapters/customization.py`). Both are checked at start.
    `sms_provider_secret_file` holds the secret the SMS provider signs its two webhooks with: candidates'
    replies (OUI / NON) and delivery receipts (with `sms_sink_reports`, the embedded file sink reports to
    it, as a provider would); without it neither is served.
    DSNs are read from `bounce_maildir` every `bounce_poll_seconds`; a message sent `receipt_wait_hours`
    ago without a receipt reads `unknown`.
    `change_delay_seconds`: how long a candidate's change notice (an interview given outside a plan, moved,
    cancelled) waits for the changes that come with it, so that they arrive as one message;
    `recruiter_update_interval_seconds`: how long a company's agenda update waits after its last agenda
    e-mail, so that the changes of that interval arrive as one e-mail (0: each goes at once).
    """

    model_config = SettingsConfigDict(
        env_prefix="JOBDATING_NOTIFICATIONS_",
        # `JOBDATING_NOTIFICATIONS_MAILDIR=none`: a real mail relay, no Maildir to reconcile with.
        env_parse_none_str="none",
    )
    defaults_kept: ClassVar[frozenset[str]] = MailingSettings.defaults_kept | {
        "retry_delays",
        "concurrency",
        "tick_seconds",
        "contact_timeout",
        # Tuning with sound defaults, and the embedded run's stand-in provider (never in compose).
        "sms_reply_tolerance",
        "webhook_tolerance_seconds",
        "counsellor_call_wait",
        "bounce_poll_seconds",
        "sms_sink_reports",
        "render_processes",
        # Retired: refused when given (`_one_provider_one_secret`); compose passes them on for that only.
        "sms_reply_secret_file",
        "sms_webhook_secret_file",
    }

    store_url: str = "sqlite:///.data/notifications.db"
    port: int = 8004
    mail_from: str = "job-dating@departement-nord.example"
    # Scheduling's `video_base_url`: a slot whose video link is not under it is never sent (forged).
    video_base_url: str = "https://visio.jobdating.example/entretien"
    maildir: Path | None = Path(".data/maildir")
    sms_sink: Path = Path(".data/sms.jsonl")
    sms_provider_url: str | None = None
    sms_provider_token_file: Path | None = None
    # The SMS provider's contract rate (messages a second): the sender keeps under it rather than meet
    # 429s; none: as fast as the sender goes (the embedded file sink has no limit).
    # 0 or less would stop every SMS (none: no limit): refused at start, naming the setting.
    sms_rate_per_second: float | None = Field(default=None, gt=0)
    voice_sink: Path | None = Path(".data/voice.jsonl")
    voice_provider_url: str | None = None
    voice_provider_token_file: Path | None = None
    staff_file: Path | None = None
    retry_delays: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0, 7200.0)
    concurrency: int = 16
    # Worker processes that render the messages, off the event loop (`adapters.render_pool`); 0: rendered
    # on the event loop. One takes the rendering (~1 ms of CPU a slot) to another core.
    render_processes: int = Field(default=1, ge=0)
    tick_seconds: float = 0.2
    contact_timeout: float = 2.0
    change_delay_seconds: float = 120.0
    recruiter_update_interval_seconds: float = Field(default=UPDATE_INTERVAL.total_seconds(), ge=0)
    candidate_link_key_file: Path | None = None
    console_url: str | None = None
    templates_dir: Path | None = None
    wording_file: Path | None = None
    # The secret shared with the SMS provider, which signs each call of its webhooks with it: candidates'
    # replies (`POST /sms/replies`) and delivery receipts (`POST /webhooks/sms/delivery-reports`);
    # without it neither is served. Replies signed longer ago than the tolerance are refused.
    sms_provider_secret_file: Path | None = None
    sms_reply_tolerance: float = 300.0
    # The two files this secret was split into before (one provider signs both webhooks with one secret).
    # Refused at start rather than taken as aliases: the provider may still sign one webhook with the
    # other secret, and an alias would then refuse all its calls in silence (no receipts, or no replies).
    sms_reply_secret_file: Path | None = None
    sms_webhook_secret_file: Path | None = None
    # The coordination's number, given in a cancellation when no counsellor is told (else the site's).
    coordinator_phone: str | None = None
    # How long a counsellor's notice waits for the other facts of the same moment (seconds).
    counsellor_call_wait: float = 120.0

    @field_validator("sms_reply_secret_file", "sms_webhook_secret_file")
    @classmethod
    def _one_provider_one_secret(cls, value: Path | None) -> None:
        if value is not None:
            raise PydanticCustomError(
                "setting_retired",
                "réglage retiré : le fournisseur de SMS signe les accusés de réception et les réponses des "
                "candidats avec un seul secret, nommé par JOBDATING_NOTIFICATIONS_SMS_PROVIDER_SECRET_FILE "
                "(SMS_PROVIDER_SECRET_FILE dans le .env de compose) ; donnez-lui ce secret pour les deux",
            )

    def sms_provider_secret(self) -> bytes | None:
        """The secret the SMS provider signs its webhooks with (read at each call: it may be rotated)."""
        if self.sms_provider_secret_file is None:
            return None
        return self.sms_provider_secret_file.read_bytes().strip() or None

    # Embedded run: the file sink reports each SMS's delivery to this instance's webhook (`own_url`).
    sms_sink_reports: bool = False
    webhook_tolerance_seconds: float = 300.0
    bounce_maildir: Path | None = None
    bounce_poll_seconds: float = 30.0
    receipt_wait_hours: float = 4.0

    def receipt_wait(self) -> timedelta:
        return timedelta(hours=self.receipt_wait_hours)

    def own_url(self) -> str:
        """Where this instance's HTTP API is reached from this machine (the embedded sink's reports)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104 - compared, not bound
        return f"http://{host}:{self.port}"

    def personal_links(self) -> PersonalLinks | None:
        """What makes candidates' links, when both the console's key and its address are set."""
        if self.candidate_link_key_file is None or not self.console_url:
            return None
        return PersonalLinks(self.candidate_link_key_file.read_bytes().strip(), self.console_url)
