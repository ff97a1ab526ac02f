"""The `.ics` invitations parse with two independent parsers: `icalendar` and `vobject`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import msgspec
import vobject  # type: ignore[import-untyped]

from jobdating.notifications.adapters.ics import PRODID, IcsWriter
from jobdating.notifications.domain.calendar import CalendarEntry, Invitation, entry_uid, invitation_for

START = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def entry(sequence: int, cancelled: bool = False, start: datetime = START) -> CalendarEntry:
    return CalendarEntry(
        uid=entry_uid("slot", "slot-1"),
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
    second = msgspec.structs.replace(entry(1), uid=entry_uid("slot", "slot-2"))
    text = write(entry(1), second)
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")] == [
        "slot-slot-1@jobdating",
        "slot-slot-2@jobdating",
    ]
    assert len(vobject.readOne(text).vevent_list) == 2


def icalendar_reference(invitation: Invitation, organizer: str, organizer_name: str) -> bytes:
    """The same invitation built through the `icalendar` package (what the writer did before)."""
    calendar = icalendar.Calendar()
    for name, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN")):
        calendar.add(name, value)
    calendar.add("method", invitation.method)
    for e in invitation.entries:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("sequence", e.sequence)
        event.add("dtstamp", Clock().now())
        event.add("dtstart", e.starts_at.astimezone(UTC))
        event.add("dtend", e.ends_at.astimezone(UTC))
        event.add("summary", e.summary)
        event.add("location", e.location)
        event.add("description", e.description)
        event.add("status", "CANCELLED" if invitation.method == "CANCEL" or e.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        who = icalendar.vCalAddress(f"mailto:{organizer}")
        who.params["cn"] = icalendar.vText(organizer_name)
        event.add("organizer", who)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def test_the_written_text_reads_back_as_what_icalendar_writes_with_awkward_names() -> None:
    # Separators RFC 5545 escapes, line breaks, quotes, and lines long enough to fold inside accents.
    awkward = msgspec.structs.replace(
        entry(4),
        summary='Entretien avec "Ça; va, bien" \\ Sàrl ' + "é" * 60,
        location="Site 1, 3 rue de l'Église; bâtiment B — poste n°4, salle " + "ÉÈ" * 50,
        description="Ligne 1\nLigne 2; avec, des virgules\r\nfin " + "x" * 200 + " 😀" * 30,
    )
    short = msgspec.structs.replace(entry(1), uid="slot-2,b;c@jobdating", cancelled=True)
    for invitation in (invitation_for((awkward, short)), invitation_for((short,))):
        assert invitation is not None
        name = 'Job dating, "Nord"; café'
        text = IcsWriter(Clock(), organizer_name=name).write(invitation, "job-dating@example.org")
        ours = icalendar.Calendar.from_ical(text)
        reference = icalendar.Calendar.from_ical(
            icalendar_reference(invitation, "job-dating@example.org", name)
        )
        assert _properties(ours) == _properties(reference)
        assert [_properties(e) for e in ours.walk("VEVENT")] == [
            _properties(e) for e in reference.walk("VEVENT")
        ]
        assert str(ours.walk("VEVENT")[0]["ORGANIZER"].params["CN"]) == name
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
        assert text.endswith("END:VCALENDAR\r\n")
        assert "\n" not in text.replace("\r\n", "")
        assert vobject.readOne(text).vevent.summary.value == invitation.entries[0].summary


def _properties(component: icalendar.cal.component.Component) -> dict[str, object]:
    """A component's own properties, decoded (dates as datetimes, text unescaped), with their parameters."""
    return {
        name: (component.decoded(name), dict(value.params) if hasattr(value, "params") else {})
        for name, value in component.property_items(recursive=False)
        if name not in ("BEGIN", "END")
    }
