"""The HTTP voice adapter against a stand-in provider on a real socket (no voice provider runs on a build
machine: the one fake the design allows): same idempotency key, same call; refusals sorted like an SMS's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobdating.bus.server import free_port
from jobdating.notifications.adapters.voice import ProviderVoiceChannel, http_voice_provider
from jobdating.notifications.application.ports import Accepted, Rejected, VoiceCall
from jobdating.testing.sms_provider import Provider, provider_server


@pytest.fixture
def provider() -> Iterator[tuple[str, type[Provider]]]:
    with provider_server(path="/calls") as running:
        yield running


async def test_a_call_is_placed_once_per_key_with_its_text_in_french(
    provider: tuple[str, type[Provider]],
) -> None:
    url, handler = provider
    channel = ProviderVoiceChannel(http_voice_provider(url, token="voice-token"))
    call = VoiceCall(to="+33320456789", text="Bonjour. Ici le job dating.", idempotency_key="n-1")
    first, again = await channel.call(call), await channel.call(call)
    assert first == again == Accepted("prov-1")
    assert handler.received[0]["auth"] == "Bearer voice-token"
    assert handler.received[0]["key"] == "n-1"
    assert handler.received[0]["body"] == {
        "to": "+33320456789",
        "text": "Bonjour. Ici le job dating.",
        "language": "fr-FR",
    }
    handler.status = 503
    assert await channel.call(call) == Rejected("voice_provider_503", temporary=True)
    handler.status = 400
    assert await channel.call(call) == Rejected("voice_provider_400", temporary=False)


async def test_an_unreachable_voice_provider_is_a_temporary_failure() -> None:
    channel = ProviderVoiceChannel(http_voice_provider(f"http://127.0.0.1:{free_port()}/calls", None, 1))
    call = VoiceCall(to="+33320456789", text="Bonjour.", idempotency_key="n-1")
    assert await channel.call(call) == Rejected("voice_provider_unreachable", temporary=True)
