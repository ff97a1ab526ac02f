"""The durable consumers' handlers: keep the read model and record the messages each event calls for
(and, on an erasure, remove the person's messages from the embedded sinks).

Each runs inside the consumer's transaction, with the inbox row: a planned message (one row per idempotency
key) exists exactly when its triggering event was handled, whatever the redeliveries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import Event, RecordedEvent
from jobdating.contracts.registration import CANNOT_COME, CandidateErased, CandidateWithdrew
from jobdating.contracts.scheduling import (
    InterviewCompleted,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
)
from jobdating.eventstore.base import Transaction
from jobdating.notifications.application import (
    counsellor_calls,
    preparation,
    queries_deliveries,
    queries_plan,
    waiting,
)
from jobdating.notifications.application.ports import DeliveryWrites, ReadModelWrites, SentCopies
from jobdating.notifications.domain import moments, timing
from jobdating.notifications.domain.messages import PlannedMessage
from jobdating.notifications.domain.planning import Cause, Context, plan
from jobdating.runtime.clock import Clock
from jobdating.runtime.failpoints import failpoint

SCHEDULING_CONSUMER = "notifications-scheduling"
REGISTRATION_CONSUMER = "notifications-registration"
SITES_CONSUMER = "notifications-sites"
# The slots of a published plan follow its PlanPublished; a recruiter's agenda waits for all of them,
# at most this long.
AGENDA_WAIT = timedelta(minutes=10)
# A candidate's change notice waits this long for the changes that come with it (one message for them all).
CHANGE_DELAY = timedelta(minutes=2)


@dataclass(eq=False)
class Planner:
    """Turns consumed events into read-model rows and planned messages."""

    clock: Clock
    timezone: str
    _: KW_ONLY
    read_model: ReadModelWrites
    deliveries: DeliveryWrites
    agenda_wait: timedelta = AGENDA_WAIT
    on_planned: Callable[[], None] | None = None
    copies: Sequence[SentCopies] = ()
    call_wait: timedelta = counsellor_calls.GATHERING
    change_delay: timedelta = CHANGE_DELAY
    update_interval: timedelta = moments.UPDATE_INTERVAL

    def on_scheduling(self, tx: Transaction, event: RecordedEvent) -> None:
        """Handle a scheduling event: plan its messages, then update the read model."""
        env = event.envelope
        now = self.clock.now()
        cause = Cause(event_id=env.event_id, now=now)
        messages = plan(event.data, cause, self._context(tx, event.data))
        messages += preparation.planned(tx, event.data, env.event_id, now, self.timezone)
        messages += waiting.planned(event.data, env.event_id, now)
        self.read_model.apply_scheduling(tx, event)
        for message in messages:
            if self._folded(tx, message):
                continue
            self.deliveries.insert(tx, self._spaced(tx, message), env.correlation_id, now)
        self._bookkeeping(tx, event, cause)
        if isinstance(event.data, SlotCancelled) and event.data.reason != "candidate_withdrew":
            # Cancelled without their asking: their counsellor is told (the candidate's message says so).
            self._call(tx, event, event.data.candidate_id, event.data.job_dating_id)
        failpoint("notifications.after_plan")  # a crash here rolls the whole batch back: it is redelivered
        if messages and self.on_planned is not None:
            # Once committed: the dispatcher, woken, must find them.
            tx.on_commit(self.on_planned)

    def _folded(self, tx: Transaction, message: PlannedMessage) -> bool:
        """Whether a recruiter's update is already on its way for this one: an update to the same company,
        channel and job dating that waits to go tells, when it goes, every slot of theirs that is news then
        (`telling.with_updates`), this one's too. One row per company and moment, not one per slot: at a
        fair's opening, hundreds of walk-ins a minute to each company. An update being sent (claimed before
        it reads what is news) is no longer waiting: the slot then gets its own row, told a moment later."""
        if message.kind != moments.RECRUITER_UPDATE:
            return False
        to = message.recipient
        return queries_deliveries.waiting_to_go(
            tx, to.type, to.id, message.channel, message.kind, message.job_dating_id
        )

    def _spaced(self, tx: Transaction, message: PlannedMessage) -> PlannedMessage:
        """A recruiter's update waits for the end of the interval since the company's last agenda e-mail
        (`moments.update_due`), so that the updates of that interval fall due, and go, as one."""
        if message.kind != moments.RECRUITER_UPDATE or not self.update_interval:
            return message
        to = message.recipient
        went = queries_deliveries.last_went(
            tx, to.type, to.id, message.channel, sorted(moments.RECRUITER_MAIL)
        )
        due = moments.update_due(message.due_at, went, self.update_interval, to.id)
        return message if due == message.due_at else msgspec.structs.replace(message, due_at=due)

    def on_registration(self, tx: Transaction, event: RecordedEvent) -> None:
        self.read_model.apply_registration(tx, event)
        if isinstance(event.data, CandidateWithdrew) and event.data.reason == CANNOT_COME:
            # « Je ne peux pas venir » (their link, or NON to an SMS): their counsellor is told.
            self._call(tx, event, event.data.candidate_id, None)
        if isinstance(event.data, CandidateErased):
            # Before the commit: a crash in between redelivers the event, and forgetting again is harmless.
            sent = queries_deliveries.message_ids_to(tx, "candidate", event.data.candidate_id)
            for copies in self.copies:
                copies.forget(sent)

    def _call(
        self, tx: Transaction, event: RecordedEvent, candidate_id: str, job_dating_id: str | None
    ) -> None:
        env = event.envelope
        planned = counsellor_calls.plan(
            tx,
            self.deliveries,
            candidate_id=candidate_id,
            job_dating_id=job_dating_id,
            cause_event_id=env.event_id,
            correlation_id=env.correlation_id,
            now=self.clock.now(),
            wait=self.call_wait,
        )
        if planned and self.on_planned is not None:
            tx.on_commit(self.on_planned)

    def on_sites(self, tx: Transaction, event: RecordedEvent) -> None:
        self.read_model.apply_sites(tx, event)

    def _context(self, tx: Transaction, event: Event) -> Context:
        match event:
            case SlotAssigned() as e:
                jd = queries_plan.job_dating(tx, e.job_dating_id)
                in_plan = jd is not None and jd.plan_event_id is not None and jd.plan_remaining > 0
                return Context(
                    timezone=jd.timezone if jd else self.timezone,
                    change_delay=self.change_delay,
                    agenda_cause=jd.plan_event_id if jd and in_plan else None,
                    agenda_due=jd.plan_due_at if jd and in_plan else None,
                )
            case InterviewCompleted() as e:
                jd = queries_plan.job_dating(tx, e.job_dating_id)
                slot = queries_plan.slot(tx, e.slot_id)
                # No counsellor here: the bus does not say who follows whom. The notice to the counsellor
                # is planned to nobody yet and resolved when sent, from registration's sealed answer.
                return Context(
                    timezone=jd.timezone if jd else self.timezone,
                    slot_starts_at=slot.starts_at if slot else None,
                )
        return Context(timezone=self.timezone, change_delay=self.change_delay)

    def _bookkeeping(self, tx: Transaction, event: RecordedEvent, cause: Cause) -> None:
        match event.data:
            case PlanPublished() as e:
                self.read_model.open_agenda_window(
                    tx,
                    e.job_dating_id,
                    self.timezone,
                    event.envelope.event_id,
                    cause.now + self.agenda_wait,
                    e.slots,
                )
            case SlotAssigned() as e:
                jd = queries_plan.job_dating(tx, e.job_dating_id)
                if jd is None or jd.plan_event_id is None or jd.plan_remaining <= 0:
                    return
                self.read_model.count_agenda_slot(tx, e.job_dating_id)
                if jd.plan_remaining == 1:
                    # The whole plan is known: the recruiters' agendas and the candidates' convocations go.
                    for kind in ("recruiter_agenda", "convocation"):
                        self.deliveries.release(tx, jd.plan_event_id, kind, cause.now, cause.now)
            case SlotMoved() as e:
                jd = queries_plan.job_dating(tx, e.job_dating_id)
                tz = ZoneInfo(jd.timezone if jd else self.timezone)
                for kind, at in timing.reminder_times(e.starts_at, tz).items():
                    self.deliveries.reschedule(tx, e.slot_id, kind, at, cause.now)
