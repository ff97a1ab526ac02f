"""The preparation pathway's messages to candidates, around the domain's rules (`domain.preparation`):
what an event plans (read model in the consumer's transaction), whether a due message is stale, and what it
says (the read model as it is when sent; the counsellor comes sealed in registration's contact answer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jobdating.contracts.envelope import Event
from jobdating.contracts.queries import Contact
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    CounsellingInterviewBooked,
    CounsellingInterviewCancelled,
    WorkshopCancelled,
)
from jobdating.eventstore.reading import Source, rows
from jobdating.notifications.application import queries_facts, queries_plan
from jobdating.notifications.application.instants import parse_ts
from jobdating.notifications.application.ports import StaffDirectory
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Site
from jobdating.notifications.domain import preparation
from jobdating.notifications.domain.calendar import CalendarEntry, entry_uid
from jobdating.notifications.domain.messages import REMINDERS, PlannedMessage
from jobdating.notifications.domain.preparation import Appointment, Meeting


def planned(
    source: Source, event: Event, event_id: str, now: datetime, timezone: str
) -> list[PlannedMessage]:
    """The candidates' messages a preparation event calls for (none for any other event)."""

    def booked(
        kind: Appointment, meeting_id: str, job_dating_id: str, candidate_id: str, starts_at: datetime
    ) -> list[PlannedMessage]:
        # The eve reminder falls at a local hour: the job dating's zone, else the service's.
        tz = _zone(source, job_dating_id, timezone)
        return preparation.on_booked(
            kind, meeting_id, job_dating_id, candidate_id, starts_at, event_id, now, tz
        )

    match event:
        case CandidateEnrolledInWorkshop() as e:
            workshop = queries_plan.workshop(source, e.workshop_id)
            if workshop is None:
                return []
            return booked(
                "workshop", e.workshop_id, workshop.job_dating_id, e.candidate_id, workshop.starts_at
            )
        case WorkshopCancelled() as e:
            return preparation.on_cancelled(
                "workshop", e.workshop_id, e.job_dating_id, e.candidate_ids, event_id, now
            )
        case CounsellingInterviewBooked() as e:
            return booked("counselling", e.interview_id, e.job_dating_id, e.candidate_id, e.starts_at)
        case CounsellingInterviewCancelled() as e:
            return preparation.on_cancelled(
                "counselling", e.interview_id, e.job_dating_id, (e.candidate_id,), event_id, now
            )
    return []


def stale(source: Source, d: Delivery, now: datetime) -> str | None:
    """Why a due preparation message is no longer worth sending (None: send it, or not one of them)."""
    if d.kind not in preparation.PREPARATION_KINDS:
        return None
    meeting = _meeting(source, d)
    return "unknown" if meeting is None else preparation.stale(d.kind, meeting, now)


def content(
    source: Source,
    staff: StaffDirectory,
    d: Delivery,
    recipient: Contact,
    base: dict[str, Any],
    tz: ZoneInfo,
    who_to_call: Callable[[str | None, Site], str | None],
) -> dict[str, Any] | None:
    """A preparation message's template facts; None when the read model lacks them (tried again later)."""
    if d.kind.startswith("workshop_"):
        workshop = queries_plan.workshop(source, d.subject_id)
        if workshop is None:
            return None
        site_id, starts, ends = workshop.site_id, workshop.starts_at, workshop.ends_at
        room = queries_facts.room_name(source, workshop.site_id, workshop.room_id)
        counsellor = None
    else:
        found = rows(
            source,
            "SELECT site_id, starts_at, ends_at, counsellor_id FROM notif_counselling WHERE interview_id = ?",
            (d.subject_id,),
        )
        if not found:
            return None
        site_id, starts, ends = found[0][0], parse_ts(found[0][1]), parse_ts(found[0][2])
        room = None
        member = staff.get(found[0][3])
        counsellor = member.first_name if member else None
    site = queries_facts.site(source, site_id)
    if site is None:
        return None
    return base | {
        "starts_at": starts.astimezone(tz),
        "ends_at": ends.astimezone(tz),
        "site": {"name": site.name, "address": site.address, "commune": site.commune},
        "room": room,
        "counsellor": counsellor,
        "call": who_to_call(recipient.counsellor_id, site),
    }


def carried(
    source: Source,
    staff: StaffDirectory,
    d: Delivery,
    recipient: Contact,
    tz: ZoneInfo,
    who_to_call: Callable[[str | None, Site], str | None],
) -> tuple[dict[str, Any], CalendarEntry | None] | None:
    """What a message carrying `d` (the interviews' message of the same moment) says of it: its facts, as
    `d`'s own template has them, with what it is (`what`) and what is new (`change`), and its calendar
    entry (none for a reminder); None when the read model lacks them (then `d` goes on its own)."""
    found = content(source, staff, d, recipient, {}, tz, who_to_call)
    if found is None:
        return None
    workshop = d.kind.startswith("workshop_")
    change = (
        "cancelled" if d.kind in preparation.CANCELLED_KINDS else "reminder" if d.kind in REMINDERS else "new"
    )
    view = found | {"what": "workshop" if workshop else "counselling", "change": change}
    if change == "reminder":
        return view, None
    site, room = found["site"], found["room"]
    where = f"{site['name']}, {site['address']}, {site['commune']}" + (f" (salle {room})" if room else "")
    cancelled = change == "cancelled"
    if workshop:
        known = queries_plan.workshop(source, d.subject_id)
        uid, sequence = entry_uid("workshop", d.subject_id), (known.version if known else 0) + int(cancelled)
        summary, description = "Atelier de préparation au job dating", "Atelier collectif de préparation."
    else:
        # An individual interview is booked, then perhaps cancelled: two states, two sequences.
        uid, sequence = entry_uid("counselling", d.subject_id), int(cancelled)
        summary = "Rendez-vous avec votre conseiller"
        description = "Rendez-vous individuel pour préparer le job dating."
    entry = CalendarEntry(
        uid=uid,
        sequence=sequence,
        starts_at=found["starts_at"],
        ends_at=found["ends_at"],
        summary=summary,
        location=where,
        description=description,
        cancelled=cancelled,
    )
    return view, entry


def _meeting(source: Source, d: Delivery) -> Meeting | None:
    if d.kind.startswith("workshop_"):
        workshop = queries_plan.workshop(source, d.subject_id)
        if workshop is None:
            return None
        cancelled = rows(
            source, "SELECT 1 FROM notif_workshop_cancelled WHERE workshop_id = ?", (d.subject_id,)
        )
        seated = rows(
            source,
            "SELECT 1 FROM notif_workshop_seat WHERE workshop_id = ? AND candidate_id = ?",
            (d.subject_id, d.recipient_id),
        )
        return Meeting(starts_at=workshop.starts_at, cancelled=bool(cancelled), holds_seat=bool(seated))
    found = rows(
        source,
        "SELECT starts_at, cancelled, candidate_id FROM notif_counselling WHERE interview_id = ?",
        (d.subject_id,),
    )
    if not found:
        return None
    starts, cancelled, candidate_id = found[0]
    return Meeting(
        starts_at=parse_ts(starts), cancelled=bool(cancelled), holds_seat=candidate_id == d.recipient_id
    )


def _zone(source: Source, job_dating_id: str, default: str) -> ZoneInfo:
    jd = queries_plan.job_dating(source, job_dating_id)
    return ZoneInfo(jd.timezone if jd else default)
