"""The `.ics` invitations parse with two independent parsers: `icalendar` and `vobject`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import msgspec
import vobject  # type: ignore[import-untyped]

from jobdating.notifications.adapters.ics import IcsWriter
from jobdating.notifications.domain.calendar import CalendarEntry, invitation_for, slot_uid

START = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def entry(sequence: int, cancelled: bool = False, start: datetime = START) -> CalendarEntry:
    return CalendarEntry(
        uid=slot_uid("slot-1"),
        sequence=sequence,
        starts_at=start,
        ends_at=start + timedelta(minutes=20),
        summary="Entretien d'embauche avec Logistique du Nord",
        location="Espace emploi, 12 rue Kléber, 59155 Faches-Thumesnil (PC 3)",
        description="Entretien en vidéo sur un ordinateur du site. Venez 15 minutes avant.",
        cancelled=cancelled,
    )


def write(*entries: CalendarEntry) -> str:
    invitation = invitation_for(entries)
    assert invitation is not None
    return IcsWriter(Clock()).write(invitation, "job-dating@example.org")


def test_an_invitation_parses_with_icalendar_and_vobject_alike() -> None:
    text = write(entry(1))
    parsed = icalendar.Calendar.from_ical(text)
    assert str(parsed["METHOD"]) == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "slot-slot-1@jobdating"
    assert int(str(event["SEQUENCE"])) == 1
    assert event.decoded("DTSTART") == START
    assert str(event["LOCATION"]).endswith("(PC 3)")
    assert str(event["ORGANIZER"]) == "mailto:job-dating@example.org"

    other = vobject.readOne(text)
    assert other.method.value == "REQUEST"
    assert other.vevent.uid.value == "slot-slot-1@jobdating"
    assert int(other.vevent.sequence.value) == 1
    assert other.vevent.dtstart.value == START
    assert other.vevent.summary.value == "Entretien d'embauche avec Logistique du Nord"


def test_a_move_keeps_the_uid_and_raises_the_sequence_a_cancellation_is_a_cancel() -> None:
    first, moved = write(entry(1)), write(entry(2, start=START + timedelta(hours=1)))
    cancelled = write(entry(3, cancelled=True))
    events = [vobject.readOne(t) for t in (first, moved, cancelled)]
    assert {e.vevent.uid.value for e in events} == {"slot-slot-1@jobdating"}
    assert [int(e.vevent.sequence.value) for e in events] == [1, 2, 3]
    assert [e.method.value for e in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[2].vevent.status.value == "CANCELLED"
    assert icalendar.Calendar.from_ical(cancelled)["METHOD"] == "CANCEL"


def test_an_agenda_holds_one_entry_per_slot() -> None:
    second = msgspec.structs.replace(entry(1), uid=slot_uid("slot-2"))
    text = write(entry(1), second)
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")] == [
        "slot-slot-1@jobdating",
        "slot-slot-2@jobdating",
    ]
    assert len(vobject.readOne(text).vevent_list) == 2
