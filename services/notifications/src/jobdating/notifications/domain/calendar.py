"""The calendar invitation an e-mail carries, before it is written as an `.ics` file.

One UID per slot (and per workshop) whoever receives it, so that a calendar updates the same entry; the
SEQUENCE is the slot stream's version, which grows with every change; a cancellation is METHOD:CANCEL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Method = Literal["REQUEST", "CANCEL"]


class CalendarEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One appointment (VEVENT)."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    cancelled: bool = False


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    """A calendar object (VCALENDAR) with its method and entries."""

    method: Method
    entries: tuple[CalendarEntry, ...]


Appointment = Literal["slot", "workshop", "counselling"]
"""What a calendar entry is for: an interview slot, a workshop session, an individual interview with the
candidate's counsellor."""


def entry_uid(appointment: Appointment, subject_id: str) -> str:
    """The stable UID of an appointment's calendar entry: the same for every version sent of it."""
    return f"{appointment}-{subject_id}@jobdating"


def invitation_for(entries: tuple[CalendarEntry, ...]) -> Invitation | None:
    """CANCEL when every entry is cancelled, REQUEST otherwise (a digest telling a new time and a
    cancellation together: the cancelled entries go with STATUS:CANCELLED and their higher SEQUENCE, which
    calendars apply as a cancellation of that UID); None for no entry."""
    if not entries:
        return None
    if all(e.cancelled for e in entries):
        return Invitation(method="CANCEL", entries=entries)
    return Invitation(method="REQUEST", entries=entries)
