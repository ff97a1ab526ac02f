"""A candidate's personal link: the console's key verifies it for that candidate; its expiry is the end of
the interview's day plus a week, whatever the clock reads; no link without the console's key and address."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.config import NotificationsSettings
from jobdating.notifications.domain.gsm7 import SmsSize, measure
from jobdating.notifications.domain.personal_links import PersonalLinks, expiry
from jobdating.runtime.candidate_links import BadLink, verify

from .test_templates import context

PARIS = ZoneInfo("Europe/Paris")
KEY = b"the console's key, at least thirty-two bytes long"
LINKS = PersonalLinks(KEY, "https://console.example/")


def test_the_link_opens_the_candidates_page_until_a_week_after_the_interviews_day() -> None:
    interview = datetime(2026, 12, 3, 16, 45, tzinfo=PARIS)
    url = LINKS.link("cand-7", interview, PARIS)
    assert url.startswith("https://console.example/c/")
    token = url.removeprefix("https://console.example/c/")
    assert verify(KEY, token, datetime(2026, 12, 10, 23, 59, tzinfo=PARIS)).candidate_id == "cand-7"
    with pytest.raises(BadLink):
        verify(KEY, token, datetime(2026, 12, 11, 0, 0, tzinfo=PARIS))


def test_the_same_interview_day_makes_the_same_link_byte_for_byte() -> None:
    morning = LINKS.link("cand-7", datetime(2026, 12, 3, 8, 30, tzinfo=PARIS), PARIS)
    assert LINKS.link("cand-7", datetime(2026, 12, 3, 8, 30, tzinfo=PARIS), PARIS) == morning
    # Another interview that day, given in UTC: the same day in Paris, the same link.
    assert LINKS.link("cand-7", datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("UTC")), PARIS) == morning
    assert LINKS.link("cand-8", datetime(2026, 12, 3, 8, 30, tzinfo=PARIS), PARIS) != morning


def test_the_day_is_the_job_datings_own_across_a_change_of_hour() -> None:
    # 23:30 UTC on 28 March is already 29 March in Paris, the night the clocks go forward.
    late = datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert expiry(late, PARIS, timedelta(0)) == int(datetime(2026, 3, 30, tzinfo=PARIS).timestamp())


def test_without_the_consoles_key_and_address_messages_carry_no_link(tmp_path: Path) -> None:
    key = tmp_path / "console-secret"
    key.write_bytes(KEY + b"\n")
    assert NotificationsSettings().personal_links() is None
    assert NotificationsSettings(candidate_link_key_file=key).personal_links() is None
    assert NotificationsSettings(console_url="https://console.example").personal_links() is None
    both = NotificationsSettings(candidate_link_key_file=key, console_url="https://console.example")
    assert both.personal_links() == PersonalLinks(KEY, "https://console.example")


@pytest.mark.parametrize("kind", ["convocation", "slot_moved", "reminder_two_days", "reminder_morning"])
def test_the_link_is_on_its_own_and_the_sms_fits_two_parts(kind: str) -> None:
    url = LINKS.link("cand-7", datetime(2026, 12, 3, 9, 30, tzinfo=PARIS), PARIS)
    renderer = JinjaRenderer()
    mail = renderer.render(kind, "email", context(link=url)).text
    assert f"\n{url}\n" in mail
    assert "/c/" not in renderer.render(kind, "email", context()).text
    sms = renderer.render(kind, "sms", context(link=url)).text
    assert sms.endswith(f"Vos entretiens : {url}")
    assert measure(sms) == SmsSize("gsm7", len(sms), 2)
