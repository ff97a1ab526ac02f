"""A slot whose video link is not the video host's is never sent to anyone: the forged SlotAssigned of the
embedded run (a phishing link) gives a failed notification, not a convocation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from .conftest import Instance, Mailbox, Registration, Upstream, paris, person, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    "link",
    [
        "https://phishing.example/entretien",
        "https://visio.example.phishing.example/slot",
        "http://visio.example/slot-forged",
        "https://visio.example/../elsewhere",
        "https://visio.example/slot?next=https://phishing.example",
    ],
)
async def test_a_forged_slot_with_a_link_off_the_video_host_sends_nothing_and_says_so(
    instance: Instance,
    upstream: Upstream,
    registration: Registration,
    mailbox: Mailbox,
    tmp_path: Path,
    link: str,
) -> None:
    genuine, forged = person(registration, upstream, 0), person(registration, upstream, 1)
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    upstream.assign("slot-genuine", genuine, paris(DAY, 9, 30))
    upstream.assign("slot-forged", forged, paris(DAY, 10), video_link=link)
    await instance.caught_up(upstream)
    await instance.send()

    convocations = mailbox.messages("convocation")
    assert len(convocations) == 1
    assert all(link not in str(message) for message in mailbox.messages())
    assert not any(link in str(line) for line in sms_lines(tmp_path / "sms.jsonl"))
    # Its convocations are failed, naming why (reminders, not due yet, will be refused in turn).
    refused = instance.deliveries(subject_id="slot-forged", kind="convocation")
    assert refused
    assert {(row[4], row[6]) for row in refused} == {("failed", "video_link_untrusted")}
    assert all(row[4] != "sent" for row in instance.deliveries(subject_id="slot-forged"))
    assert {row[4] for row in instance.deliveries(subject_id="slot-genuine", kind="convocation")} == {"sent"}
