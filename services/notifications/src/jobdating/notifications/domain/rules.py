"""Whether a due message is still worth sending now, to this person, on this channel.

A slot message is sent only while it is news to its recipient: what they were last told of the slot
(`Told`) is compared with the slot as it is now. So a slot that moved back before the notice went out
causes no message, a convocation for a slot cancelled meanwhile is not sent, a cancellation is not sent
to someone who never heard of the slot, and several moves in a row give one notice with the latest time.

One message per person per moment: a candidate's convocation or change notice is a digest of every slot of
theirs that is news to them when it goes (`digest`), so the notices planned by the other slots of the same
moment find nothing left to tell and are skipped (`unchanged`); a reminder tells all the interviews of its
day, once (`already_reminded` for the others of that day).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.notifications import Channel, RecipientType
from jobdating.contracts.queries import Contact
from jobdating.contracts.scheduling import company_video_link
from jobdating.notifications.domain import timing
from jobdating.notifications.domain.messages import CANDIDATE_DIGESTS, DAY_REMINDERS, REMINDERS, Change

PersonStatus = Literal["active", "withdrawn", "erased", "unknown"]
SLOT_NEWS_KINDS = frozenset({"convocation", "slot_moved", "slot_cancelled", "agenda_update"})
# A recruiter's update tells whatever of its company's slots is news when it goes (`told_now`), not only
# the change its own slot was planned for: the slots given meanwhile are folded into it.
COMPANY_NEWS_KINDS = frozenset({"agenda_update"})


class Told(msgspec.Struct, frozen=True, kw_only=True):
    """What a recipient was last told of a slot, on one channel."""

    starts_at: datetime
    ends_at: datetime
    site_id: str
    computer_id: str | None
    cancelled: bool


class SlotFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A slot as the service knows it now; `version` is its stream version (the calendar SEQUENCE)."""

    slot_id: str
    starts_at: datetime
    ends_at: datetime
    site_id: str
    computer_id: str | None
    cancelled: bool
    version: int

    def told(self) -> Told:
        """What a recipient knows once this state of the slot is presented to them (its fields by name)."""
        return msgspec.convert(self, Told, from_attributes=True)


class News(msgspec.Struct, frozen=True, kw_only=True):
    """A slot a digest tells, what is new about it, and what its recipient knew of it before."""

    slot: SlotFacts
    change: Change
    told: Told | None


class Person(msgspec.Struct, frozen=True, kw_only=True):
    """What the service knows of a recipient: registration's events (None: not said, so registration's
    answer decides) and the reminder opt-out recorded here."""

    status: PersonStatus
    consent_sms: bool | None = None
    consent_email: bool | None = None
    reminders: bool = True
    declined: bool = False  # said « Je ne peux pas venir » (their link, or NON to an SMS)


class Due(msgspec.Struct, frozen=True, kw_only=True):
    """A message that is due: its kind, channel, recipient type and, for slot news, what it announces."""

    kind: str
    channel: Channel
    recipient_type: RecipientType
    expects: Change | None = None


class Send(msgspec.Struct, frozen=True):
    """Go ahead."""


class Skip(msgspec.Struct, frozen=True):
    """Do not send, ever; `reason` is recorded in NotificationSkipped."""

    reason: str


class Defer(msgspec.Struct, frozen=True):
    """Not now: try again at `until` (quiet hours)."""

    until: datetime


Decision = Send | Skip | Defer


def news(told: Told | None, slot: SlotFacts) -> Change | None:
    """What is new for someone who was told `told` (None: nothing yet) about the slot as it is now."""
    if told is None:
        return None if slot.cancelled else "new"
    if slot.cancelled:
        return None if told.cancelled else "cancelled"
    if told.cancelled:
        return "new"
    same = (told.starts_at, told.ends_at, told.site_id, told.computer_id) == (
        slot.starts_at,
        slot.ends_at,
        slot.site_id,
        slot.computer_id,
    )
    return None if same else "moved"


def digest(slots: Sequence[tuple[SlotFacts, Told | None]], now: datetime) -> tuple[News, ...]:
    """What a candidate's digest tells: each of their slots not begun yet whose state is news to them
    (`slots`: each with what they were told of it on the digest's channel), in time order."""
    found = [
        News(slot=slot, change=change, told=told)
        for slot, told in slots
        if now < slot.starts_at and (change := news(told, slot)) is not None
    ]
    return tuple(sorted(found, key=lambda n: (n.slot.starts_at, n.slot.slot_id)))


def is_digest(due: Due) -> bool:
    """Whether a due message is a candidate's digest of their slots' news."""
    return due.recipient_type == "candidate" and due.kind in CANDIDATE_DIGESTS


def before_contact(
    due: Due,
    person: Person,
    slot: SlotFacts | None,
    told: Told | None,
    now: datetime,
    timezone: str,
    *,
    told_now: Sequence[News] = (),
    reminded: bool = False,
) -> Decision:
    """The checks made before asking for anyone's contact details (so nobody is asked for in vain).

    For a candidate's digest, `told_now` is what it would tell (`digest`): nothing left, nothing sent; so
    for a recruiter's update (its company's slots that are news, its own first when it is, as `slot`).
    For a day reminder, `reminded` says the person already had that reminder for that day (another
    slot's).
    """
    if person.declined and due.kind in REMINDERS:
        return Skip("declined")  # they told us they cannot come: no reminder to come
    if person.status in ("erased", "withdrawn"):
        return Skip(person.status)
    if is_digest(due):
        if not told_now:
            return Skip("unchanged")
        # The quiet hours give way for the soonest interview the digest tells.
        slot = told_now[0].slot
    elif due.kind in COMPANY_NEWS_KINDS and slot is not None:
        if not told_now:
            return Skip(_stale_slot_message(due, slot, told, now) or "unchanged")
    elif slot is not None:
        stale = _stale_slot_message(due, slot, told, now)
        if stale is not None:
            return Skip(stale)
    if due.kind in DAY_REMINDERS and reminded:
        return Skip("already_reminded")
    if due.recipient_type == "candidate":
        consent = person.consent_sms if due.channel == "sms" else person.consent_email
        if consent is False:
            return Skip("no_consent")
        if due.kind in REMINDERS and not person.reminders:
            return Skip("opted_out")
    if due.channel == "sms":
        allowed = timing.sms_allowed_at(now, slot.starts_at if slot else None, ZoneInfo(timezone))
        if allowed > now:
            return Defer(allowed)
    return Send()


def after_contact(due: Due, contact: Contact) -> Send | Skip:
    """The checks that need registration's answer: consent (candidates), an address, reminder opt-out."""
    if due.recipient_type == "candidate":
        if not (contact.consent_sms if due.channel == "sms" else contact.consent_email):
            return Skip("no_consent")
        if due.kind in REMINDERS and not contact.reminders:
            return Skip("opted_out")
    address = contact.phone if due.channel == "sms" else contact.email
    if not address:
        return Skip("no_address")
    return Send()


def _stale_slot_message(due: Due, slot: SlotFacts, told: Told | None, now: datetime) -> str | None:
    if due.kind in REMINDERS:
        if slot.cancelled:
            return "slot_cancelled"
        return None if timing.reminder_still_useful(due.kind, now, slot.starts_at) else "expired"
    if due.kind not in SLOT_NEWS_KINDS:
        return None
    if now >= slot.starts_at:
        return "expired"
    if news(told, slot) == due.expects:
        return None
    if slot.cancelled and due.expects != "cancelled":
        return "slot_cancelled"
    if told is None:
        return "never_told"
    return "unchanged"


DEFAULT_VIDEO_BASE_URL = "https://visio.jobdating.example/entretien"
_VIDEO_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def slot_link_trusted(place: str, link: str, base_url: str) -> bool:
    """Whether a slot's link may be sent: on a site computer, the video host's (`video_link_trusted`); at
    the company's premises, none (met in person); by video, the company's own https link or the words
    saying it sends one (the link its recruiter typed, which scheduling checked the same way)."""
    if place == "premises":
        return link == ""
    if place == "video":
        return company_video_link(link)
    return video_link_trusted(link, base_url)


def video_link_trusted(link: str, base_url: str) -> bool:
    """Whether a slot's video link is one scheduling makes: the configured base followed by one token.

    Anything else (another host, a path that climbs out, a query) did not come from the video host, and a
    message carrying it would send people to whoever forged it.
    """
    base = urlsplit(base_url.rstrip("/"))
    got = urlsplit(link)
    if (got.scheme, got.netloc) != (base.scheme, base.netloc) or got.query or got.fragment:
        return False
    prefix = base.path + "/"
    return got.path.startswith(prefix) and bool(_VIDEO_TOKEN.fullmatch(got.path[len(prefix) :]))
