"""Voice calls to landlines: a provider's HTTP API that reads the text aloud, with an idempotency key like
the SMS one; a file sink stands in for it when embedded (`voice.jsonl`: one line per call, the spoken text).

The provider's REST shape is the SMS one (POST {"to", "text", "language"} with `Idempotency-Key`, answers
{"id"}), so both share `adapters.sms`'s client, sink and error mapping; only the names differ.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from jobdating.notifications.adapters.sms import (
    FileSmsSink,
    HttpSmsProvider,
    ProviderSmsChannel,
    SmsProviderClient,
)
from jobdating.notifications.application.ports import SendResult, VoiceCall
from jobdating.runtime.clock import Clock

LANGUAGE = "fr-FR"


def http_voice_provider(url: str, token: str | None, timeout: float = 10.0) -> HttpSmsProvider:
    """The voice provider's client: errors read `voice_provider_<status>`, the text is read in French."""
    return HttpSmsProvider(url, token, timeout, name="voice", extra={"language": LANGUAGE})


def file_voice_sink(path: Path, clock: Clock) -> FileSmsSink:
    """The embedded run's stand-in: each call's spoken text, once per idempotency key (ids `call-...`)."""
    return FileSmsSink(path, clock, prefix="call")


class ProviderVoiceChannel:
    """The `VoiceChannel` port over a provider client, called in a worker thread."""

    def __init__(self, provider: SmsProviderClient, workers: Executor | None = None) -> None:
        self.channel = ProviderSmsChannel(provider, name="voice", workers=workers)

    async def call(self, call: VoiceCall) -> SendResult:
        return await self.channel.submit(call.to, call.text, call.idempotency_key)
