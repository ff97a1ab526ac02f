"""Planning: given an event and what the service knows, then these messages for these people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import (
    InterviewChangedByHand,
    InterviewCompleted,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopScheduled,
)
from jobdating.notifications.domain.messages import PlannedMessage
from jobdating.notifications.domain.planning import Cause, Context, plan
from jobdating.testing.samples import SAMPLES

PARIS = "Europe/Paris"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a week before the day
START = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)  # 09:30 in Paris
E = TypeVar("E", bound=Event)


def sample(event_type: type[E], **changes: Any) -> E:
    """The golden files' example of `event_type` (slot-1 of cand-1 with co-1 in jd-1), with `changes`."""
    example = SAMPLES[(event_type.event_type, event_type.schema_version)]
    assert isinstance(example, event_type)
    return msgspec.structs.replace(example, **changes)


def assigned(starts_at: datetime = START) -> SlotAssigned:
    return sample(SlotAssigned, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20))


def kinds(messages: list[PlannedMessage]) -> list[tuple[str, str, str, str]]:
    return sorted((m.kind, m.recipient.type, m.recipient.id, m.channel) for m in messages)


def test_a_given_slot_calls_for_a_convocation_by_sms_and_email_its_two_reminders_and_an_agenda_update() -> (
    None
):
    messages = plan(assigned(), Cause(event_id="e-1", now=NOW), Context(timezone=PARIS))
    assert kinds(messages) == [
        ("agenda_update", "company", "co-1", "email"),
        ("convocation", "candidate", "cand-1", "email"),
        ("convocation", "candidate", "cand-1", "sms"),
        ("reminder_morning", "candidate", "cand-1", "email"),
        ("reminder_morning", "candidate", "cand-1", "sms"),
        ("reminder_two_days", "candidate", "cand-1", "email"),
        ("reminder_two_days", "candidate", "cand-1", "sms"),
    ]
    due = {m.kind: m.due_at for m in messages}
    assert due["convocation"] == NOW
    assert due["reminder_two_days"] == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert due["reminder_morning"] == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    assert {m.expects for m in messages if m.kind == "agenda_update"} == {"new"}


def test_a_reminder_that_would_follow_the_convocation_within_hours_is_not_planned() -> None:
    # Given on the eve of the interview at 18:00: the two-day reminder is past, the morning one is kept.
    eve = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    messages = plan(assigned(), Cause(event_id="e-1", now=eve), Context(timezone=PARIS))
    assert {m.kind for m in messages if m.kind.startswith("reminder")} == {"reminder_morning"}
    # Given at 04:00 on the day: no reminder at all, the convocation is the reminder.
    dawn = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    messages = plan(assigned(), Cause(event_id="e-1", now=dawn), Context(timezone=PARIS))
    assert not [m for m in messages if m.kind.startswith("reminder")]


def test_a_slot_of_a_published_plan_goes_into_the_recruiters_agenda_instead_of_an_update() -> None:
    context = Context(timezone=PARIS, agenda_cause="plan-event", agenda_due=NOW + timedelta(minutes=10))
    messages = plan(assigned(), Cause(event_id="e-1", now=NOW), context)
    to_company = [m for m in messages if m.recipient.type == "company"]
    assert [(m.kind, m.cause_event_id, m.subject_id, m.due_at) for m in to_company] == [
        ("recruiter_agenda", "plan-event", "jd-1", NOW + timedelta(minutes=10))
    ]
    # Every slot of the plan names the same agenda message: one per company and plan.
    other = plan(
        msgspec.structs.replace(assigned(), slot_id="slot-2", candidate_id="cand-2"),
        Cause(event_id="e-2", now=NOW),
        context,
    )
    agenda = [m for m in other if m.recipient.type == "company"]
    assert agenda[0].notification_id == to_company[0].notification_id


def test_a_moved_slot_calls_for_a_notice_to_the_candidate_and_an_agenda_update() -> None:
    moved = sample(SlotMoved)  # to another computer
    messages = plan(moved, Cause(event_id="e-2", now=NOW), Context(timezone=PARIS))
    assert kinds(messages) == [
        ("agenda_update", "company", "co-1", "email"),
        ("slot_moved", "candidate", "cand-1", "email"),
        ("slot_moved", "candidate", "cand-1", "sms"),
    ]
    assert {m.expects for m in messages if m.kind == "agenda_update"} == {"moved"}


def test_a_candidates_change_notice_waits_for_the_changes_that_come_with_it() -> None:
    context = Context(timezone=PARIS, change_delay=timedelta(minutes=2))
    moved = plan(sample(SlotMoved), Cause(event_id="e-2", now=NOW), context)
    assert {m.due_at for m in moved if m.recipient.type == "candidate"} == {NOW + timedelta(minutes=2)}
    # The recruiter's update is not held: it is about that one slot.
    assert {m.due_at for m in moved if m.recipient.type == "company"} == {NOW}
    given = plan(assigned(), Cause(event_id="e-1", now=NOW), context)
    assert {m.due_at for m in given if m.kind == "convocation"} == {NOW + timedelta(minutes=2)}
    cancelled = plan(sample(SlotCancelled), Cause(event_id="e-3", now=NOW), context)
    assert {m.due_at for m in cancelled if m.kind == "slot_cancelled"} == {NOW + timedelta(minutes=2)}


def test_every_slot_of_a_published_plan_names_one_convocation_per_candidate_sent_with_the_agendas() -> None:
    context = Context(timezone=PARIS, agenda_cause="plan-event", agenda_due=NOW + timedelta(minutes=10))

    def convocations(slot_id: str, event_id: str, starts_at: datetime) -> list[PlannedMessage]:
        event = msgspec.structs.replace(assigned(starts_at), slot_id=slot_id)
        found = plan(event, Cause(event_id=event_id, now=NOW), context)
        return [m for m in found if m.kind == "convocation"]

    first = convocations("slot-1", "e-1", START)
    second = convocations("slot-2", "e-2", START + timedelta(minutes=30))
    # Keyed on the plan's publication, not on the slot: the candidate's two slots plan the same two rows.
    assert [(m.channel, m.cause_event_id, m.subject_id) for m in first] == [
        ("sms", "plan-event", "jd-1"),
        ("email", "plan-event", "jd-1"),
    ]
    assert [m.notification_id for m in first] == [m.notification_id for m in second]
    assert {m.due_at for m in first} == {NOW + timedelta(minutes=10)}
    assert {m.expects for m in first} == {None}


def test_a_candidate_who_withdrew_is_not_told_of_the_cancellation_but_the_recruiter_is() -> None:
    def cancelled(reason: str) -> list[PlannedMessage]:
        event = sample(SlotCancelled, reason=reason)
        return plan(event, Cause(event_id="e-3", now=NOW), Context(timezone=PARIS))

    assert kinds(cancelled("candidate_withdrew")) == [("agenda_update", "company", "co-1", "email")]
    assert kinds(cancelled("company_left")) == [
        ("agenda_update", "company", "co-1", "email"),
        ("slot_cancelled", "candidate", "cand-1", "email"),
        ("slot_cancelled", "candidate", "cand-1", "sms"),
    ]


def test_a_change_by_hand_is_told_once_by_its_slot_event_and_not_by_the_coordinators_decision() -> None:
    cause = Cause(event_id="e-4", now=NOW)
    assert plan(sample(InterviewChangedByHand), cause, Context(timezone=PARIS)) == []
    moved = plan(sample(SlotMoved, reason="coordinator"), cause, Context(timezone=PARIS))
    assert [m.kind for m in moved if m.recipient.type == "candidate"] == ["slot_moved", "slot_moved"]
    cancelled = plan(sample(SlotCancelled, reason="coordinator"), cause, Context(timezone=PARIS))
    assert kinds(cancelled) == [
        ("agenda_update", "company", "co-1", "email"),
        ("slot_cancelled", "candidate", "cand-1", "email"),
        ("slot_cancelled", "candidate", "cand-1", "sms"),
    ]


def test_an_outcome_calls_for_an_evening_thank_you_and_a_notice_to_the_counsellor() -> None:
    def completed(outcome: str, counsellor: str | None) -> list[PlannedMessage]:
        event = sample(InterviewCompleted, outcome=outcome)
        context = Context(timezone=PARIS, counsellor_id=counsellor, slot_starts_at=START)
        return plan(event, Cause(event_id="e-4", now=START + timedelta(minutes=25)), context)

    messages = completed("second_interview", "ml-conseiller-1")
    assert kinds(messages) == [
        ("counsellor_outcome", "counsellor", "ml-conseiller-1", "email"),
        ("thank_you", "candidate", "cand-1", "email"),
        ("thank_you", "candidate", "cand-1", "sms"),
    ]
    evening = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # 17:30 in Paris
    assert {m.due_at for m in messages if m.kind == "thank_you"} == {evening}
    # A no-show gets no thank-you; a counsellor not known yet is resolved when the notice is sent.
    assert kinds(completed("no_show", None)) == [("counsellor_outcome", "counsellor", "", "email")]


def test_a_workshop_calls_for_an_email_to_each_coach_of_the_pair() -> None:
    workshop = sample(WorkshopScheduled)  # run by coach-1 and coach-2
    messages = plan(workshop, Cause(event_id="e-5", now=NOW), Context(timezone=PARIS))
    assert kinds(messages) == [
        ("workshop_session", "coach", "coach-1", "email"),
        ("workshop_session", "coach", "coach-2", "email"),
    ]


def test_planning_the_same_event_twice_gives_the_same_notification_ids() -> None:
    first = plan(assigned(), Cause(event_id="e-1", now=NOW), Context(timezone=PARIS))
    again = plan(assigned(), Cause(event_id="e-1", now=NOW + timedelta(seconds=5)), Context(timezone=PARIS))
    other = plan(assigned(), Cause(event_id="e-9", now=NOW), Context(timezone=PARIS))
    ids = {m.notification_id for m in first}
    assert len(ids) == len(first)
    assert ids == {m.notification_id for m in again}
    assert not ids & {m.notification_id for m in other}
