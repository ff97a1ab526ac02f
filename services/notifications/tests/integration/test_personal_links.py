"""With the console's key and address, a candidate's convocation and reminders carry their personal link:
one the console's key verifies, for that candidate, valid until a week after the day; the same link in every
message about that interview whatever the clock reads when it goes; none in a recruiter's mail."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from jobdating.notifications.domain.gsm7 import measure
from jobdating.runtime.candidate_links import verify

from .conftest import Instance, Mailbox, Registration, Upstream, paris, person, plain_text, sms_lines

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
KEY = b"the console's key, at least thirty-two bytes long"
CONSOLE = "https://console.jobdating.example"
TOKEN = re.compile(re.escape(CONSOLE) + r"/c/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?)")


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    key = tmp_path / "console-secret"
    key.write_bytes(KEY + b"\n")  # as `jobdating up` writes it: the line's end is no part of the key
    return {"candidate_link_key_file": key, "console_url": CONSOLE + "/"}


@pytest.mark.usefixtures("recruiting")
async def test_a_candidates_convocation_and_reminders_carry_the_same_personal_link(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    candidate_id = person(registration, upstream, 1)
    upstream.assign("slot-1", candidate_id, paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    instance.clock.set(paris(DAY - timedelta(days=2), 10))
    await instance.send()
    instance.clock.set(paris(DAY, 7))
    await instance.send()

    mails = [m for m in mailbox.messages() if m["To"] == "personne1@example.org"]
    kinds = sorted(m["X-Jobdating-Kind"] for m in mails)
    assert kinds == ["convocation", "reminder_morning", "reminder_two_days"]
    texts = [t["text"] for t in sms_lines(instance.service.settings.sms_sink)]
    assert len(texts) == 3
    tokens = {token for text in [plain_text(m) for m in mails] + texts for token in TOKEN.findall(text)}
    assert len(tokens) == 1  # one link, in every message, on both channels, whenever sent
    link = verify(KEY, tokens.pop(), paris(DAY, 7))
    assert link.candidate_id == candidate_id
    # Midnight after the day, plus seven days: it still opens a week later, not after.
    assert link.expires == int(paris(DAY + timedelta(days=8), 0).timestamp())
    convocation = plain_text(next(m for m in mails if m["X-Jobdating-Kind"] == "convocation"))
    assert "Vos entretiens, l'adresse et votre réponse (je viens, je ne peux pas venir) :\r\n" in convocation
    for text in texts:  # with the link, still GSM-7 in two parts at most
        assert measure(text).encoding == "gsm7", text
        assert measure(text).parts <= 2, text
    # The recruiter's agenda holds no candidate's link.
    recruiter = [m for m in mailbox.messages() if m["To"] == "recrutement@logistique.example"]
    assert recruiter
    assert all("/c/" not in plain_text(m) for m in recruiter)
