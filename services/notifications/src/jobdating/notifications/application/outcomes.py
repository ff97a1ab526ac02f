"""How a message's send ends: sent, skipped, failed, or back in the queue for a retry.

Each final outcome appends its event (NotificationSent, NotificationSkipped, NotificationFailed) to the
notification's stream and updates its delivery row in one commit; what a recipient was told of a slot is
recorded with the `sent` mark. The logs carry ids and kinds only, never a contact detail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import (
    Carrier,
    NotificationFailed,
    NotificationSent,
    NotificationSkipped,
)
from jobdating.eventstore.base import Transaction
from jobdating.notifications.application import counsellor_calls, queries_deliveries
from jobdating.notifications.application.ports import DeliveryWrites, ReadModelWrites
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.domain import moments, outcome, timing
from jobdating.notifications.domain.rules import SlotFacts
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import Aggregate, CommandBus, Meta, UnitOfWork

ACTOR = "notifications"
AGGREGATE = Aggregate(outcome.initial, outcome.evolve)
OutcomeHook = Callable[[str, str, str], None]
T = TypeVar("T")
_EVENT_FIELDS = (
    "notification_id",
    "kind",
    "channel",
    "recipient_type",
    "recipient_id",
    "cause_event_id",
    "subject_id",
)


def event_fields(d: Delivery) -> dict[str, Any]:
    """What every outcome and receipt event says of its message, as the delivery row has it."""
    return {name: getattr(d, name) for name in _EVENT_FIELDS}


@dataclass(eq=False)
class Outcomes:
    """Records where each message stands, through the command bus (the store's group commit)."""

    _: KW_ONLY
    bus: CommandBus
    deliveries: DeliveryWrites
    read_model: ReadModelWrites
    clock: Clock
    org: str
    retry_delays: Sequence[float]
    log: Any = None
    on_outcome: OutcomeHook | None = None
    call_wait: timedelta = counsellor_calls.GATHERING

    def __post_init__(self) -> None:
        self.retry_delays = tuple(self.retry_delays)

    async def write(self, update: Callable[[Transaction], T]) -> T:
        """Update the deliveries' rows; the writes of concurrent sends share one commit (the store's
        group commit: a send commits twice, and one fsync per write would bound the event loop)."""
        return await self.bus.run_async(lambda w: update(w.tx))

    async def in_progress(
        self,
        d: Delivery,
        message_id: str,
        presented: Sequence[SlotFacts],
        started: datetime,
        told_with: Sequence[Delivery] = (),
        carried: Sequence[str] = (),
    ) -> None:
        """Committed before the provider is called. `told_with`: the other notices `d` says (a counsellor's
        of the same moment) end skipped `already_told` in the same commit, their candidates kept with `d`:
        from then on, only `d` (or its resend) tells of them. `carried`: the messages of the same moment
        `d` tells too (`domain.moments`), kept with its mark and skipped `merged` once it is sent."""

        def work(w: UnitOfWork) -> None:
            self.deliveries.mark_in_progress(w.tx, d.notification_id, message_id, presented, started, carried)
            if not told_with:
                return
            self.deliveries.tell_with(w.tx, d.notification_id, [o.subject_id for o in told_with])
            for other in told_with:
                reason = counsellor_calls.ALREADY_TOLD
                self._append(w, other, NotificationSkipped(**event_fields(other), reason=reason))
                self.deliveries.mark_final(w.tx, other.notification_id, "skipped", started, reason=reason)

        await self.bus.run_async(work)
        for other in told_with:
            self._outcome("skipped", other)

    async def claim(self, d: Delivery, now: datetime) -> Delivery:
        """Being sent from now on, committed before what it tells is read (a recruiter's update: no slot
        is folded into it any more). No message id yet: a crash before the provider is called leaves it
        in progress without one, and reconciliation puts it back in the queue (`Sending.settle_uncertain`)."""
        await self.write(lambda tx: self.deliveries.claim(tx, d.notification_id, now))
        return msgspec.structs.replace(d, status="in_progress", message_id=None)

    async def back_to_queue(self, d: Delivery, due_at: datetime, now: datetime) -> None:
        """Pending again, due at `due_at` (quiet hours, a send known not to have happened)."""
        await self.write(lambda tx: self.deliveries.mark_pending(tx, d.notification_id, due_at, now))

    async def sent(
        self,
        d: Delivery,
        provider_message_id: str,
        presented: Sequence[SlotFacts],
        attempts: int,
        carried_by: Carrier | None = None,
        carried: Sequence[Delivery] = (),
    ) -> None:
        """`carried_by`: the channel that took it when not the planned one (a landline's voice call);
        `carried`: the messages of the same moment it told too, skipped (`merged`) in the same commit."""

        def update(tx: Transaction) -> None:
            now = self.clock.now()
            self.deliveries.mark_final(
                tx,
                d.notification_id,
                "sent",
                now,
                provider_message_id=provider_message_id,
                carried_by=carried_by,
            )
            self.read_model.remember_told(
                tx,
                d.recipient_type,
                d.recipient_id,
                d.channel,
                [(facts.slot_id, facts.told()) for facts in presented],
            )

        event = NotificationSent(
            **event_fields(d),
            attempts=attempts,
            provider_message_id=provider_message_id,
            carried_by=carried_by,
        )

        def told_too(w: UnitOfWork) -> None:
            self._merged(w, carried)

        await self._record(d, event, update, told_too)
        self._outcome("sent", d, carried_by)
        for other in carried:
            self._outcome("skipped", other)

    def _merged(self, w: UnitOfWork, carried: Sequence[Delivery]) -> None:
        """The messages a carrier told: skipped in the carrier's commit, once (not those that went their
        own way meanwhile). Read together: a recruiter's update at an interval's end carries hundreds, and
        this commit holds the event loop."""
        found = queries_deliveries.get_many(w.tx, [o.notification_id for o in carried])
        pending = [found[o.notification_id] for o in carried if o.notification_id in found]
        pending = [row for row in pending if row.status == "pending"]
        # Most have no event yet (a message failed and retried by hand has one): those are not read again.
        w.known_new([row.notification_id for row in pending])
        # Their events in one insert and their rows in one statement, not a statement or three each.
        w.append_each(
            self._outcome_of(w, row, NotificationSkipped(**event_fields(row), reason=moments.MERGED))
            for row in pending
        )
        self.deliveries.skip_all(
            w.tx, [row.notification_id for row in pending], self.clock.now(), moments.MERGED
        )

    async def skipped(self, d: Delivery, reason: str) -> None:
        def update(tx: Transaction) -> None:
            self.deliveries.mark_final(tx, d.notification_id, "skipped", self.clock.now(), reason=reason)
            self._unreached(tx, d, reason)

        await self._record(d, NotificationSkipped(**event_fields(d), reason=reason), update)
        self._outcome("skipped", d)

    async def failed(self, d: Delivery, error: str, attempts: int) -> None:
        def update(tx: Transaction) -> None:
            self.deliveries.mark_final(tx, d.notification_id, "failed", self.clock.now(), error=error)
            self._unreached(tx, d, None)

        await self._record(d, NotificationFailed(**event_fields(d), attempts=attempts, error=error), update)
        self._outcome("failed", d)
        self.error("notification_failed", d, error=error, attempts=attempts)

    async def temporary(self, d: Delivery, error: str, *, counted: bool) -> None:
        """A temporary obstacle: retried after the next backoff delay, failed once they are spent."""
        attempts = d.attempts + 1 if counted else d.attempts
        now = self.clock.now()
        again = timing.retry_at(now, attempts, self.retry_delays)
        if again is None:
            await self.failed(d, error, attempts)
            return
        await self.write(
            lambda tx: self.deliveries.mark_retry(tx, d.notification_id, again, now, attempts, error)
        )
        self.warning("notification_retry", d, error=error, attempts=attempts, at=again.isoformat())

    def _unreached(self, tx: Transaction, d: Delivery, reason: str | None) -> None:
        """A candidate no channel reached with news they needed: their counsellor is told, in the commit
        that records why."""
        if counsellor_calls.not_reached(tx, d, reason):
            counsellor_calls.plan(
                tx,
                self.deliveries,
                candidate_id=d.recipient_id,
                job_dating_id=d.job_dating_id,
                cause_event_id=d.notification_id,
                correlation_id=d.correlation_id,
                now=self.clock.now(),
                wait=self.call_wait,
            )

    async def _record(
        self,
        d: Delivery,
        event: Event,
        update: Callable[[Transaction], None],
        more: Callable[[UnitOfWork], None] | None = None,
    ) -> None:
        """Append the outcome to the notification's stream and update its row, in one (shared) commit;
        `more` records what goes with it in that commit (the messages a carrier told)."""

        def work(w: UnitOfWork) -> None:
            self._append(w, d, event)
            update(w.tx)
            if more is not None:
                more(w)

        await self.bus.run_async(work)

    def _append(self, w: UnitOfWork, d: Delivery, event: Event) -> None:
        w.append_each([self._outcome_of(w, d, event)])

    def _outcome_of(self, w: UnitOfWork, d: Delivery, event: Event) -> tuple[str, Sequence[Event], Meta]:
        """What `d`'s stream records of `event`, to append: nothing when an earlier run recorded it (the
        row is brought in line all the same)."""
        meta = Meta(
            org=self.org, actor_id=ACTOR, correlation_id=d.correlation_id, causation_id=d.cause_event_id
        )
        return d.notification_id, outcome.record(event)(w.fold(AGGREGATE, d.notification_id)), meta

    def _outcome(self, status: str, d: Delivery, carried_by: str | None = None) -> None:
        if self.on_outcome is not None:
            self.on_outcome(status, carried_by or d.channel, d.kind)

    def warning(self, what: str, d: Delivery, **fields: Any) -> None:
        if self.log is not None:
            self.log.warning(what, **_log_fields(d), **fields)

    def error(self, what: str, d: Delivery, **fields: Any) -> None:
        if self.log is not None:
            self.log.error(what, **_log_fields(d), **fields)


def _log_fields(d: Delivery) -> dict[str, Any]:
    # Ids and kinds only: never an address, a phone number or a name.
    return {
        "notification_id": d.notification_id,
        "kind": d.kind,
        "channel": d.channel,
        "recipient_type": d.recipient_type,
        "event_id": d.cause_event_id,
        "correlation_id": d.correlation_id,
    }
