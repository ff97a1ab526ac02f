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


def slot_uid(slot_id: str) -> str:
    """The stable UID of an interview slot's calendar entry."""
    return f"slot-{slot_id}@jobdating"


def workshop_uid(workshop_id: str) -> str:
    """The stable UID of a workshop session's calendar entry."""
    return f"workshop-{workshop_id}@jobdating"


def counselling_uid(interview_id: str) -> str:
    """The stable UID of an individual interview's calendar entry (with the candidate's counsellor)."""
    return f"counselling-{interview_id}@jobdating"


def invitation_for(entries: tuple[CalendarEntry, ...]) -> Invitation | None:
    """CANCEL when every entry is cancelled, REQUEST otherwise (a digest telling a new time and a
    cancellation together: the cancelled entries go with STATUS:CANCELLED and their higher SEQUENCE, which
    calendars apply as a cancellation of that UID); None for no entry."""
    if not entries:
        return None
    if all(e.cancelled for e in entries):
        return Invitation(method="CANCEL", entries=entries)
    return Invitation(method="REQUEST", entries=entries)
