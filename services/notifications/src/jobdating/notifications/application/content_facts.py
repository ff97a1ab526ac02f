"""What a message's content is built from and into, for the builders of every audience (`content`,
`content_recruiters`): the facts read for it when it goes (`Facts`), what it says (`Content`), and
`MissingFacts` when the read model lacks a part of it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Candidate, Company
from jobdating.notifications.application.queries_plan import JobDating, Slot
from jobdating.notifications.domain.calendar import CalendarEntry
from jobdating.notifications.domain.rules import News, SlotFacts

T = TypeVar("T")


class MissingFacts(Exception):
    """The read model lacks something the message needs (a site, a company): worth retrying later."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Content(msgspec.Struct, frozen=True, kw_only=True):
    """A template's facts, the calendar entries to attach, and the slots the message presents."""

    context: dict[str, Any]
    entries: tuple[CalendarEntry, ...] = ()
    presented: tuple[SlotFacts, ...] = ()
    carried: tuple[Delivery, ...] = ()  # the messages of the same moment it tells too (`domain.moments`)


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """What the dispatcher already read for a message: its job dating, its slot, its registered recipient;
    for a candidate's digest, what is news (`news`) and those slots (`slots`); for a day reminder, the
    interviews of that day (`slots`); for either, the preparation messages of the same moment (`meetings`);
    for a counsellor's notice, the others it tells of (`told_with`)."""

    job_dating: JobDating | None
    slot: Slot | None
    registered: Candidate | Company | None
    news: tuple[News, ...] = ()
    slots: tuple[Slot, ...] = ()
    told_with: tuple[Delivery, ...] = ()
    meetings: tuple[Delivery, ...] = ()  # the preparation messages of the same moment it may carry


def required(value: T | None, code: str) -> T:
    """`value`, which the message cannot go without: `MissingFacts(code)` while the read model lacks it."""
    if value is None:
        raise MissingFacts(code)
    return value
