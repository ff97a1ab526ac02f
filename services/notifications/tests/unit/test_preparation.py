"""The preparation pathway's messages, given / when / then: a convocation now and a reminder the day before,
once per triggering event; nothing for a seat given back or a session called off, except the notice."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jobdating.notifications.domain import preparation
from jobdating.notifications.domain.preparation import Meeting

PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # Monday 14:00 in Paris
THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_a_seat_is_convened_now_and_reminded_the_day_before_at_ten_on_both_channels() -> None:
    planned = preparation.on_booked("workshop", "ws-1", "jd-1", "cand-1", STARTS, "ev-1", THURSDAY, PARIS)
    assert [(m.kind, m.channel, m.due_at.astimezone(PARIS).strftime("%a %H:%M")) for m in planned] == [
        ("workshop_convocation", "sms", "Thu 10:00"),
        ("workshop_convocation", "email", "Thu 10:00"),
        ("workshop_reminder", "sms", "Sun 10:00"),
        ("workshop_reminder", "email", "Sun 10:00"),
    ]
    # Planned again from the same event: the same messages (same ids), so they are recorded once.
    again = preparation.on_booked("workshop", "ws-1", "jd-1", "cand-1", STARTS, "ev-1", THURSDAY, PARIS)
    assert [m.notification_id for m in again] == [m.notification_id for m in planned]


def test_a_meeting_booked_the_day_before_gets_no_reminder_on_top_of_its_convocation() -> None:
    late = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    planned = preparation.on_booked("counselling", "ci-1", "jd-1", "cand-1", STARTS, "ev-2", late, PARIS)
    assert {m.kind for m in planned} == {"counselling_convocation"}


def test_a_due_message_is_dropped_for_a_seat_given_back_a_session_called_off_or_a_time_past() -> None:
    seated = Meeting(starts_at=STARTS, cancelled=False, holds_seat=True)
    assert preparation.stale("workshop_reminder", seated, THURSDAY) is None
    gone = Meeting(starts_at=STARTS, cancelled=False, holds_seat=False)
    assert preparation.stale("workshop_reminder", gone, THURSDAY) == "unenrolled"
    off = Meeting(starts_at=STARTS, cancelled=True, holds_seat=True)
    assert preparation.stale("workshop_convocation", off, THURSDAY) == "cancelled"
    assert preparation.stale("workshop_cancelled", off, THURSDAY) is None
    assert preparation.stale("workshop_reminder", seated, STARTS) == "expired"
