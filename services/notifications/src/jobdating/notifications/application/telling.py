"""What a due message tells beyond its own row, read when it goes: a candidate's digest tells every slot
that is news to them, a day reminder every interview of that day, a recruiter's update every slot of the
company that is news to them, and a counsellor's notice the other notices waiting for its
counsellor (`counsellor_calls`).

Two messages to the same person on the same channel are never processed at once (`person_channel`): the
second one waits for the first to end, so that it sees what the first told (a digest of slot news leaves
nothing for the notices planned by the other slots of the same moment; one reminder per day). Counsellors'
notices not yet addressed go one at a time: the one that goes addresses the others and tells its counsellor
of theirs too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import counsellor_calls, queries_deliveries, queries_plan
from jobdating.notifications.application.content import Facts
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.domain import moments, rules, timing
from jobdating.notifications.domain.rules import SlotFacts


def spaced(store: EventStore, d: Delivery, now: datetime, update_interval: timedelta) -> datetime | None:
    """When a recruiter's update due now must go instead (None: now). Planning spaces them already
    (`Planner._spaced`); this catches one planned while the previous update was still waiting, which
    that update did not carry (it had gathered its own before this one was planned)."""
    if d.kind != moments.RECRUITER_UPDATE or not update_interval:
        return None
    went = queries_deliveries.last_went(
        store,
        d.recipient_type,
        d.recipient_id,
        d.channel,
        sorted(moments.RECRUITER_MAIL),
        other_than=d.notification_id,
    )
    due = moments.update_due(now, went, update_interval, d.recipient_id)
    return due if due > now else None


async def told_with(
    store: EventStore,
    d: Delivery,
    address: Callable[[Delivery], Awaitable[Delivery | None]],
    busy: dict[tuple[str, str, str], str],
    inflight: Container[str],
) -> list[Delivery] | None:
    """The other notices for `d`'s counsellor that `d` tells of, once no other message to them is on
    its way (None: one is). The counsellor is held until `d` ends: nothing else goes to them meanwhile."""
    person = person_channel(d)
    if busy.setdefault(person, d.notification_id) != d.notification_id:
        return None
    return await counsellor_calls.told_with(store, d, address, inflight)


def with_news(store: EventStore, d: Delivery, facts: Facts, now: datetime) -> Facts:
    """The digest's facts: the candidate's slots of the job dating that are news to them now."""
    slots = {s.slot_id: s for s in queries_plan.candidate_slots(store, d.recipient_id, d.job_dating_id)}
    weighed = [
        (s.facts(), queries_plan.told(store, s.slot_id, d.recipient_type, d.recipient_id, d.channel))
        for s in slots.values()
    ]
    told_now = rules.digest(weighed, now)
    return msgspec.structs.replace(facts, news=told_now, slots=tuple(slots[n.slot.slot_id] for n in told_now))


def with_updates(store: EventStore, d: Delivery, facts: Facts, now: datetime, video_base_url: str) -> Facts:
    """A recruiter's update: every slot of the company in the job dating, not begun, whose state is news to
    the recruiter now, in time order; its own slot first when that is news (else the first that is:
    `facts.slot`), the others in `facts.slots`. One update row waits per company and moment (the slots
    planned meanwhile are folded into it, `Planner._folded`), so what it tells is read here, once it is
    claimed (`Outcomes.claim`): a slot committed before this read is seen by it, one committed after
    has its own row. Left out: a slot whose link is not the video host's (nobody is sent there; alone,
    its update fails on it), and a new slot while the company's agenda still waits to go (that tells it)."""
    own = facts.slot
    assert own is not None
    agenda_to_go = queries_deliveries.waiting_or_going(
        store, d.recipient_type, d.recipient_id, d.channel, "recruiter_agenda", d.job_dating_id
    )
    slots = [
        s
        for s in queries_plan.company_all_slots(store, d.recipient_id, d.job_dating_id or "")
        if now < s.starts_at and rules.slot_link_trusted(s.place, s.video_link, video_base_url)
    ]
    ids = [s.slot_id for s in slots]
    told = queries_plan.told_of(store, ids, d.recipient_type, d.recipient_id, d.channel)
    found = [
        (s, rules.News(slot=s.facts(), change=change, told=told.get(s.slot_id)))
        for s in slots
        if (change := rules.news(told.get(s.slot_id), s.facts())) is not None
        and not (change == "new" and agenda_to_go)
    ]
    # With nothing to tell, its own slot stays: the sender's checks then skip it (`rules.before_contact`),
    # or fail it on a link that is not the video host's.
    first = next((s for s, _ in found if s.slot_id == own.slot_id), found[0][0] if found else own)
    return msgspec.structs.replace(
        facts,
        slot=first,
        slots=tuple(s for s, _ in found if s.slot_id != first.slot_id),
        news=tuple(n for _, n in found),
    )


def with_day(store: EventStore, d: Delivery, facts: Facts, timezone: str) -> Facts:
    """A day reminder's facts: every interview of the candidate still on that day, in time order."""
    assert facts.slot is not None
    start, end = timing.day_bounds(facts.slot.starts_at, ZoneInfo(timezone))
    same_day = tuple(
        s
        for s in queries_plan.candidate_slots(store, d.recipient_id, d.job_dating_id)
        if s.status != "cancelled" and start <= s.starts_at < end
    )
    return msgspec.structs.replace(facts, slots=same_day or (facts.slot,))


def reminded(store: EventStore, d: Delivery, slot: SlotFacts, timezone: str) -> bool:
    start, end = timing.day_bounds(slot.starts_at, ZoneInfo(timezone))
    return queries_deliveries.reminded_between(store, d, start, end)


def pending(d: Delivery) -> moments.Pending:
    return moments.Pending(
        notification_id=d.notification_id,
        kind=d.kind,
        due_at=d.due_at,
        in_progress=d.status == "in_progress",
        handed_over=handed_over(d),
    )


def handed_over(d: Delivery) -> bool:
    """Whether the provider may already hold this SMS: it was marked in progress (its key given) once."""
    return d.channel == "sms" and d.message_id is not None


def person_channel(d: Delivery) -> tuple[str, str, str]:
    # A counsellor not resolved yet has no id: such messages need not wait for each other, but for their
    # notices to call, the one that goes addresses the others (one at a time, or two would list the same).
    if not d.recipient_id and d.kind == counsellor_calls.KIND:
        return (d.recipient_type, counsellor_calls.KIND, d.channel)
    return (d.recipient_type, d.recipient_id or d.notification_id, d.channel)
