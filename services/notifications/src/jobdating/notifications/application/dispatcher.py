"""Sends the messages that are due, once: the scheduler loop, the checks, the send, the outcome.

For each due message: check it is still worth sending (rules), ask for the recipient's contact details
(registration, or the staff directory), render it, commit `in_progress`, call the provider, then commit
`sent` with a NotificationSent event. A crash or a timeout between the last two commits leaves the message
`in_progress`: reconciliation then looks for it in the mailbox (e-mail) or resends it with the same
idempotency key (SMS, harmless), and never resends blindly. Temporary failures are retried with backoff,
then the message is `failed` (NotificationFailed), where the coordinator sees it.

The loop is driven by an injected clock: due times are compared with `clock.now()` at every wake-up
(after a consumer planned messages, after a send, and every `tick` seconds), so a sped-up clock works.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal, TypeVar

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import NotificationFailed, NotificationSent, NotificationSkipped
from jobdating.contracts.queries import Contact
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.notifications.adapters import deliveries, projections
from jobdating.notifications.adapters.deliveries import Delivery
from jobdating.notifications.adapters.projections import Candidate, Company, Slot
from jobdating.notifications.application.content import Content, ContentBuilder, Facts, MissingFacts
from jobdating.notifications.application.ports import (
    Accepted,
    CalendarWriter,
    Contacts,
    ContactsUnavailable,
    Email,
    EmailChannel,
    MailboxProbe,
    Rejected,
    Renderer,
    SendResult,
    Sms,
    SmsChannel,
    StaffDirectory,
)
from jobdating.notifications.domain import outcome, rules, timing
from jobdating.notifications.domain.calendar import invitation_for
from jobdating.notifications.domain.rules import Defer, Due, Person, Skip, SlotFacts
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import Aggregate, CommandBus, Meta, UnitOfWork
from jobdating.runtime.failpoints import failpoint

ACTOR = "notifications"
AGGREGATE = Aggregate(outcome.initial, outcome.evolve)
SLOT_SUBJECT_KINDS = frozenset(
    {
        "convocation",
        "reminder_two_days",
        "reminder_morning",
        "slot_moved",
        "slot_cancelled",
        "agenda_update",
        "thank_you",
        "counsellor_outcome",
    }
)
OutcomeHook = Callable[[str, str, str], None]
T = TypeVar("T")


class TryLater(Exception):
    """A temporary obstacle before the provider call (no contact answer, a fact not known yet)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class GiveUp(Exception):
    """A permanent obstacle before the provider call (registration does not know the person)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Dispatcher:
    """The scheduler and sender of due messages; one per service instance."""

    def __init__(
        self,
        *,
        store: EventStore,
        bus: CommandBus,
        contacts: Contacts,
        staff: StaffDirectory,
        renderer: Renderer,
        calendar: CalendarWriter,
        email: EmailChannel,
        sms: SmsChannel,
        probe: MailboxProbe | None,
        clock: Clock,
        org: str,
        timezone: str,
        mail_from: str,
        video_base_url: str = rules.DEFAULT_VIDEO_BASE_URL,
        retry_delays: Sequence[float] = timing.DEFAULT_RETRY_DELAYS,
        concurrency: int = 16,
        tick: float = 0.2,
        uncertain_grace: timedelta = timedelta(minutes=2),
        wakeup: asyncio.Event | None = None,
        log: Any = None,
        on_outcome: OutcomeHook | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.contacts = contacts
        self.staff = staff
        self.content = ContentBuilder(store, contacts, staff, timezone)
        self.renderer = renderer
        self.calendar = calendar
        self.email = email
        self.sms = sms
        self.probe = probe
        self.clock = clock
        self.org = org
        self.timezone = timezone
        self.mail_from = mail_from
        self.mail_domain = mail_from.rpartition("@")[2] or "jobdating.invalid"
        self.video_base_url = video_base_url
        self.retry_delays = tuple(retry_delays)
        self.concurrency = concurrency
        self.tick = tick
        self.uncertain_grace = uncertain_grace
        self.log = log
        self.on_outcome = on_outcome
        self.wakeup = wakeup or asyncio.Event()
        self._inflight: dict[str, asyncio.Task[None]] = {}

    def wake(self) -> None:
        """Look for due messages now (called after a consumer planned some; same event loop)."""
        self.wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Reconcile what a previous run left in progress, then send due messages until `stop` is set."""
        await self.reconcile()
        last_sweep = self.clock.now()
        while not stop.is_set():
            self.wakeup.clear()
            now = self.clock.now()
            if now - last_sweep >= self.uncertain_grace:
                # Sends that timed out during this run: their mailbox has had time to show them.
                await self.reconcile(older_than=self.uncertain_grace)
                last_sweep = now
            self._launch_due()
            waiters = [asyncio.ensure_future(self.wakeup.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=self.tick, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
        if self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        if self.log is not None:
            group = self.store.group_commit
            self.log.info("dispatcher_stopped", writes=group.writes, commits=group.commits)

    async def run_until_idle(self) -> int:
        """Send everything due now and return how many messages were handled (tests, `redrive`)."""
        handled = 0
        while True:
            handled += self._launch_due()
            if not self._inflight:
                return handled
            await asyncio.gather(*list(self._inflight.values()))

    async def reconcile(self, older_than: timedelta | None = None) -> int:
        """Settle messages left in progress (crash, timeout); returns how many were settled."""
        before = self.clock.now() - (older_than or timedelta(0))
        settled = 0
        for d in deliveries.in_progress_since(self.store, before + timedelta(microseconds=1)):
            if d.notification_id in self._inflight:
                continue
            await self._settle_uncertain(d)
            settled += 1
        return settled

    def _launch_due(self) -> int:
        free = self.concurrency - len(self._inflight)
        if free <= 0:
            return 0
        launched = 0
        for d in deliveries.due(self.store, self.clock.now(), free + len(self._inflight)):
            if d.notification_id in self._inflight:
                continue
            task = asyncio.create_task(self._process(d))
            self._inflight[d.notification_id] = task
            task.add_done_callback(functools.partial(self._done, d.notification_id))
            launched += 1
            if launched == free:
                break
        return launched

    def _done(self, notification_id: str, _task: asyncio.Task[None]) -> None:
        self._inflight.pop(notification_id, None)
        self.wakeup.set()

    async def _process(self, d: Delivery) -> None:
        try:
            await self._deliver(d)
        except TryLater as exc:
            await self._temporary(d, exc.code, counted=True)
        except GiveUp as exc:
            await self._fail(d, exc.code, d.attempts + 1)
        except Exception as exc:  # a bug must not stall the queue: the message is retried, then failed
            self._log_error("notification_error", d, error=type(exc).__name__)
            await self._temporary(d, f"internal_{type(exc).__name__}", counted=True)

    async def _deliver(self, d: Delivery) -> None:
        now = self.clock.now()
        d = await self._with_recipient(d)
        # Each fact is read once and handed on: the rules, the contact question and the content share them.
        facts = Facts(
            job_dating=projections.job_dating(self.store, d.job_dating_id),
            slot=self._slot(d),
            registered=self._registered(d),
        )
        if facts.slot is not None and not rules.video_link_trusted(
            facts.slot.video_link, self.video_base_url
        ):
            # A slot whose link is not the video host's was forged: nobody is sent there.
            raise GiveUp("video_link_untrusted")
        slot = facts.slot.facts() if facts.slot is not None else None
        told = (
            projections.told(self.store, d.subject_id, d.recipient_type, d.recipient_id, d.channel)
            if slot is not None
            else None
        )
        timezone = facts.job_dating.timezone if facts.job_dating else self.timezone
        due = Due(kind=d.kind, channel=d.channel, recipient_type=d.recipient_type, expects=d.expects)
        decision = rules.before_contact(due, self._person(d, facts.registered), slot, told, now, timezone)
        if isinstance(decision, Skip):
            await self._skip(d, decision.reason)
            return
        if isinstance(decision, Defer):
            until = decision.until
            await self.write(lambda tx: deliveries.mark_pending(tx, d.notification_id, until, now))
            return
        contact = await self._contact(d, facts.registered)
        if isinstance(contact, Skip):
            await self._skip(d, contact.reason)
            return
        verdict = rules.after_contact(due, contact)
        if isinstance(verdict, Skip):
            await self._skip(d, verdict.reason)
            return
        try:
            content = await self.content.build(d, contact, facts)
        except MissingFacts as exc:
            raise TryLater(exc.code) from exc
        message = self._compose(d, contact, content)
        message_id = message.message_id if isinstance(message, Email) else d.notification_id
        presented, started = content.presented, self.clock.now()
        await self.write(
            lambda tx: deliveries.mark_in_progress(tx, d.notification_id, message_id, presented, started)
        )
        failpoint("notifications.before_send")
        try:
            result = await self._send(message)
        except Exception as exc:  # the call may have gone through: reconciliation decides
            self._log_error("notification_send_error", d, error=type(exc).__name__)
            return
        failpoint("notifications.after_send_before_mark")
        try:
            await self._settle(d, result, content.presented)
        except Exception as exc:  # the provider took it: never back to pending, reconciliation settles it
            self._log_error("notification_mark_error", d, error=type(exc).__name__)

    async def _settle(self, d: Delivery, result: SendResult, presented: Sequence[SlotFacts]) -> None:
        attempts = d.attempts + 1
        if isinstance(result, Accepted):
            await self._sent(d, result.provider_message_id, presented, attempts)
        elif isinstance(result, Rejected):
            if result.temporary:
                await self._temporary(
                    msgspec.structs.replace(d, attempts=attempts), result.error, counted=False
                )
            else:
                await self._fail(d, result.error, attempts)
        else:
            # Left in progress: the next reconciliation sweep looks for it in the mailbox.
            self._log_warning("notification_uncertain", d, error=result.error)

    async def _send(self, message: Email | Sms) -> SendResult:
        if isinstance(message, Email):
            return await self.email.send(message)
        return await self.sms.send(message)

    async def _with_recipient(self, d: Delivery) -> Delivery:
        if d.recipient_type != "counsellor" or d.recipient_id:
            return d
        # Planned before the candidate's registration reached us: the counsellor is known by now, or later.
        slot = projections.slot(self.store, d.subject_id)
        candidate = projections.candidate(self.store, slot.candidate_id) if slot else None
        if candidate is None or not candidate.counsellor_id:
            raise TryLater("unknown_recipient")
        counsellor_id = candidate.counsellor_id
        await self.write(lambda tx: deliveries.set_recipient(tx, d.notification_id, counsellor_id))
        return msgspec.structs.replace(d, recipient_id=counsellor_id)

    def _slot(self, d: Delivery) -> Slot | None:
        if d.kind not in SLOT_SUBJECT_KINDS:
            return None
        slot = projections.slot(self.store, d.subject_id)
        if slot is None:
            raise TryLater("slot_unknown")
        return slot

    def _registered(self, d: Delivery) -> Candidate | Company | None:
        if d.recipient_type == "candidate":
            return projections.candidate(self.store, d.recipient_id)
        if d.recipient_type == "company":
            return projections.company(self.store, d.recipient_id)
        return None

    def _person(self, d: Delivery, registered: Candidate | Company | None) -> Person:
        if isinstance(registered, Candidate):
            return registered.person()
        if isinstance(registered, Company):
            return Person(status="withdrawn" if registered.status == "withdrawn" else "active")
        if d.recipient_type == "candidate":
            return Person(status="unknown", reminders=projections.wants_reminders(self.store, d.recipient_id))
        return Person(status="unknown" if d.recipient_type == "company" else "active")

    async def _contact(self, d: Delivery, registered: Candidate | Company | None) -> Contact | Skip:
        if d.recipient_type in ("counsellor", "coach"):
            member = self.staff.get(d.recipient_id)
            if member is None:
                raise TryLater("staff_unknown")
            return Contact(first_name=member.first_name, email=member.email, phone=member.phone)
        subject_type: Literal["candidate", "company"] = (
            "candidate" if d.recipient_type == "candidate" else "company"
        )
        if registered is None:
            raise TryLater(f"{subject_type}_unknown")
        try:
            answer = await self.contacts.ask(
                registered.org, subject_type, d.recipient_id, f"notifications:{d.kind}"
            )
        except ContactsUnavailable as exc:
            raise TryLater("contact_unavailable") from exc
        if answer.status in ("erased", "withdrawn"):
            return Skip(answer.status)
        if answer.status == "unknown":
            raise GiveUp("unknown_recipient")
        if answer.status == "refused" or answer.contact is None:
            raise GiveUp("contact_refused")
        return answer.contact

    def _compose(self, d: Delivery, contact: Contact, content: Content) -> Email | Sms:
        rendered = self.renderer.render(d.kind, d.channel, content.context)
        if d.channel == "sms":
            assert contact.phone is not None  # checked by rules.after_contact
            return Sms(to=contact.phone, text=rendered.text, idempotency_key=d.notification_id)
        assert contact.email is not None  # checked by rules.after_contact
        invitation = invitation_for(content.entries)
        return Email(
            to=contact.email,
            subject=rendered.subject,
            text=rendered.text,
            message_id=f"<{d.notification_id}@{self.mail_domain}>",
            headers={
                "X-Jobdating-Notification": d.notification_id,
                "X-Jobdating-Kind": d.kind,
                "X-Jobdating-Cause": d.cause_event_id,
            },
            calendar=self.calendar.write(invitation, self.mail_from) if invitation else None,
            calendar_method=invitation.method if invitation else None,
        )

    async def _settle_uncertain(self, d: Delivery) -> None:
        now = self.clock.now()
        if d.channel == "sms":
            # Same idempotency key: the provider answers a second send with the first one's message.
            await self.write(lambda tx: deliveries.mark_pending(tx, d.notification_id, now, now))
            self._log_warning("notification_resend_with_same_key", d)
            return
        held = self.probe.holds(d.message_id) if self.probe is not None and d.message_id else None
        if held is True:
            presented = deliveries.presented(self.store, d.notification_id)
            await self._sent(d, d.message_id or "", presented, d.attempts)
            self._log_warning("notification_reconciled_sent", d)
        elif held is False:
            await self.write(lambda tx: deliveries.mark_pending(tx, d.notification_id, now, now))
            self._log_warning("notification_reconciled_not_received", d)
        else:
            # Nobody can tell whether it went: the coordinator decides (sending again may duplicate it).
            await self._fail(d, "uncertain", d.attempts)

    # ---- outcomes -------------------------------------------------------------------------------

    async def _sent(
        self, d: Delivery, provider_message_id: str, presented: Sequence[SlotFacts], attempts: int
    ) -> None:
        def update(tx: Transaction) -> None:
            now = self.clock.now()
            deliveries.mark_final(tx, d.notification_id, "sent", now, provider_message_id=provider_message_id)
            for facts in presented:
                projections.remember_told(
                    tx, facts.slot_id, d.recipient_type, d.recipient_id, d.channel, facts.told()
                )

        event = NotificationSent(
            **self._common(d), attempts=attempts, provider_message_id=provider_message_id
        )
        await self._record(d, event, update)
        self._outcome("sent", d)

    async def _skip(self, d: Delivery, reason: str) -> None:
        def update(tx: Transaction) -> None:
            deliveries.mark_final(tx, d.notification_id, "skipped", self.clock.now(), reason=reason)

        await self._record(d, NotificationSkipped(**self._common(d), reason=reason), update)
        self._outcome("skipped", d)

    async def _fail(self, d: Delivery, error: str, attempts: int) -> None:
        def update(tx: Transaction) -> None:
            deliveries.mark_final(tx, d.notification_id, "failed", self.clock.now(), error=error)

        await self._record(d, NotificationFailed(**self._common(d), attempts=attempts, error=error), update)
        self._outcome("failed", d)
        self._log_error("notification_failed", d, error=error, attempts=attempts)

    async def _temporary(self, d: Delivery, error: str, *, counted: bool) -> None:
        attempts = d.attempts + 1 if counted else d.attempts
        now = self.clock.now()
        again = timing.retry_at(now, attempts, self.retry_delays)
        if again is None:
            await self._fail(d, error, attempts)
            return
        await self.write(
            lambda tx: deliveries.mark_pending(
                tx, d.notification_id, again, now, attempts=attempts, error=error
            )
        )
        self._log_warning("notification_retry", d, error=error, attempts=attempts, at=again.isoformat())

    async def write(self, update: Callable[[Transaction], T]) -> T:
        """Update the deliveries' rows; the writes of concurrent sends share one commit (the store's
        group commit: a send commits twice, and one fsync per write would bound the event loop)."""
        return await self.bus.run_async(lambda w: update(w.tx))

    async def _record(self, d: Delivery, event: Event, update: Callable[[Transaction], None]) -> None:
        """Append the outcome to the notification's stream and update its row, in one (shared) commit."""
        meta = Meta(
            org=self.org, actor_id=ACTOR, correlation_id=d.correlation_id, causation_id=d.cause_event_id
        )

        def work(w: UnitOfWork) -> None:
            notification = w.fold(AGGREGATE, d.notification_id)
            # Nothing is appended when an earlier run recorded it: the row is brought in line all the same.
            w.append(d.notification_id, outcome.record(event)(notification), meta)
            update(w.tx)

        await self.bus.run_async(work)

    def _common(self, d: Delivery) -> dict[str, Any]:
        return {
            "notification_id": d.notification_id,
            "kind": d.kind,
            "channel": d.channel,
            "recipient_type": d.recipient_type,
            "recipient_id": d.recipient_id,
            "cause_event_id": d.cause_event_id,
            "subject_id": d.subject_id,
        }

    def _outcome(self, status: str, d: Delivery) -> None:
        if self.on_outcome is not None:
            self.on_outcome(status, d.channel, d.kind)

    def _log_warning(self, what: str, d: Delivery, **fields: Any) -> None:
        if self.log is not None:
            self.log.warning(what, **self._log_fields(d), **fields)

    def _log_error(self, what: str, d: Delivery, **fields: Any) -> None:
        if self.log is not None:
            self.log.error(what, **self._log_fields(d), **fields)

    @staticmethod
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
