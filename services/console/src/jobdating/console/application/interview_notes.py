"""Notes on interviews, as the console shows and sends them: scheduling keeps them and gives each
organisation only the notes it wrote (a recruiter never reads the counsellor's, nor the reverse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jobdating.console.application.ports import Refused, Services
from jobdating.contracts.scheduling import INTERVIEW_NOTE_LENGTH
from jobdating.runtime import french

NOTE_LENGTH: Final = INTERVIEW_NOTE_LENGTH
WRITTEN_BY: Final[dict[str, str]] = {
    "counsellor": "conseiller",
    "recruiter": "recruteur",
    "coordinator": "coordination",
}


@dataclass(frozen=True)
class Note:
    text: str
    written: str
    by: str


def notes_by_slot(
    services: Services, token: str, job_dating_id: str, zone: ZoneInfo
) -> dict[str, list[Note]]:
    """The notes the person's organisation wrote on the job dating's interviews, by slot, oldest first;
    none when their role reads no notes (a partner's administrator) or nothing is planned yet."""
    try:
        found = services.get(
            "scheduling", f"/job-datings/{quote(job_dating_id, safe='')}/interview-notes", token
        )
    except Refused as exc:
        if exc.status in (403, 404):
            return {}
        raise
    notes: dict[str, list[Note]] = {}
    for n in found:
        at = datetime.fromisoformat(n["written_at"]).astimezone(zone)
        written = f"{french.day_month_year(at.date())} à {at:%H:%M}"
        by = WRITTEN_BY.get(n["author_role"], n["author_role"])
        notes.setdefault(n["slot_id"], []).append(Note(text=n["note"], written=written, by=by))
    return notes


def write(services: Services, token: str, slot_id: str, text: str) -> None:
    """Send the note to scheduling, which checks it (length, nothing that reaches the person)."""
    services.post("scheduling", f"/slots/{quote(slot_id, safe='')}/notes", token, {"note": text})
