"""An SMS the provider may already hold goes again under its idempotency key, and the provider answers
with the text it took: the message sent again must not tell more than that text did. Real nats-server,
SQLite, the file SMS sink (which keeps one text per key); the line to it drops once, after it took one."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from jobdating.contracts import scheduling as sc
from jobdating.notifications.application.ports import SendResult, Sms, SmsChannel

from .conftest import FakeClock, Instance, Registration, Upstream, paris, person, sms_lines

pytestmark = [pytest.mark.nats, pytest.mark.usefixtures("recruiting")]


@dataclasses.dataclass
class TakenThenLost:
    """The provider takes the first SMS, then the line drops before its answer: nobody knows it went."""

    channel: SmsChannel
    dropped: bool = False

    async def send(self, message: Sms) -> SendResult:
        result = await self.channel.send(message)
        if not self.dropped:
            self.dropped = True
            raise TimeoutError
        return result


async def test_a_convocation_sms_sent_again_under_its_key_does_not_carry_a_seat_planned_since(
    instance: Instance, upstream: Upstream, registration: Registration, clock: FakeClock, tmp_path: Path
) -> None:
    candidate = person(registration, upstream, 0)
    upstream.workshop("ws-1", paris(date(2026, 11, 27), 14))
    upstream.assign("slot-0", candidate, paris(date(2026, 11, 27), 9))
    await instance.caught_up(upstream)
    messenger = instance.sender.sending.messenger
    instance.sender.sending.messenger = dataclasses.replace(messenger, sms=TakenThenLost(messenger.sms))
    await instance.send()
    assert instance.deliveries(kind="convocation", channel="sms")[0][4] == "in_progress"
    [taken] = sms_lines(tmp_path / "sms.jsonl")
    assert "atelier" not in taken["text"].lower()

    # The seat is planned before the convocation's SMS goes again: the provider will answer that with the
    # text above, so the workshop is told on its own.
    upstream.append(
        sc.CandidateEnrolledInWorkshop(workshop_id="ws-1", candidate_id=candidate), "ws-1", "scheduling"
    )
    await instance.caught_up(upstream)
    assert await instance.sender.reconcile() == 1
    await instance.send()
    clock.set(clock.now() + timedelta(seconds=5))  # the seat's message waited for the convocation's
    await instance.send()

    texts = sms_lines(tmp_path / "sms.jsonl")
    assert [("atelier" in t["text"].lower()) for t in texts] == [False, True]
    assert instance.deliveries(kind="convocation", channel="sms")[0][4] == "sent"
    [workshop] = instance.deliveries(kind="workshop_convocation", channel="sms")
    assert (workshop[4], workshop[5]) == ("sent", None)
