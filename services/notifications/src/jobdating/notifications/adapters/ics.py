"""Writes invitations as iCalendar (RFC 5545) text with the `icalendar` package."""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from jobdating.notifications.domain.calendar import Invitation
from jobdating.runtime.clock import Clock

PRODID = "-//jobdating//notifications//FR"


class IcsWriter:
    """`.ics` text for an invitation; DTSTAMP is the injected clock's time of writing."""

    def __init__(self, clock: Clock, organizer_name: str = "Job dating") -> None:
        self.clock = clock
        self.organizer_name = organizer_name

    def write(self, invitation: Invitation, organizer: str) -> str:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", invitation.method)
        stamp = self.clock.now().astimezone(UTC)
        for entry in invitation.entries:
            event = VEvent()
            event.add("uid", entry.uid)
            event.add("sequence", entry.sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", entry.starts_at.astimezone(UTC))
            event.add("dtend", entry.ends_at.astimezone(UTC))
            event.add("summary", entry.summary)
            event.add("location", entry.location)
            event.add("description", entry.description)
            cancelled = invitation.method == "CANCEL" or entry.cancelled
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            event.add("transp", "OPAQUE")
            who = vCalAddress(f"mailto:{organizer}")
            who.params["cn"] = vText(self.organizer_name)
            event.add("organizer", who)
            calendar.add_component(event)
        text: str = calendar.to_ical().decode()
        return text
