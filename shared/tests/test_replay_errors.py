"""A replay whose projection fails raises the failure instead of waiting forever, and leaves no consumer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent, encode_envelope
from jobdating.contracts.subjects import STREAM_NAME, event_subject
from jobdating.testing.events import envelope, site_opened

pytestmark = pytest.mark.nats


class ProjectionBroke(Exception):
    pass


async def publish(js: JetStreamContext, site_id: str) -> None:
    env = envelope(site_opened(site_id), site_id, 1, service="sites")
    subject = event_subject(env.org, "sites", env.stream_type, env.event_type, env.stream_id)
    await js.publish(subject, encode_envelope(env), stream=STREAM_NAME, headers={"Nats-Msg-Id": env.event_id})


async def test_an_error_in_the_batch_callback_ends_the_replay_and_is_raised(
    nc: Client, js: JetStreamContext
) -> None:
    for n in range(5):
        await publish(js, f"s{n}")
    consumers_before = (await js.stream_info(STREAM_NAME)).state.consumer_count
    subscriptions_before = set(nc._subs)
    batches: list[int] = []

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        batches.append(len(events))
        raise ProjectionBroke("the projection could not take the batch")

    with pytest.raises(ProjectionBroke):
        await asyncio.wait_for(replay_stream(js, apply_batch, batch=2), timeout=10)
    assert batches == [2]  # no batch after the failing one
    assert set(nc._subs) == subscriptions_before  # the push subscription is gone
    # The server drops an ephemeral consumer a few seconds after its last subscriber leaves.
    for _ in range(150):
        if (await js.stream_info(STREAM_NAME)).state.consumer_count == consumers_before:
            break
        await asyncio.sleep(0.1)
    assert (await js.stream_info(STREAM_NAME)).state.consumer_count == consumers_before
