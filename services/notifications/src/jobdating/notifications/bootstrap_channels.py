"""The channels the settings name, for the composition root (`bootstrap`): the SMS and voice providers or
the embedded sinks that stand for them, and the copies of each message kept on this machine."""

from __future__ import annotations

from concurrent.futures import Executor

from jobdating.notifications.adapters import http_receipts
from jobdating.notifications.adapters.bounces import MaildirBounces
from jobdating.notifications.adapters.customization import Wording
from jobdating.notifications.adapters.maildir import MaildirCopies
from jobdating.notifications.adapters.sms import (
    FileSmsSink,
    HttpSmsProvider,
    ProviderSmsChannel,
    SmsProviderClient,
)
from jobdating.notifications.adapters.sms_sink_reports import SinkReports
from jobdating.notifications.adapters.voice import ProviderVoiceChannel, file_voice_sink, http_voice_provider
from jobdating.notifications.application.ports import SentCopies, SmsChannel, VoiceChannel
from jobdating.notifications.config import NotificationsSettings
from jobdating.runtime.clock import Clock


def sent_copies(settings: NotificationsSettings, clock: Clock) -> list[SentCopies]:
    """The embedded sinks that keep a copy of each message on this machine (none with real providers), and
    the bounce mailbox."""
    copies: list[SentCopies] = []
    if settings.maildir is not None:
        copies.append(MaildirCopies(settings.maildir))
    if not settings.sms_provider_url:
        copies.append(FileSmsSink(settings.sms_sink, clock))
    if not settings.voice_provider_url and settings.voice_sink is not None:
        copies.append(file_voice_sink(settings.voice_sink, clock))
    if settings.bounce_maildir is not None:
        copies.append(MaildirBounces(settings.bounce_maildir))  # DSNs quote the address they bounced from
    return copies


def voice_channel(
    settings: NotificationsSettings, clock: Clock, workers: Executor | None = None
) -> VoiceChannel | None:
    """The landlines' voice calls: the provider, else the embedded sink, else none (landline_no_voice)."""
    if settings.voice_provider_url:
        token_file = settings.voice_provider_token_file
        token = token_file.read_text().strip() if token_file else None
        return ProviderVoiceChannel(http_voice_provider(settings.voice_provider_url, token), workers)
    if settings.voice_sink is not None:
        return ProviderVoiceChannel(file_voice_sink(settings.voice_sink, clock), workers)
    return None


def sms_channel(
    settings: NotificationsSettings, wording: Wording, clock: Clock, workers: Executor | None = None
) -> SmsChannel:
    """The SMS: the provider, else the embedded sink (reporting to this instance's webhook when told to)."""
    sender = wording.sms_sender
    if settings.sms_provider_url:
        token_file = settings.sms_provider_token_file
        token = token_file.read_text().strip() if token_file else None
        provider: SmsProviderClient = HttpSmsProvider(settings.sms_provider_url, token)
    else:
        secret = settings.sms_provider_secret()
        # The embedded run's sink reports deliveries to this instance's webhook, as a provider would.
        reports = None
        if secret is not None and settings.sms_sink_reports:
            reports = SinkReports(settings.own_url() + http_receipts.PATH, secret, clock)
        provider = FileSmsSink(settings.sms_sink, clock, reports)
    return ProviderSmsChannel(provider, sender, workers=workers)
