"""Sends the messages that are due, once: the scheduler loop, the checks, the send, the outcome.

For each due message: check it is still worth sending (rules), ask for the recipient's contact details
(registration, or the staff directory: `recipients`), render it, commit `in_progress`, call the provider,
then commit `sent` with a NotificationSent event (`outcomes`). A crash or a timeout between the last two
commits leaves the message `in_progress`: reconciliation then looks for it in the mailbox (e-mail) or
resends it with the same idempotency key (SMS or voice call, harmless), and never resends blindly. A
message on the SMS channel to a landline is read aloud in a voice call instead (`domain.reach`), and its
NotificationSent says so (`carried_by`). Temporary failures are
retried with backoff, then the message is `failed` (NotificationFailed), where the coordinator sees it.

Two messages to the same person on the same channel are never processed at once: the second one waits for
the first to end, so that it sees what the first told (a digest of slot news leaves nothing for the notices
planned by the other slots of the same moment; one reminder per day). Counsellors' notices not yet
addressed go one at a time: the one that goes addresses the others and tells its counsellor of theirs too
(`counsellor_calls`). Across kinds (`domain.moments`), the interview message of a moment carries that
person's workshop and counsellor messages of the same moment: they are rendered into it, recorded with its
`in_progress` mark and skipped (`merged`) when it is sent.

The loop is driven by an injected clock: due times are compared with `clock.now()` at every wake-up
(after a consumer planned messages, after a send, and every `tick` seconds), so a sped-up clock works.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.notifications import Carrier
from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import (
    counsellor_calls,
    preparation,
    queries_deliveries,
    queries_plan,
    waiting,
)
from jobdating.notifications.application.content import Content, ContentBuilder, Facts, MissingFacts
from jobdating.notifications.application.messenger import Messenger
from jobdating.notifications.application.outcomes import OutcomeHook, Outcomes
from jobdating.notifications.application.pacing import Pacer
from jobdating.notifications.application.planner import CHANGE_DELAY
from jobdating.notifications.application.ports import (
    Accepted,
    CalendarWriter,
    Contacts,
    DeliveryWrites,
    Email,
    EmailChannel,
    MailboxProbe,
    ReadModelWrites,
    Rejected,
    Renderer,
    SendResult,
    SmsChannel,
    StaffDirectory,
    VoiceChannel,
)
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.recipients import GiveUp, Recipients, TryLater
from jobdating.notifications.domain import moments, reach, rules, timing
from jobdating.notifications.domain.messages import DAY_REMINDERS
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.notifications.domain.rules import Defer, Due, Skip, SlotFacts
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.failpoints import failpoint
from jobdating.runtime.phones import line_kind


class Dispatcher:
    """The scheduler and sender of due messages; one per service instance."""

    def __init__(
        self,
        *,
        store: EventStore,
        bus: CommandBus,
        deliveries: DeliveryWrites,
        read_model: ReadModelWrites,
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
        pacers: Mapping[str, Pacer] | None = None,
        tick: float = 0.2,
        uncertain_grace: timedelta = timedelta(minutes=2),
        wakeup: asyncio.Event | None = None,
        log: Any = None,
        on_outcome: OutcomeHook | None = None,
        links: PersonalLinks | None = None,
        voice: VoiceChannel | None = None,
        coordinator_phone: str | None = None,
        call_wait: timedelta = counsellor_calls.GATHERING,
        moment: timedelta = CHANGE_DELAY,
        update_interval: timedelta = moments.UPDATE_INTERVAL,
    ) -> None:
        self.store = store
        # How far ahead a candidate's news gathers the news of the same moment (the change delay).
        self.moment = moment
        # How long a company's agenda update waits after its last agenda e-mail (`moments.update_due`).
        self.update_interval = update_interval
        self.deliveries = deliveries
        self.content = ContentBuilder(store, contacts, staff, timezone, links, coordinator_phone)
        self.outcomes = Outcomes(
            bus=bus,
            deliveries=deliveries,
            read_model=read_model,
            clock=clock,
            org=org,
            retry_delays=retry_delays,
            log=log,
            on_outcome=on_outcome,
            call_wait=call_wait,
        )
        self.recipients = Recipients(
            store=store, deliveries=deliveries, outcomes=self.outcomes, contacts=contacts, staff=staff
        )
        self.messenger = Messenger(
            renderer=renderer, calendar=calendar, email=email, sms=sms, mail_from=mail_from, voice=voice
        )
        self.probe = probe
        self.clock = clock
        self.timezone = timezone
        self.video_base_url = video_base_url
        self.concurrency = concurrency
        # Per channel, the provider's rate: messages beyond it wait for a token, not for a 429.
        self.pacers: Mapping[str, Pacer] = pacers or {}
        self._paced_for: float | None = None  # seconds until a passed-over message may go
        self._pace_timer: asyncio.TimerHandle | None = None
        self.tick = tick
        self.uncertain_grace = uncertain_grace
        self.log = log
        self.wakeup = wakeup or asyncio.Event()
        self._inflight: dict[str, asyncio.Task[None]] = {}
        # (recipient type, recipient id, channel) of the messages in flight: one at a time per person.
        self._busy: dict[tuple[str, str, str], str] = {}
        # The messages in flight to anyone but a candidate, and how many places they may hold.
        self._others: set[str] = set()
        self._others_places = max(1, concurrency // 4)

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
                if self._paced_for is None:
                    return handled
                await asyncio.sleep(self._paced_for)  # messages wait for their provider's next token
                continue
            await asyncio.gather(*list(self._inflight.values()))

    async def reconcile(self, older_than: timedelta | None = None) -> int:
        """Settle messages left in progress (crash, timeout); returns how many were settled."""
        before = self.clock.now() - (older_than or timedelta(0))
        settled = 0
        for d in queries_deliveries.in_progress_since(self.store, before + timedelta(microseconds=1)):
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
        self._paced_for = None
        limit = 4 * (free + len(self._inflight))
        # Read beyond the free places: rows waiting for their recipient's message in flight are passed over,
        # and so are those whose provider has no token for now, and those to anyone but a candidate once
        # they hold their share of the places. When a whole page was passed over (an interval's end makes
        # thousands of updates due at one instant to a few companies), the next look leaves out the busy
        # recipients in the query itself: the convocations due after them are not held behind them.
        for second_look in (False, True):
            held_back = False  # a row passed over for its recipient or its share, not for a token
            for d in queries_deliveries.due(
                self.store,
                self.clock.now(),
                limit,
                self._inflight.__contains__,
                waiting=self._waiting() if second_look else (),
                candidates_only=second_look and self._others_full(),
            ):
                started = self._launch(d)
                if started is None:
                    continue  # its provider has no token: looking further for it would not help
                if not started:
                    held_back = True
                    continue
                launched += 1
                if launched == free:
                    break
            if launched == free or not held_back:
                break
        if self._paced_for is not None:
            self._wake_in(self._paced_for)
        return launched

    def _launch(self, d: Delivery) -> bool | None:
        """Start sending `d` (True), unless its recipient has a message in flight or the places for
        anyone but candidates are taken (False), or its provider has no token for now (None)."""
        person = _person_channel(d)
        if person in self._busy:
            return False
        other = d.recipient_type != "candidate"
        if other and self._others_full():
            return False
        pacer = self.pacers.get(d.channel)
        if pacer is not None and not pacer.take():
            self._paced_for = pacer.wait()
            return None
        task = asyncio.create_task(self._process(d))
        self._inflight[d.notification_id] = task
        self._busy[person] = d.notification_id
        if other:
            self._others.add(d.notification_id)
        task.add_done_callback(functools.partial(self._done, d.notification_id))
        return True

    def _others_full(self) -> bool:
        """Whether messages to anyone but a candidate hold their share of the places: a company's update
        telling hundreds of slots takes seconds, and the convocations must not wait for the places."""
        return len(self._others) >= self._others_places

    def _waiting(self) -> list[str]:
        """The recipients with a message in flight (by id), whose due rows the next look leaves out."""
        return sorted({recipient for (_type, recipient, _channel) in self._busy})

    def _wake_in(self, seconds: float) -> None:
        """Look again when the next token is due (not at the next tick: a wave would crawl at 5 a second)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        timer = self._pace_timer
        if timer is not None and not timer.cancelled() and now < timer.when() <= now + seconds:
            return  # an earlier look is already due
        if timer is not None:
            timer.cancel()
        self._pace_timer = loop.call_at(now + seconds, self.wakeup.set)

    def _done(self, notification_id: str, _task: asyncio.Task[None]) -> None:
        self._inflight.pop(notification_id, None)
        self._others.discard(notification_id)
        # The person it was launched for, and the counsellor it was addressed to since (`_told_with`).
        for person in [p for p, holder in self._busy.items() if holder == notification_id]:
            del self._busy[person]
        self.wakeup.set()

    async def _process(self, d: Delivery) -> None:
        try:
            await self._deliver(d)
        except TryLater as exc:
            await self.outcomes.temporary(d, exc.code, counted=True)
        except GiveUp as exc:
            await self.outcomes.failed(d, exc.code, d.attempts + 1)
        except Exception as exc:  # a bug must not stall the queue: the message is retried, then failed
            self.outcomes.error("notification_error", d, error=type(exc).__name__)
            await self.outcomes.temporary(d, f"internal_{type(exc).__name__}", counted=True)

    async def _deliver(self, d: Delivery) -> None:
        now = self.clock.now()
        resolved = await self.recipients.resolved(d)
        if isinstance(resolved, Skip):
            await self.outcomes.skipped(d, resolved.reason)
            return
        d = resolved
        later = self._spaced(d, now)
        if later is not None:  # the company's last agenda e-mail went too recently: this one waits
            await self.outcomes.back_to_queue(d, later, now)
            return
        told_with: list[Delivery] = []
        if d.kind == counsellor_calls.KIND:
            found = await self._told_with(d)
            if found is None:  # another message to this counsellor is on its way: this one waits for it
                await self.outcomes.back_to_queue(d, now, now)
                return
            told_with = found
        stale = preparation.stale(self.store, d, now) or waiting.stale(self.store, d)
        if stale is not None:  # a seat given back, a session called off, a time already past
            await self.outcomes.skipped(d, stale)
            return
        facts = msgspec.structs.replace(self.recipients.facts(d), told_with=tuple(told_with))
        timezone = facts.job_dating.timezone if facts.job_dating else self.timezone
        # A workshop's or counsellor's SMS already handed to the provider once (a kill before its outcome
        # was recorded) goes again alone under the same key: carried by another message now, it would be
        # told twice. (An interview message keeps its rule: it waits for nothing and carries what it did.)
        merging = d.recipient_type == "candidate" and not (_handed_over(d) and moments.rank(d.kind))
        moment = moments.moment_of(d.kind) if merging else None
        carried_kind = moment is not None or d.kind == moments.RECRUITER_UPDATE
        carrier = queries_deliveries.carrier_of(self.store, d) if carried_kind else None
        if carrier is not None:  # its carrier was interrupted (a crash): it goes again first, and tells it
            await self.outcomes.back_to_queue(d, max(carrier.due_at, now) + moments.AFTER_CARRIER, now)
            return
        if moment is not None:
            others = queries_deliveries.still_to_go(
                self.store, d, sorted(moments.CARRIERS[moment] | moments.CARRIED[moment])
            )
            end = moments.moment_end(moment, now, self.moment, ZoneInfo(timezone))
            pending = [_pending(o) for o in others]
            again = moments.waits_until(d.kind, pending, now, end)
            if again is not None:  # the interviews' message of this moment goes first and tells it
                await self.outcomes.back_to_queue(d, again, now)
                return
            carried = set(moments.carried(d.kind, pending, end))
            if _handed_over(d):
                # The provider may hold this SMS already and answers its key with the text it took: it
                # carries what its first mark recorded, not what was planned since (a seat planned while
                # the first attempt read), which would end `merged` without being said.
                carried &= {
                    o.notification_id for o in queries_deliveries.merged_into(self.store, d.notification_id)
                }
            # A workshop given back or called off meanwhile is not told: it is skipped on its own.
            meetings = tuple(
                o
                for o in others
                if o.notification_id in carried and preparation.stale(self.store, o, now) is None
            )
            facts = msgspec.structs.replace(facts, meetings=meetings)
        due = Due(kind=d.kind, channel=d.channel, recipient_type=d.recipient_type, expects=d.expects)
        if rules.is_digest(due):
            facts = self._with_news(d, facts, now)
        elif d.kind in DAY_REMINDERS and facts.slot is not None:
            facts = self._with_day(d, facts, timezone)
        for shown in (facts.slot, *facts.slots):
            if shown is not None and not rules.slot_link_trusted(
                shown.place, shown.video_link, self.video_base_url
            ):
                # A slot whose link is not the video host's was forged: nobody is sent there.
                raise GiveUp("video_link_untrusted")
        slot = facts.slot.facts() if facts.slot is not None else None
        told = (
            queries_plan.told(self.store, d.subject_id, d.recipient_type, d.recipient_id, d.channel)
            if slot is not None
            else None
        )
        person = self.recipients.person(d, facts.registered)
        reminded = d.kind in DAY_REMINDERS and slot is not None and self._reminded(d, slot, timezone)
        decision = rules.before_contact(
            due, person, slot, told, now, timezone, told_now=facts.news, reminded=reminded
        )
        if isinstance(decision, Skip):
            await self.outcomes.skipped(d, decision.reason)
            return
        if isinstance(decision, Defer):
            await self.outcomes.back_to_queue(d, decision.until, now)
            return
        contact = await self.recipients.contact(d, facts.registered)
        if isinstance(contact, Skip):
            await self.outcomes.skipped(d, contact.reason)
            return
        if d.kind == moments.RECRUITER_UPDATE and facts.slot is not None:
            facts = self._with_updates(d, facts, now)
        verdict = rules.after_contact(due, contact)
        if isinstance(verdict, Skip):
            await self.outcomes.skipped(d, verdict.reason)
            return
        by_voice = False
        if d.channel == "sms":
            assert contact.phone is not None  # checked by rules.after_contact
            route = reach.phone_route(line_kind(contact.phone), self.messenger.voice is not None)
            if isinstance(route, Skip):
                await self.outcomes.skipped(d, route.reason)
                return
            by_voice = route == "voice"
        try:
            content = await self.content.build(d, contact, facts)
        except MissingFacts as exc:
            raise TryLater(exc.code) from exc
        message = self.messenger.compose(d, contact, content, by_voice=by_voice)
        message_id = message.message_id if isinstance(message, Email) else d.notification_id
        carried_ids = [c.notification_id for c in content.carried]
        await self.outcomes.in_progress(
            d, message_id, content.presented, self.clock.now(), told_with, carried_ids
        )
        failpoint("notifications.before_send")
        try:
            result = await self.messenger.send(message)
        except Exception as exc:  # the call may have gone through: reconciliation decides
            self.outcomes.error("notification_send_error", d, error=type(exc).__name__)
            return
        failpoint("notifications.after_send_before_mark")
        try:
            await self._settle(d, result, content, "voice" if by_voice else None)
        except Exception as exc:  # the provider took it: never back to pending, reconciliation settles it
            self.outcomes.error("notification_mark_error", d, error=type(exc).__name__)

    def _spaced(self, d: Delivery, now: datetime) -> datetime | None:
        """When a recruiter's update due now must go instead (None: now). Planning spaces them already
        (`Planner._spaced`); this catches one planned while the previous update was still waiting, which
        that update did not carry (it had gathered its own before this one was planned)."""
        if d.kind != moments.RECRUITER_UPDATE or not self.update_interval:
            return None
        went = queries_deliveries.last_went(
            self.store,
            d.recipient_type,
            d.recipient_id,
            d.channel,
            sorted(moments.RECRUITER_MAIL),
            other_than=d.notification_id,
        )
        due = moments.update_due(now, went, self.update_interval)
        return due if due > now else None

    async def _told_with(self, d: Delivery) -> list[Delivery] | None:
        """The other notices for `d`'s counsellor that `d` tells of, once no other message to them is on
        its way (None: one is). The counsellor is held until `d` ends: nothing else goes to them meanwhile."""
        person = _person_channel(d)
        if self._busy.setdefault(person, d.notification_id) != d.notification_id:
            return None
        return await counsellor_calls.told_with(self.store, d, self.recipients.addressed, self._inflight)

    def _with_news(self, d: Delivery, facts: Facts, now: datetime) -> Facts:
        """The digest's facts: the candidate's slots of the job dating that are news to them now."""
        slots = {
            s.slot_id: s for s in queries_plan.candidate_slots(self.store, d.recipient_id, d.job_dating_id)
        }
        weighed = [
            (s.facts(), queries_plan.told(self.store, s.slot_id, d.recipient_type, d.recipient_id, d.channel))
            for s in slots.values()
        ]
        told_now = rules.digest(weighed, now)
        return msgspec.structs.replace(
            facts, news=told_now, slots=tuple(slots[n.slot.slot_id] for n in told_now)
        )

    def _with_updates(self, d: Delivery, facts: Facts, now: datetime) -> Facts:
        """A recruiter's update with the other updates to the same company still to go in its moment: one
        e-mail tells every slot of theirs that is news (`moments.updates_carried`); those others are then
        skipped `merged`, as a candidate's carried messages are."""
        assert facts.slot is not None
        others = queries_deliveries.still_to_go(self.store, d, [moments.RECRUITER_UPDATE])
        if not others:
            return facts
        slots = {facts.slot.slot_id: facts.slot}
        for other in others:
            if other.subject_id not in slots and other.job_dating_id == d.job_dating_id:
                found = queries_plan.slot(self.store, other.subject_id)
                # A slot whose link is not the video host's is not told with others: it fails on its own.
                if found is not None and rules.slot_link_trusted(
                    found.place, found.video_link, self.video_base_url
                ):
                    slots[found.slot_id] = found
        news = {
            slot_id: rules.news(
                queries_plan.told(self.store, slot_id, d.recipient_type, d.recipient_id, d.channel),
                slot.facts(),
            )
            for slot_id, slot in slots.items()
            if slot_id != facts.slot.slot_id and now < slot.starts_at
        }
        carried = moments.updates_carried(
            [_pending(o) for o in others],
            {o.notification_id: o.subject_id for o in others},
            # Another update about its own slot (moved before it went) is told by it too.
            {facts.slot.slot_id} | {slot_id for slot_id, change in news.items() if change is not None},
            now + self.moment,
        )
        chosen = set(carried)
        updates = tuple(o for o in others if o.notification_id in chosen)
        shown = {o.subject_id for o in updates} - {facts.slot.slot_id}
        return msgspec.structs.replace(
            facts, updates=updates, slots=tuple(slots[slot_id] for slot_id in sorted(shown))
        )

    def _with_day(self, d: Delivery, facts: Facts, timezone: str) -> Facts:
        """A day reminder's facts: every interview of the candidate still on that day, in time order."""
        assert facts.slot is not None
        start, end = timing.day_bounds(facts.slot.starts_at, ZoneInfo(timezone))
        same_day = tuple(
            s
            for s in queries_plan.candidate_slots(self.store, d.recipient_id, d.job_dating_id)
            if s.status != "cancelled" and start <= s.starts_at < end
        )
        return msgspec.structs.replace(facts, slots=same_day or (facts.slot,))

    def _reminded(self, d: Delivery, slot: SlotFacts, timezone: str) -> bool:
        start, end = timing.day_bounds(slot.starts_at, ZoneInfo(timezone))
        return queries_deliveries.reminded_between(self.store, d, start, end)

    async def _settle(
        self, d: Delivery, result: SendResult, content: Content, carried_by: Carrier | None
    ) -> None:
        attempts = d.attempts + 1
        if isinstance(result, Accepted):
            await self.outcomes.sent(
                d, result.provider_message_id, content.presented, attempts, carried_by, content.carried
            )
        elif isinstance(result, Rejected):
            if result.temporary:
                await self.outcomes.temporary(
                    msgspec.structs.replace(d, attempts=attempts), result.error, counted=False
                )
            else:
                await self.outcomes.failed(d, result.error, attempts)
        else:
            # Left in progress: the next reconciliation sweep looks for it in the mailbox.
            self.outcomes.warning("notification_uncertain", d, error=result.error)

    async def _settle_uncertain(self, d: Delivery) -> None:
        now = self.clock.now()
        if d.channel == "sms":
            # Same idempotency key: the provider answers a second send (or call) with the first one.
            await self.outcomes.back_to_queue(d, now, now)
            self.outcomes.warning("notification_resend_with_same_key", d)
            return
        held = self.probe.holds(d.message_id) if self.probe is not None and d.message_id else None
        if held is True:
            presented = queries_deliveries.presented(self.store, d.notification_id)
            carried = queries_deliveries.merged_into(self.store, d.notification_id)
            await self.outcomes.sent(d, d.message_id or "", presented, d.attempts, carried=carried)
            self.outcomes.warning("notification_reconciled_sent", d)
        elif held is False:
            await self.outcomes.back_to_queue(d, now, now)
            self.outcomes.warning("notification_reconciled_not_received", d)
        else:
            # Nobody can tell whether it went: the coordinator decides (sending again may duplicate it).
            await self.outcomes.failed(d, "uncertain", d.attempts)


def _pending(d: Delivery) -> moments.Pending:
    return moments.Pending(
        notification_id=d.notification_id,
        kind=d.kind,
        due_at=d.due_at,
        in_progress=d.status == "in_progress",
        handed_over=_handed_over(d),
    )


def _handed_over(d: Delivery) -> bool:
    """Whether the provider may already hold this SMS: it was marked in progress (its key given) once."""
    return d.channel == "sms" and d.message_id is not None


def _person_channel(d: Delivery) -> tuple[str, str, str]:
    # A counsellor not resolved yet has no id: such messages need not wait for each other, but for their
    # notices to call, the one that goes addresses the others (one at a time, or two would list the same).
    if not d.recipient_id and d.kind == counsellor_calls.KIND:
        return (d.recipient_type, counsellor_calls.KIND, d.channel)
    return (d.recipient_type, d.recipient_id or d.notification_id, d.channel)
