"""The candidates' messages of the preparation pathway: a convocation and a reminder for each workshop seat
and each individual interview with their counsellor, and a notice when one is called off.

Planned once per triggering event (the idempotency key), judged again when due: a convocation or reminder
for a seat given back, a session called off or a time already past is not sent (`stale`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from typing import Final, Literal

import msgspec

from jobdating.notifications.domain.messages import CANDIDATE_CHANNELS, Kind, PlannedMessage, Recipient

Appointment = Literal["workshop", "counselling"]
KINDS: Final[dict[Appointment, tuple[Kind, Kind, Kind]]] = {
    "workshop": ("workshop_convocation", "workshop_reminder", "workshop_cancelled"),
    "counselling": ("counselling_convocation", "counselling_reminder", "counselling_cancelled"),
}
PREPARATION_KINDS: Final = frozenset(k for kinds in KINDS.values() for k in kinds)
CANCELLED_KINDS: Final = frozenset(kinds[2] for kinds in KINDS.values())
EVE_REMINDER_AT: Final = time(10, 0)
# A reminder this close to the convocation that planned it would repeat it.
REMINDER_MIN_GAP: Final = timedelta(hours=6)


class Meeting(msgspec.Struct, frozen=True, kw_only=True):
    """A workshop session or an individual interview as the service knows it now, for one candidate."""

    starts_at: datetime
    cancelled: bool
    holds_seat: bool


def eve_reminder_at(starts_at: datetime, tz: tzinfo) -> datetime:
    """10:00 local time the day before."""
    day = starts_at.astimezone(tz).date() - timedelta(days=1)
    return datetime.combine(day, EVE_REMINDER_AT, tzinfo=tz)


def on_booked(
    what: Appointment,
    subject_id: str,
    job_dating_id: str,
    candidate_id: str,
    starts_at: datetime,
    cause_event_id: str,
    now: datetime,
    tz: tzinfo,
) -> list[PlannedMessage]:
    """A seat or an interview given: the convocation now, the reminder the day before when it is useful."""
    convocation, reminder, _ = KINDS[what]
    due = [(convocation, now)]
    eve = eve_reminder_at(starts_at, tz)
    if now + REMINDER_MIN_GAP <= eve < starts_at:
        due.append((reminder, eve))
    return [
        _message(kind, candidate_id, subject_id, job_dating_id, cause_event_id, at, channel)
        for kind, at in due
        for channel in CANDIDATE_CHANNELS
    ]


def on_cancelled(
    what: Appointment,
    subject_id: str,
    job_dating_id: str,
    candidate_ids: tuple[str, ...],
    cause_event_id: str,
    now: datetime,
) -> list[PlannedMessage]:
    """Called off: each candidate who held it is told."""
    kind = KINDS[what][2]
    return [
        _message(kind, candidate_id, subject_id, job_dating_id, cause_event_id, now, channel)
        for candidate_id in candidate_ids
        for channel in CANDIDATE_CHANNELS
    ]


def stale(kind: str, meeting: Meeting, now: datetime) -> str | None:
    """Why a due message is no longer worth sending (None: send it)."""
    if now >= meeting.starts_at:
        return "expired"
    if kind in CANCELLED_KINDS:
        return None
    if meeting.cancelled:
        return "cancelled"
    if not meeting.holds_seat:
        return "unenrolled"
    return None


def _message(
    kind: Kind,
    candidate_id: str,
    subject_id: str,
    job_dating_id: str,
    cause_event_id: str,
    due_at: datetime,
    channel: Literal["sms", "email"],
) -> PlannedMessage:
    return PlannedMessage(
        kind=kind,
        recipient=Recipient("candidate", candidate_id),
        channel=channel,
        cause_event_id=cause_event_id,
        subject_id=subject_id,
        job_dating_id=job_dating_id,
        due_at=due_at,
    )
