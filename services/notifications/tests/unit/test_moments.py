"""One message per person per moment, across kinds: the interview message of a moment carries the
preparation messages of the same moment, and a preparation message waits for the interview message that
will carry it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jobdating.notifications.domain import moments
from jobdating.notifications.domain.moments import Pending

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=PARIS)
DELAY = timedelta(minutes=2)


def pending(notification_id: str, kind: str, due_at: datetime, in_progress: bool = False) -> Pending:
    return Pending(notification_id=notification_id, kind=kind, due_at=due_at, in_progress=in_progress)


def test_a_convocation_carries_the_workshop_and_counsellor_news_of_its_moment_only() -> None:
    end = moments.moment_end("news", NOW, DELAY, PARIS)
    others = [
        pending("counselling", "counselling_convocation", NOW + timedelta(minutes=1)),
        pending("workshop", "workshop_convocation", NOW),
        pending("later", "workshop_cancelled", NOW + timedelta(minutes=3)),  # another moment
        pending("reminder", "workshop_reminder", NOW),  # a reminder is not news
        pending("moved", "slot_moved", NOW),  # the digest tells it already
    ]
    assert moments.carried("convocation", others, end) == ("workshop", "counselling")
    # A preparation message carries nothing then: it waits for the interviews' message instead.
    assert moments.carried("workshop_convocation", others, end) == ()
    assert moments.carried("counselling_convocation", others, end) == ()


def test_without_interview_news_the_counsellor_message_carries_the_workshop_one() -> None:
    end = moments.moment_end("news", NOW, DELAY, PARIS)
    workshop = pending("workshop", "workshop_convocation", NOW)
    counselling = pending("counselling", "counselling_convocation", NOW + timedelta(minutes=1))
    assert moments.carried("counselling_convocation", [workshop], end) == ("workshop",)
    # The workshop's, due first, waits for it: which goes does not depend on which was planned first.
    assert moments.waits_until("workshop_convocation", [counselling], NOW, end) == (
        counselling.due_at + timedelta(seconds=1)
    )
    assert moments.carried("workshop_convocation", [counselling], end) == ()
    # Two workshops of one moment: the first to go tells the other.
    other = pending("other", "workshop_convocation", NOW)
    assert moments.carried("workshop_convocation", [other], end) == ("other",)
    assert moments.waits_until("workshop_convocation", [other], NOW, end) is None


def test_the_first_reminder_of_a_day_carries_the_workshop_reminder_due_later_that_day() -> None:
    end = moments.moment_end("reminder", NOW, DELAY, PARIS)
    assert end == datetime(2026, 12, 2, 0, 0, tzinfo=PARIS)
    others = [
        pending("workshop", "workshop_reminder", NOW.replace(hour=10)),
        pending("tomorrow", "counselling_reminder", NOW.replace(hour=10) + timedelta(days=1)),
        pending("convocation", "workshop_convocation", NOW),
    ]
    assert moments.carried("reminder_morning", others, end) == ("workshop",)


def test_a_preparation_message_waits_for_the_interview_message_of_its_moment() -> None:
    end = moments.moment_end("news", NOW, DELAY, PARIS)
    digest = pending("digest", "slot_moved", NOW + timedelta(minutes=1))
    assert moments.waits_until("workshop_convocation", [digest], NOW, end) == digest.due_at + timedelta(
        seconds=1
    )
    # Being sent: it looks again a moment later, when that message has recorded what it carried.
    sending = pending("digest", "convocation", NOW - timedelta(hours=1), in_progress=True)
    assert moments.waits_until("counselling_cancelled", [sending], NOW, end) == NOW + timedelta(seconds=1)
    # Nothing of its moment to come (a later change, a reminder): it goes on its own.
    later = pending("digest", "convocation", NOW + timedelta(minutes=5))
    reminder = pending("reminder", "reminder_morning", NOW)
    assert moments.waits_until("workshop_convocation", [later, reminder], NOW, end) is None
    # An interview message never waits.
    assert moments.waits_until("convocation", [pending("w", "workshop_convocation", NOW)], NOW, end) is None


def test_messages_of_other_kinds_have_no_moment() -> None:
    for kind in ("thank_you", "waitlisted", "counsellor_call", "recruiter_agenda"):
        assert moments.moment_of(kind) is None
    assert moments.carried("thank_you", [pending("w", "workshop_convocation", NOW)], NOW) == ()


def test_a_recruiter_update_goes_at_once_after_a_quiet_interval_else_at_its_end() -> None:
    interval = timedelta(seconds=60)
    phase = moments.update_phase("co-1", interval)
    assert moments.update_due(NOW, None, interval, "co-1") == NOW  # nothing went to the company yet
    assert moments.update_due(NOW, NOW - timedelta(minutes=5), interval, "co-1") == NOW
    ten_ago = NOW - timedelta(seconds=10)
    assert moments.update_due(NOW, ten_ago, interval, "co-1") == NOW + timedelta(seconds=50) + phase
    # The interval and the company's part of the spread have just ended.
    assert moments.update_due(NOW, NOW - interval - phase, interval, "co-1") == NOW
    # Planned later than the interval's end: its own time stands.
    later = NOW + timedelta(minutes=3)
    assert moments.update_due(later, NOW, interval, "co-1") == later


def test_companies_whose_changes_came_together_fall_due_spread_over_half_the_interval() -> None:
    interval = timedelta(seconds=60)
    phases = [moments.update_phase(f"co-{i}", interval) for i in range(15)]
    assert all(timedelta(0) <= p < interval / 2 for p in phases)
    assert moments.update_phase("co-3", interval) == phases[3]  # the same at every call, in every process
    # The demo's 15 companies: spread over most of the half (2.3 to 28.3 s), not at one instant.
    assert max(phases) - min(phases) > interval / 3
    assert len({round(p.total_seconds()) for p in phases}) >= 9
