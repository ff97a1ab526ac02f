"""Writes invitations as iCalendar (RFC 5545) text, directly: a handful of properties of known types.

Building them through the `icalendar` package cost ~2 ms an invitation (two per slot), the service's
largest single cost; the text is written here instead, escaped and folded as RFC 5545 says, and a unit
test parses it back with `icalendar` (and `vobject`) against what `icalendar` itself writes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jobdating.notifications.domain.calendar import Invitation
from jobdating.runtime.clock import Clock

PRODID = "-//jobdating//notifications//FR"
CRLF = "\r\n"
# RFC 5545 3.1: lines longer than 75 octets are folded (CRLF and one space), never inside a character.
LINE_OCTETS = 75


class IcsWriter:
    """`.ics` text for an invitation; DTSTAMP is the injected clock's time of writing."""

    def __init__(self, clock: Clock, organizer_name: str = "Job dating") -> None:
        self.clock = clock
        self.organizer_name = organizer_name

    def write(self, invitation: Invitation, organizer: str) -> str:
        stamp = _utc(self.clock.now())
        # The organizer's name is a parameter value: quoted (it may hold ",;:"), its quotes per RFC 6868.
        who = f'ORGANIZER;CN="{_parameter(self.organizer_name)}":mailto:{organizer}'
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            f"METHOD:{invitation.method}",
        ]
        for entry in invitation.entries:
            cancelled = invitation.method == "CANCEL" or entry.cancelled
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_text(entry.uid)}",
                f"SEQUENCE:{entry.sequence:d}",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_utc(entry.starts_at)}",
                f"DTEND:{_utc(entry.ends_at)}",
                f"SUMMARY:{_text(entry.summary)}",
                f"LOCATION:{_text(entry.location)}",
                f"DESCRIPTION:{_text(entry.description)}",
                f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
                "TRANSP:OPAQUE",
                who,
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
        return "".join(_folded(line) + CRLF for line in lines)


def _utc(at: datetime) -> str:
    """A DATE-TIME in UTC form (`20261203T083000Z`), to the second."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as `\\n`."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _parameter(value: str) -> str:
    """A quoted parameter value's inside: no DQUOTE or line break may stand there (RFC 6868 `^'`, `^n`)."""
    return value.replace("^", "^^").replace("\r\n", "^n").replace("\n", "^n").replace('"', "^'")


def _folded(line: str) -> str:
    if line.isascii():  # one octet a character: cut every 75 (74 after the space a fold adds)
        if len(line) <= LINE_OCTETS:
            return line
        rest, step = line[LINE_OCTETS:], LINE_OCTETS - 1
        return (CRLF + " ").join(
            [line[:LINE_OCTETS], *(rest[i : i + step] for i in range(0, len(rest), step))]
        )
    parts: list[str] = []
    part: list[str] = []
    room = LINE_OCTETS
    for char in line:
        size = len(char.encode())
        if size > room:
            parts.append("".join(part))
            # A continuation line starts with the space that folding adds: one octet of its 75.
            part, room = [], LINE_OCTETS - 1
        part.append(char)
        room -= size
    parts.append("".join(part))
    return (CRLF + " ").join(parts)
