"""The HTTP voice adapter against a stand-in provider on a real socket (no voice provider runs on a build
machine: the one fake the design allows): same idempotency key, same call; refusals sorted like an SMS's."""

from __future__ import annotations

from jobdating.bus.server import free_port
from jobdating.notifications.adapters.voice import ProviderVoiceChannel, http_voice_provider
from jobdating.notifications.application.ports import Rejected, VoiceCall
from jobdating.testing.sms_provider import provider_server

from .test_sms_provider import once_per_key


async def test_a_call_is_placed_once_per_key_with_its_text_in_french() -> None:
    call = VoiceCall(to="+33320456789", text="Bonjour. Ici le job dating.", idempotency_key="n-1")
    said = {"to": "+33320456789", "text": "Bonjour. Ici le job dating.", "language": "fr-FR"}
    with provider_server(path="/calls") as (url, handler):
        channel = ProviderVoiceChannel(http_voice_provider(url, token="voice-token"))
        await once_per_key(lambda: channel.call(call), handler, "voice-token", said, "voice")


async def test_an_unreachable_voice_provider_is_a_temporary_failure() -> None:
    channel = ProviderVoiceChannel(http_voice_provider(f"http://127.0.0.1:{free_port()}/calls", None, 1))
    call = VoiceCall(to="+33320456789", text="Bonjour.", idempotency_key="n-1")
    assert await channel.call(call) == Rejected("voice_provider_unreachable", temporary=True)
