"""Send-time rules: given what a person was told and the slot now, when the message is due, then..."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from jobdating.contracts.queries import Contact
from jobdating.notifications.domain import timing
from jobdating.notifications.domain.rules import (
    Decision,
    Defer,
    Due,
    Person,
    Send,
    Skip,
    SlotFacts,
    Told,
    after_contact,
    before_contact,
    digest,
    news,
)

PARIS = "Europe/Paris"
START = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)  # 09:30 in Paris
ACTIVE = Person(status="active", consent_sms=True, consent_email=True)
SMS_CONTACT = Contact(first_name="Inès", phone="+33639980001", consent_sms=True, consent_email=True)


def slot(
    starts_at: datetime = START, computer: str = "pc-1", cancelled: bool = False, version: int = 1
) -> SlotFacts:
    return SlotFacts(
        slot_id="slot-1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=20),
        site_id="site-1",
        computer_id=computer,
        cancelled=cancelled,
        version=version,
    )


def due(kind: str, channel: str = "sms", expects: str | None = None) -> Due:
    return Due(kind=kind, channel=channel, recipient_type="candidate", expects=expects)  # type: ignore[arg-type]


def judge(d: Due, person: Person, now_slot: SlotFacts, told: Told | None, now: datetime, tz: str) -> Decision:
    """The decision on a message about one slot: a candidate's digest weighs that slot's news."""
    return before_contact(d, person, now_slot, told, now, tz, told_now=digest([(now_slot, told)], now))


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    # December: Paris is UTC+1.
    return datetime(2026, 12, day, hour - 1, minute, tzinfo=UTC)


def test_no_sms_between_20_00_and_08_00_the_message_waits_for_the_morning() -> None:
    evening = paris(1, 21, 15)
    decision = judge(due("convocation", expects="new"), ACTIVE, slot(), None, evening, PARIS)
    assert decision == Defer(paris(2, 8))
    early = paris(2, 7, 59)
    assert judge(due("convocation", expects="new"), ACTIVE, slot(), None, early, PARIS) == Defer(paris(2, 8))
    assert judge(due("convocation", expects="new"), ACTIVE, slot(), None, paris(2, 8), PARIS) == Send()


def test_an_sms_about_an_interview_within_12_hours_goes_even_at_night() -> None:
    night = paris(2, 22)  # the interview is at 09:30 tomorrow: 11 h 30 away
    assert (
        judge(
            due("slot_moved", expects="moved"),
            ACTIVE,
            slot(),
            _told(START - timedelta(hours=1)),
            night,
            PARIS,
        )
        == Send()
    )


def test_an_email_is_not_held_by_the_quiet_hours() -> None:
    night = paris(1, 23)
    assert judge(due("convocation", "email", "new"), ACTIVE, slot(), None, night, PARIS) == Send()


def test_an_erased_or_withdrawn_candidate_is_not_contacted() -> None:
    for status in ("erased", "withdrawn"):
        person = Person(status=status)
        assert judge(due("convocation", expects="new"), person, slot(), None, paris(1, 10), PARIS) == Skip(
            status
        )


def test_no_reminder_for_a_cancelled_slot() -> None:
    cancelled = slot(cancelled=True, version=2)
    for kind in ("reminder_two_days", "reminder_morning"):
        decision = judge(due(kind), ACTIVE, cancelled, _told(START), paris(1, 10), PARIS)
        assert decision == Skip("slot_cancelled")


def test_a_reminder_too_late_to_help_is_dropped() -> None:
    assert judge(due("reminder_two_days"), ACTIVE, slot(), None, paris(2, 10), PARIS) == Skip("expired")
    assert judge(due("reminder_morning"), ACTIVE, slot(), None, paris(3, 9, 45), PARIS) == Skip("expired")


def test_a_person_who_opted_out_of_reminders_gets_the_convocation_but_no_reminder() -> None:
    opted_out = Contact(first_name="Inès", phone="+33639980001", consent_sms=True, reminders=False)
    assert after_contact(due("reminder_morning"), opted_out) == Skip("opted_out")
    assert after_contact(due("convocation", expects="new"), opted_out) == Send()


def test_an_opt_out_recorded_here_holds_reminders_before_anyone_is_asked() -> None:
    opted_out = Person(status="active", consent_sms=True, consent_email=True, reminders=False)
    reminder = judge(due("reminder_two_days", "email"), opted_out, slot(), None, paris(1, 10), PARIS)
    assert reminder == Skip("opted_out")
    convocation = judge(due("convocation", "email", "new"), opted_out, slot(), None, paris(1, 10), PARIS)
    assert convocation == Send()


def test_no_sms_without_consent_or_without_a_phone_number() -> None:
    no_consent = Person(status="active", consent_sms=False, consent_email=True)
    assert judge(due("convocation", expects="new"), no_consent, slot(), None, paris(1, 10), PARIS) == Skip(
        "no_consent"
    )
    assert after_contact(due("convocation", expects="new"), Contact(phone="+33639980001")) == Skip(
        "no_consent"
    )
    assert after_contact(due("convocation", expects="new"), Contact(consent_sms=True)) == Skip("no_address")
    assert after_contact(due("convocation", "email", "new"), SMS_CONTACT) == Skip("no_address")


def test_a_slot_that_moved_back_before_the_notice_went_out_causes_no_message() -> None:
    # Told 09:30; moved to 10:30 then back to 09:30 (version 3) before the first notice was sent.
    back = slot(version=3)
    assert news(_told(START), back) is None
    decision = judge(due("slot_moved", expects="moved"), ACTIVE, back, _told(START), paris(1, 10), PARIS)
    assert decision == Skip("unchanged")


def test_two_moves_in_a_row_give_one_notice_with_the_latest_time() -> None:
    latest = slot(starts_at=START + timedelta(hours=2), version=3)
    told = _told(START)
    assert news(told, latest) == "moved"
    assert judge(due("slot_moved", expects="moved"), ACTIVE, latest, told, paris(1, 10), PARIS) == Send()
    # Once that notice is sent the recipient knows the latest time: the second notice has nothing to add.
    assert judge(
        due("slot_moved", expects="moved"), ACTIVE, latest, latest.told(), paris(1, 10), PARIS
    ) == Skip("unchanged")


def test_a_convocation_for_a_slot_cancelled_meanwhile_is_not_sent_nor_is_its_cancellation() -> None:
    cancelled = slot(cancelled=True, version=2)
    # Nothing is news to someone never told of a slot now cancelled.
    assert judge(due("convocation", expects="new"), ACTIVE, cancelled, None, paris(1, 10), PARIS) == Skip(
        "unchanged"
    )
    assert judge(
        due("slot_cancelled", expects="cancelled"), ACTIVE, cancelled, None, paris(1, 10), PARIS
    ) == Skip("unchanged")
    assert (
        judge(
            due("slot_cancelled", expects="cancelled"), ACTIVE, cancelled, _told(START), paris(1, 10), PARIS
        )
        == Send()
    )


def test_no_news_about_an_interview_that_has_begun() -> None:
    assert judge(
        due("slot_moved", expects="moved"),
        ACTIVE,
        slot(),
        _told(START - timedelta(hours=1)),
        paris(3, 9, 31),
        PARIS,
    ) == Skip("unchanged")


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [(1, timedelta(seconds=30)), (2, timedelta(minutes=2)), (5, timedelta(hours=2)), (6, None)],
)
def test_temporary_failures_are_retried_with_growing_delays_then_given_up(
    attempts: int, expected: timedelta | None
) -> None:
    now = paris(1, 10)
    again = timing.retry_at(now, attempts, timing.DEFAULT_RETRY_DELAYS)
    assert (again - now if again else None) == expected


def _told(starts_at: datetime) -> Told:
    return Told(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=20),
        site_id="site-1",
        computer_id="pc-1",
        cancelled=False,
    )


def test_a_digest_tells_every_slot_that_is_news_in_time_order_and_nothing_once_told() -> None:
    early = slot(starts_at=START - timedelta(hours=1))
    later = msgspec.structs.replace(slot(starts_at=START + timedelta(hours=1)), slot_id="slot-2")
    gone = msgspec.structs.replace(slot(cancelled=True, version=2), slot_id="slot-3")
    never = msgspec.structs.replace(slot(cancelled=True, version=2), slot_id="slot-4")
    now = paris(1, 10)
    told = digest([(later, _told(START)), (early, None), (gone, _told(START)), (never, None)], now)
    assert [(n.slot.slot_id, n.change) for n in told] == [
        ("slot-1", "new"),
        ("slot-3", "cancelled"),
        ("slot-2", "moved"),
    ]
    # Once it went, what each slot is was told: the notices planned by the other slots find nothing new.
    after = [(later, later.told()), (early, early.told()), (gone, gone.told()), (never, None)]
    assert digest(after, now) == ()
    decision = before_contact(due("slot_moved"), ACTIVE, later, later.told(), now, PARIS, told_now=())
    assert decision == Skip("unchanged")


def test_a_digest_at_night_goes_when_its_soonest_interview_is_within_12_hours() -> None:
    soon = slot(starts_at=paris(2, 8, 30))
    far = msgspec.structs.replace(slot(starts_at=paris(4, 9)), slot_id="slot-2")
    night = paris(1, 22)
    both = digest([(far, None), (soon, None)], night)
    assert before_contact(due("convocation"), ACTIVE, None, None, night, PARIS, told_now=both) == Send()
    only_far = digest([(far, None)], night)
    assert before_contact(due("convocation"), ACTIVE, None, None, night, PARIS, told_now=only_far) == Defer(
        paris(2, 8)
    )


def test_the_reminder_of_a_day_already_given_is_not_given_again() -> None:
    for kind in ("reminder_two_days", "reminder_morning"):
        at = paris(1, 10) if kind == "reminder_two_days" else paris(3, 7)
        assert before_contact(due(kind), ACTIVE, slot(), None, at, PARIS, reminded=True) == Skip(
            "already_reminded"
        )
        assert before_contact(due(kind), ACTIVE, slot(), None, at, PARIS) == Send()
