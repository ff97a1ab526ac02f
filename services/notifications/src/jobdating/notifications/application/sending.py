"""Sends one due message, once: the checks, the send, the outcome.

For each due message: check it is still worth sending (rules), ask for the recipient's contact details
(registration, or the staff directory: `recipients`), render it, commit `in_progress`, call the provider,
then commit `sent` with a NotificationSent event (`outcomes`). A crash or a timeout between the last two
commits leaves the message `in_progress`: reconciliation then looks for it in the mailbox (e-mail) or
resends it with the same idempotency key (SMS or voice call, harmless), and never resends blindly. A
message on the SMS channel to a landline is read aloud in a voice call instead (`domain.reach`), and its
NotificationSent says so (`carried_by`). Temporary failures are
retried with backoff, then the message is `failed` (NotificationFailed), where the coordinator sees it.

What it tells beyond its own row is gathered first (`telling`). Across kinds (`domain.moments`), the
interview message of a moment carries that person's workshop and counsellor messages of the same moment:
they are rendered into it, recorded with its `in_progress` mark and skipped (`merged`) when it is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Container
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.notifications import Carrier
from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import (
    counsellor_calls,
    preparation,
    queries_deliveries,
    queries_plan,
    telling,
    waiting,
)
from jobdating.notifications.application.content import Content, ContentBuilder, MissingFacts
from jobdating.notifications.application.messenger import Messenger
from jobdating.notifications.application.outcomes import Outcomes
from jobdating.notifications.application.ports import Accepted, Email, MailboxProbe, Rejected, SendResult
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.recipients import GiveUp, Recipients, TryLater
from jobdating.notifications.domain import moments, reach, rules
from jobdating.notifications.domain.messages import DAY_REMINDERS
from jobdating.notifications.domain.rules import Defer, Due, Skip
from jobdating.runtime.clock import Clock
from jobdating.runtime.failpoints import failpoint
from jobdating.runtime.phones import line_kind


@dataclass(eq=False)
class Sending:
    """Takes each due message from its checks to its outcome (`process`); one per dispatcher."""

    # The dispatcher's own, shared: the person each message in flight holds (one at a time per person),
    # and the messages in flight; a counsellor's notice holds its counsellor too (`telling.told_with`).
    busy: dict[tuple[str, str, str], str]
    inflight: Container[str]
    _: KW_ONLY
    store: EventStore
    clock: Clock
    timezone: str
    video_base_url: str
    # How far ahead a candidate's news gathers the news of the same moment (the change delay).
    moment: timedelta
    # How long a company's agenda update waits after its last agenda e-mail (`moments.update_due`).
    update_interval: timedelta
    probe: MailboxProbe | None
    content: ContentBuilder
    recipients: Recipients
    outcomes: Outcomes
    messenger: Messenger

    async def process(self, d: Delivery) -> None:
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
        later = telling.spaced(self.store, d, now, self.update_interval)
        if later is not None:  # the company's last agenda e-mail went too recently: this one waits
            await self.outcomes.back_to_queue(d, later, now)
            return
        if d.kind == moments.RECRUITER_UPDATE:
            # Claimed before it reads what is news: from now on a slot of the company gets a row of its
            # own instead of being folded into this one (`Planner._folded`), so none is left untold.
            d = await self.outcomes.claim(d, now)
        told_with: list[Delivery] = []
        if d.kind == counsellor_calls.KIND:
            found = await telling.told_with(
                self.store, d, self.recipients.addressed, self.busy, self.inflight
            )
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
        merging = d.recipient_type == "candidate" and not (telling.handed_over(d) and moments.rank(d.kind))
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
            pending = [telling.pending(o) for o in others]
            again = moments.waits_until(d.kind, pending, now, end)
            if again is not None:  # the interviews' message of this moment goes first and tells it
                await self.outcomes.back_to_queue(d, again, now)
                return
            carried = set(moments.carried(d.kind, pending, end))
            if telling.handed_over(d):
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
            facts = telling.with_news(self.store, d, facts, now)
        elif d.kind in DAY_REMINDERS and facts.slot is not None:
            facts = telling.with_day(self.store, d, facts, timezone)
        elif d.kind == moments.RECRUITER_UPDATE and facts.slot is not None:
            # In a thread: it weighs every slot of the company (hundreds at a fair), tens of milliseconds
            # of reads the event loop (every other message) would otherwise wait through.
            facts = await asyncio.to_thread(
                telling.with_updates, self.store, d, facts, now, self.video_base_url
            )
        for shown in (facts.slot, *facts.slots):
            if shown is not None and not rules.slot_link_trusted(
                shown.place, shown.video_link, self.video_base_url
            ):
                # A slot whose link is not the video host's was forged: nobody is sent there.
                raise GiveUp("video_link_untrusted")
        slot = facts.slot.facts() if facts.slot is not None else None
        told = (
            # An update's slot may be another of its company's than its row's (`telling.with_updates`).
            queries_plan.told(self.store, slot.slot_id, d.recipient_type, d.recipient_id, d.channel)
            if slot is not None
            else None
        )
        person = self.recipients.person(d, facts.registered)
        reminded = (
            d.kind in DAY_REMINDERS and slot is not None and telling.reminded(self.store, d, slot, timezone)
        )
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
        message = await self.messenger.compose(d, contact, content, by_voice=by_voice)
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

    async def settle_uncertain(self, d: Delivery) -> None:
        now = self.clock.now()
        if d.message_id is None:
            # Claimed, never marked for its provider (`Outcomes.claim`): it was not sent; it goes again.
            await self.outcomes.back_to_queue(d, now, now)
            self.outcomes.warning("notification_claim_released", d)
            return
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
