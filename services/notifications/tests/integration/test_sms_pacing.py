"""A convocation wave through a provider that refuses (429) what comes faster than its contract: with the
rate set (`sms_rate_per_second`), the sender keeps under it and no SMS is refused; without it, the same wave
meets refusals (what the setting is for)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from jobdating.testing.sms_provider import Provider, provider_server

from .conftest import Instance, Registration, Upstream, paris, person

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
WAVE = 24
RATE = 12.0


@pytest.fixture(params=[None, RATE], ids=["unpaced", "paced"])
def provider(request: pytest.FixtureRequest) -> Iterator[tuple[str, type[Provider], float | None]]:
    # The provider allows RATE a second with a margin of 4 at once (network jitter); the sender's own
    # burst is one.
    with provider_server(rate=RATE, capacity=4) as (url, handler):
        yield url, handler, request.param


@pytest.fixture
def setting_changes(provider: tuple[str, type[Provider], float | None]) -> dict[str, Any]:
    url, _, rate = provider
    return {"sms_provider_url": url, "sms_rate_per_second": rate}


async def test_the_sender_keeps_under_the_providers_rate(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    provider: tuple[str, type[Provider], float | None],
    recruiting: None,
) -> None:
    _, handler, rate = provider
    for i in range(WAVE):
        upstream.assign(f"slot-{i}", person(registration, upstream, i), paris(DAY, 9, 2 * i))
    await instance.caught_up(upstream)
    await instance.send()

    if rate is None:
        assert handler.limited > 0  # 16 at once meet the provider's limit
    else:
        assert handler.limited == 0
        assert len(handler.sent) == WAVE
        assert instance.statuses("convocation") == {"sent": 2 * WAVE}  # the e-mails too
