"""Which messages an event calls for, for whom, on which channel and when.

A candidate hears of their interviews once per moment: the convocation of a published plan is one message
per candidate and channel (keyed on the `PlanPublished`, like the recruiters' agendas, and sent with them
once every slot of the plan arrived); a later change (a slot given outside a plan, moved, cancelled) is
planned `change_delay` after it happened, and when it goes it tells every change of that person's slots
not told yet (`rules.digest`), so that changes made together arrive together.

Planning only says what could be said; whether it is still worth saying (the slot moved back, the person
was erased, it is the middle of the night) is decided when the message is due (`rules`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import Channel
from jobdating.contracts.scheduling import (
    InterviewCompleted,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopScheduled,
)
from jobdating.notifications.domain import timing
from jobdating.notifications.domain.messages import (
    CANDIDATE_CHANNELS,
    STAFF_CHANNELS,
    Change,
    Kind,
    PlannedMessage,
    Recipient,
)


class Cause(msgspec.Struct, frozen=True, kw_only=True):
    """The triggering event's id, and when it is being planned (the service's clock)."""

    event_id: str
    now: datetime


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What the service knows besides the event.

    `agenda_cause`/`agenda_due`: the plan publication whose recruiter agendas a new slot belongs to, and
    when they go at the latest; `counsellor_id`: the candidate's counsellor, when known; `slot_starts_at`:
    when the slot an outcome is about started; `change_delay`: how long a candidate's change notice waits
    for the changes that come with it.
    """

    timezone: str
    change_delay: timedelta = timedelta(0)
    agenda_cause: str | None = None
    agenda_due: datetime | None = None
    counsellor_id: str | None = None
    slot_starts_at: datetime | None = None


def plan(event: Event, cause: Cause, context: Context) -> list[PlannedMessage]:
    """The messages `event` calls for (none for events nobody needs to hear about)."""
    match event:
        case SlotAssigned() as e:
            return _assigned(e, cause, context)
        case SlotMoved() as e:
            return [
                *_to_candidate("slot_moved", e.candidate_id, e.slot_id, e.job_dating_id, cause, context),
                *_agenda_update(e.company_id, e.slot_id, e.job_dating_id, cause, "moved"),
            ]
        case SlotCancelled() as e:
            # A candidate who withdrew knows; a withdrawn person is not contacted anyway.
            to_candidate = (
                []
                if e.reason == "candidate_withdrew"
                else _to_candidate(
                    "slot_cancelled", e.candidate_id, e.slot_id, e.job_dating_id, cause, context
                )
            )
            return [
                *to_candidate,
                *_agenda_update(e.company_id, e.slot_id, e.job_dating_id, cause, "cancelled"),
            ]
        case InterviewCompleted() as e:
            return _completed(e, cause, context)
        case WorkshopScheduled() as e:
            return [
                message
                for coach_id in e.coach_ids
                for message in _on_channels(
                    STAFF_CHANNELS,
                    "workshop_session",
                    Recipient("coach", coach_id),
                    e.workshop_id,
                    e.job_dating_id,
                    cause.event_id,
                    cause.now,
                )
            ]
    return []


def reminders(
    candidate_id: str, slot_id: str, job_dating_id: str, starts_at: datetime, cause: Cause, timezone: str
) -> list[PlannedMessage]:
    """The reminders of a newly given interview that come late enough after its convocation to be useful."""
    due = timing.reminder_times(starts_at, ZoneInfo(timezone))
    to = Recipient("candidate", candidate_id)
    return [
        message
        for kind, at in due.items()
        if timing.reminder_worth_planning(at, cause.now, starts_at)
        for message in _on_channels(CANDIDATE_CHANNELS, kind, to, slot_id, job_dating_id, cause.event_id, at)
    ]


def _assigned(e: SlotAssigned, cause: Cause, context: Context) -> list[PlannedMessage]:
    messages = reminders(e.candidate_id, e.slot_id, e.job_dating_id, e.starts_at, cause, context.timezone)
    if context.agenda_cause is not None:
        # Part of a published plan: the candidate gets one convocation listing all their interviews, and
        # the recruiter one agenda, for the whole plan (the same key whichever slot plans it).
        whole_plan: tuple[tuple[tuple[Channel, ...], Kind, Recipient], ...] = (
            (CANDIDATE_CHANNELS, "convocation", Recipient("candidate", e.candidate_id)),
            (STAFF_CHANNELS, "recruiter_agenda", Recipient("company", e.company_id)),
        )
        due = context.agenda_due or cause.now
        for channels, kind, to in whole_plan:
            messages += _on_channels(
                channels, kind, to, e.job_dating_id, e.job_dating_id, context.agenda_cause, due
            )
    else:
        messages += _to_candidate("convocation", e.candidate_id, e.slot_id, e.job_dating_id, cause, context)
        messages += _agenda_update(e.company_id, e.slot_id, e.job_dating_id, cause, "new")
    return messages


def _completed(e: InterviewCompleted, cause: Cause, context: Context) -> list[PlannedMessage]:
    messages: list[PlannedMessage] = []
    if e.outcome != "no_show":
        due = timing.thank_you_due(cause.now, context.slot_starts_at or cause.now, ZoneInfo(context.timezone))
        to = Recipient("candidate", e.candidate_id)
        messages += _on_channels(
            CANDIDATE_CHANNELS, "thank_you", to, e.slot_id, e.job_dating_id, cause.event_id, due
        )
    to = Recipient("counsellor", context.counsellor_id or "")
    messages += _on_channels(
        STAFF_CHANNELS, "counsellor_outcome", to, e.slot_id, e.job_dating_id, cause.event_id, cause.now
    )
    return messages


def _to_candidate(
    kind: Kind, candidate_id: str, slot_id: str, job_dating_id: str, cause: Cause, context: Context
) -> list[PlannedMessage]:
    """A change notice: due a little later, it tells whatever of the person's slots is news by then."""
    to = Recipient("candidate", candidate_id)
    due = cause.now + context.change_delay
    return _on_channels(CANDIDATE_CHANNELS, kind, to, slot_id, job_dating_id, cause.event_id, due)


def _agenda_update(
    company_id: str, slot_id: str, job_dating_id: str, cause: Cause, expects: Change
) -> list[PlannedMessage]:
    to = Recipient("company", company_id)
    return _on_channels(
        ("email",), "agenda_update", to, slot_id, job_dating_id, cause.event_id, cause.now, expects
    )


def _on_channels(
    channels: tuple[Channel, ...],
    kind: Kind,
    to: Recipient,
    subject_id: str,
    job_dating_id: str,
    cause_event_id: str,
    due_at: datetime,
    expects: Change | None = None,
) -> list[PlannedMessage]:
    """The same message once on each of `channels`."""
    return [
        PlannedMessage(
            kind=kind,
            recipient=to,
            channel=channel,
            cause_event_id=cause_event_id,
            subject_id=subject_id,
            job_dating_id=job_dating_id,
            due_at=due_at,
            expects=expects,
        )
        for channel in channels
    ]
