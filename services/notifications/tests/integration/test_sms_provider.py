"""The HTTP SMS adapter against a stand-in provider on a real socket (no SMS provider runs on a build
machine: this is the one fake the design allows), and the file sink's promise about idempotency keys."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jobdating.bus.server import free_port
from jobdating.notifications.adapters.sms import FileSmsSink, HttpSmsProvider, ProviderSmsChannel
from jobdating.notifications.application.ports import Accepted, Rejected, SendResult, Sms
from jobdating.testing.sms_provider import Provider, provider_server


@pytest.fixture
def provider() -> Iterator[tuple[str, type[Provider]]]:
    with provider_server() as running:
        yield running


async def once_per_key(
    send: Callable[[], Awaitable[SendResult]],
    handler: type[Provider],
    token: str,
    body: dict[str, Any],
    channel: str,
) -> None:
    """`send` (key n-1) twice is one message, `body` with the bearer `token`; then a 503 is a temporary
    refusal, a 400 a final one, both named after the `channel`'s provider."""
    first, again = await send(), await send()
    assert first == again == Accepted("prov-1")
    assert [r["key"] for r in handler.received] == ["n-1", "n-1"]
    assert handler.received[0]["auth"] == f"Bearer {token}"
    assert handler.received[0]["body"] == body
    handler.status = 503
    assert await send() == Rejected(f"{channel}_provider_503", temporary=True)
    handler.status = 400
    assert await send() == Rejected(f"{channel}_provider_400", temporary=False)


async def test_a_resend_with_the_same_key_is_the_same_message_and_refusals_are_sorted(
    provider: tuple[str, type[Provider]],
) -> None:
    url, handler = provider
    channel = ProviderSmsChannel(HttpSmsProvider(url, token="secret-token"))
    sms = Sms(to="+33639980001", text="Bonjour", idempotency_key="n-1")
    sent = {"to": "+33639980001", "text": "Bonjour"}
    await once_per_key(lambda: channel.send(sms), handler, "secret-token", sent, "sms")


async def test_an_unreachable_provider_is_a_temporary_failure() -> None:
    channel = ProviderSmsChannel(
        HttpSmsProvider(f"http://127.0.0.1:{free_port()}/sms", token=None, timeout=1)
    )
    sms = Sms(to="+33639980001", text="Bonjour", idempotency_key="n-1")
    assert await channel.send(sms) == Rejected("sms_provider_unreachable", temporary=True)


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_file_sink_keeps_one_line_per_key_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    first = FileSmsSink(path, Clock()).submit("+33639980001", "Bonjour", "n-1")
    # A new process (after a crash) resends the same message: the sink answers with the first one.
    again = FileSmsSink(path, Clock()).submit("+33639980001", "Bonjour", "n-1")
    other = FileSmsSink(path, Clock()).submit("+33639980002", "Bonjour", "n-2")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert first == again != other
    assert [line["idempotency_key"] for line in lines] == ["n-1", "n-2"]


async def test_the_organisations_sender_name_goes_to_the_provider(
    provider: tuple[str, type[Provider]],
) -> None:
    url, handler = provider
    channel = ProviderSmsChannel(HttpSmsProvider(url, token=None), sender="Dept Nord")
    sms = Sms(to="+33639980001", text="Bonjour", idempotency_key="n-2")
    assert await channel.send(sms) == Accepted("prov-1")
    assert handler.received[0]["body"] == {"to": "+33639980001", "text": "Bonjour", "sender": "Dept Nord"}
