"""Sends the messages that are due, once: the scheduler loop that finds them and hands each to its
`Sending` (the checks, the send, the outcome).

Two messages to the same person on the same channel are never processed at once: the second one waits for
the first to end, so that it sees what the first told (`telling`). Messages to anyone but a candidate hold
a share of the places only, and each channel's provider gives its pace (`pacing`).

The loop is driven by an injected clock: due times are compared with `clock.now()` at every wake-up
(after a consumer planned messages, after a send, and every `tick` seconds), so a sped-up clock works.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import counsellor_calls, queries_deliveries, telling
from jobdating.notifications.application.content import ContentBuilder
from jobdating.notifications.application.messenger import Messenger
from jobdating.notifications.application.outcomes import OutcomeHook, Outcomes
from jobdating.notifications.application.pacing import Pacer
from jobdating.notifications.application.planner import CHANGE_DELAY
from jobdating.notifications.application.ports import (
    CalendarWriter,
    Contacts,
    DeliveryWrites,
    EmailChannel,
    MailboxProbe,
    ReadModelWrites,
    Renderer,
    RenderingPool,
    SmsChannel,
    StaffDirectory,
    VoiceChannel,
)
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.recipients import Recipients
from jobdating.notifications.application.sending import Sending
from jobdating.notifications.domain import moments, rules, timing
from jobdating.notifications.domain.personal_links import PersonalLinks
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus


class Dispatcher:
    """The scheduler of due messages, each sent by its `Sending`; one per service instance."""

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
        render_pool: RenderingPool | None = None,
    ) -> None:
        self.store = store
        content = ContentBuilder(store, contacts, staff, timezone, links, coordinator_phone)
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
        self.clock = clock
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
        self.sending = Sending(
            self._busy,
            self._inflight,
            store=store,
            clock=clock,
            timezone=timezone,
            video_base_url=video_base_url,
            moment=moment,
            update_interval=update_interval,
            probe=probe,
            content=content,
            recipients=Recipients(
                store=store, deliveries=deliveries, outcomes=self.outcomes, contacts=contacts, staff=staff
            ),
            outcomes=self.outcomes,
            messenger=Messenger(
                renderer=renderer,
                calendar=calendar,
                email=email,
                sms=sms,
                mail_from=mail_from,
                voice=voice,
                pool=render_pool,
            ),
        )

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
            await self.sending.settle_uncertain(d)
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
        person = telling.person_channel(d)
        if person in self._busy:
            return False
        other = d.recipient_type != "candidate"
        if other and self._others_full():
            return False
        pacer = self.pacers.get(d.channel)
        if pacer is not None and not pacer.take():
            self._paced_for = pacer.wait()
            return None
        task = asyncio.create_task(self.sending.process(d))
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
        # The person it was launched for, and the counsellor it was addressed to since (`telling.told_with`).
        for person in [p for p, holder in self._busy.items() if holder == notification_id]:
            del self._busy[person]
        self.wakeup.set()
