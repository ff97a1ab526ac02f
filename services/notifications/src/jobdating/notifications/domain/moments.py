"""One message per person per moment, across kinds: a candidate's interview news and the news of their
preparation (workshop seat, individual interview with their counsellor) that fall due together go as one.

Two moments: *news* (a convocation, a change, a cancellation; the interviews' digest and the preparation's
convocations and cancellations) and *reminders* (the interviews' day reminder and the preparation's
reminders). The interview message of a moment carries it: when it goes, it also tells the preparation
messages of the same moment, same person and channel, still to go, and those are then skipped (`merged`).
A preparation message that falls due while an interview message of its moment is still to go waits for it
(`waits_until`), so whichever was planned first, the person gets one message. With no interview message
in the moment, the individual interview's message carries the workshop's (a seat and a meeting booked
together), by rank, never by which was planned first.

A moment ends `change delay` after now for news (what is planned together is told together, as changes
are) and at the end of the local day for reminders (one reminder a day: the 07:00 reminder of an
interview day also tells tomorrow's workshop, due at 10:00).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Final, Literal

import msgspec

from jobdating.notifications.domain import timing
from jobdating.notifications.domain.messages import CANDIDATE_DIGESTS, DAY_REMINDERS

Moment = Literal["news", "reminder"]
# Who carries a moment: the interview messages (they already gather every interview of it).
CARRIERS: Final[dict[Moment, frozenset[str]]] = {"news": CANDIDATE_DIGESTS, "reminder": DAY_REMINDERS}
# Who is carried: the preparation pathway's messages of the same moment, the individual interview's
# before the workshop's (when no interview message is in the moment, the counsellor's carries the
# workshop's: which message goes does not depend on which was planned first).
CARRIED_BY_RANK: Final[dict[Moment, tuple[frozenset[str], ...]]] = {
    "news": (
        frozenset({"counselling_convocation", "counselling_cancelled"}),
        frozenset({"workshop_convocation", "workshop_cancelled"}),
    ),
    "reminder": (frozenset({"counselling_reminder"}), frozenset({"workshop_reminder"})),
}
CARRIED: Final[dict[Moment, frozenset[str]]] = {
    moment: frozenset().union(*ranks) for moment, ranks in CARRIED_BY_RANK.items()
}
# A recruiter's update about their slots: one waits per company and moment, the slots planned meanwhile
# folded into it, and it tells every slot of theirs that is news when it goes, as a candidate's digest does.
RECRUITER_UPDATE: Final = "agenda_update"
# What counts as the company's last e-mail about its agenda, for the interval between two (`update_due`).
RECRUITER_MAIL: Final = frozenset({"recruiter_agenda", RECRUITER_UPDATE})
# How long after a company's last agenda e-mail its next update waits, by default: a walk-in, a repair or a
# move is told within a minute, and a morning of changes does not become an e-mail per slot.
UPDATE_INTERVAL: Final = timedelta(seconds=60)
# A company's next update waits up to this share of the interval more, by a part fixed by its id: the
# companies whose first changes came together (a fair's opening) would otherwise fall due at the same
# instant at every interval's end, each with the changes of a whole interval, and the candidates'
# convocations due then waited behind all of them (measured: 15 companies of ~400 walk-ins each at 100
# walk-ins a second held them ~2 s, once a minute).
UPDATE_SPREAD: Final = 0.5
MERGED: Final = "merged"  # the reason a carried message is skipped
# How long after its carrier's due time a waiting message looks again (its carrier goes first).
AFTER_CARRIER: Final = timedelta(seconds=1)


class Pending(msgspec.Struct, frozen=True, kw_only=True):
    """Another message to the same person on the same channel that has not gone yet."""

    notification_id: str
    kind: str
    due_at: datetime
    in_progress: bool = False
    handed_over: bool = False  # an SMS the provider may hold already: it goes again alone, never carried


def update_due(
    planned: datetime, last_went: datetime | None, interval: timedelta, company_id: str
) -> datetime:
    """When a recruiter's update planned for `planned` goes: no sooner than `interval` after the company's
    last agenda e-mail went (`last_went`: sent, or being sent), plus the company's part of the spread
    (`update_phase`). The slots planned while it waits are folded into it: a burst of walk-ins is one
    e-mail per interval, not one per slot."""
    if last_went is None:
        return planned
    return max(planned, last_went + interval + update_phase(company_id, interval))


def update_phase(company_id: str, interval: timedelta) -> timedelta:
    """The company's own delay within the spread, the same in every process and run (its id's CRC)."""
    share = zlib.crc32(company_id.encode()) % 1000 / 1000
    return interval * (UPDATE_SPREAD * share)


def moment_of(kind: str) -> Moment | None:
    """The moment a candidate's message belongs to (None: it is never merged)."""
    for moment in ("news", "reminder"):
        if kind in CARRIERS[moment] or kind in CARRIED[moment]:
            return moment
    return None


def moment_end(moment: Moment, now: datetime, change_delay: timedelta, tz: tzinfo) -> datetime:
    """Until when a message still to go belongs to the moment of a message going `now`."""
    if moment == "news":
        return now + change_delay
    return timing.day_bounds(now, tz)[1]


def rank(kind: str) -> int | None:
    """Who goes first in a moment (0: the interview message); None for a message never merged."""
    moment = moment_of(kind)
    if moment is None:
        return None
    if kind in CARRIERS[moment]:
        return 0
    return 1 + next(i for i, kinds in enumerate(CARRIED_BY_RANK[moment]) if kind in kinds)


def carried(kind: str, others: Sequence[Pending], end: datetime) -> tuple[str, ...]:
    """The messages a message of `kind` tells too: the preparation messages of its moment due by `end`
    that rank no higher (an interview message carries them all; a counsellor's message the workshop's)."""
    mine = rank(kind)
    if mine is None or _first(kind, others, end) is not None:
        return ()
    return tuple(
        o.notification_id
        for o in sorted(others, key=lambda o: (o.due_at, o.notification_id))
        if o.kind in CARRIED[_moment(kind)]
        and (rank(o.kind) or 0) >= mine
        and not o.in_progress
        and not o.handed_over
        # Those waiting for it were put back a moment after it (`waits_until`): still this moment.
        and o.due_at <= end + AFTER_CARRIER
    )


def waits_until(kind: str, others: Sequence[Pending], now: datetime, end: datetime) -> datetime | None:
    """When a preparation message of `kind` due now looks again, because a message of its moment that
    ranks higher (due by `end`, or being sent) will carry it; None: nothing will, it goes itself."""
    first = _first(kind, others, end)
    if first is None:
        return None
    return (now if first.in_progress else max(first.due_at, now)) + AFTER_CARRIER


def _first(kind: str, others: Sequence[Pending], end: datetime) -> Pending | None:
    """The message of `kind`'s moment that ranks higher and goes first, if any."""
    mine = rank(kind)
    if not mine:  # never merged, or an interview message: nothing goes before it
        return None
    higher = [
        o
        for o in others
        if moment_of(o.kind) == moment_of(kind)
        and (rank(o.kind) or 0) < mine
        and (o.in_progress or o.due_at <= end)
    ]
    return min(higher, key=lambda o: (not o.in_progress, o.due_at), default=None)


def _moment(kind: str) -> Moment:
    moment = moment_of(kind)
    assert moment is not None
    return moment
