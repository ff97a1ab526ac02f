"""A filtered stream replay ends even when the stream's last messages lie outside its filter; a replay
after a sequence reads only the events after it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from nats.js import JetStreamContext

from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent, encode_envelope
from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME, event_subject, service_filter
from jobdating.testing.events import envelope, site_opened

pytestmark = pytest.mark.nats


async def publish(js: JetStreamContext, service: str, site_id: str) -> str:
    env = envelope(site_opened(site_id), site_id, 1, service=service)
    subject = event_subject(env.org, service, env.stream_type, env.event_type, env.stream_id)
    await js.publish(subject, encode_envelope(env), stream=STREAM_NAME, headers={"Nats-Msg-Id": env.event_id})
    return env.event_id


async def replayed(
    js: JetStreamContext, filter_subject: str, upto: int | None = None, after: int = 0
) -> list[str]:
    seen: list[str] = []

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        seen.extend(e.envelope.event_id for e in events)

    count = await asyncio.wait_for(
        replay_stream(js, apply_batch, filter_subject=filter_subject, upto=upto, after=after, batch=2),
        timeout=10,
    )
    assert count == len(seen)
    return seen


async def test_a_filtered_replay_ends_when_the_last_message_is_outside_the_filter(
    js: JetStreamContext,
) -> None:
    ours = [await publish(js, "registration", f"s{n}") for n in range(3)]
    await publish(js, "sites", "other-1")
    await publish(js, "sites", "other-2")
    assert await replayed(js, service_filter("registration")) == ours


async def test_a_filtered_replay_with_nothing_matching_ends_at_once(js: JetStreamContext) -> None:
    await publish(js, "sites", "other-1")
    assert await replayed(js, service_filter("registration")) == []


async def test_a_filtered_replay_stops_at_upto_and_ignores_later_matching_messages(
    js: JetStreamContext,
) -> None:
    first = [await publish(js, "registration", f"s{n}") for n in range(2)]
    await publish(js, "sites", "other-1")  # sequence 3: the bound
    await publish(js, "registration", "late")
    assert await replayed(js, service_filter("registration"), upto=3) == first


async def test_a_replay_after_a_sequence_reads_only_the_later_events(js: JetStreamContext) -> None:
    events = [await publish(js, "sites", f"s{n}") for n in range(4)]
    assert await replayed(js, ALL_EVENTS, after=2) == events[2:]
    assert await replayed(js, ALL_EVENTS, after=4) == []
    assert await replayed(js, ALL_EVENTS, after=1, upto=3) == events[1:3]
