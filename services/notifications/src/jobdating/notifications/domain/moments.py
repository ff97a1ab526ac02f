"""One message per person per moment, across kinds: a candidate's interview news and the news of their
preparation (workshop seat, individual interview with their counsellor) that fall due together go as one.

Two moments: *news* (a convocation, a change, a cancellation; the interviews' digest and the preparation's
convocations and cancellations) and *reminders* (the interviews' day reminder and the preparation's
reminders). The interview message of a moment carries it: when it goes, it also tells the preparation
messages of the same moment, same person and channel, still to go, and those are then skipped (`merged`).
A preparation message that falls due while an interview message of its moment is still to go waits for it
(`waits_until`), so whichever was planned first, the person gets one message.

A moment ends `change delay` after now for news (what is planned together is told together, as changes
are) and at the end of the local day for reminders (one reminder a day: the 07:00 reminder of an
interview day also tells tomorrow's workshop, due at 10:00).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Final, Literal

import msgspec

from jobdating.notifications.domain import timing
from jobdating.notifications.domain.messages import CANDIDATE_DIGESTS, DAY_REMINDERS

Moment = Literal["news", "reminder"]
# Who carries a moment: the interview messages (they already gather every interview of it).
CARRIERS: Final[dict[Moment, frozenset[str]]] = {"news": CANDIDATE_DIGESTS, "reminder": DAY_REMINDERS}
# Who is carried: the preparation pathway's messages of the same moment.
CARRIED: Final[dict[Moment, frozenset[str]]] = {
    "news": frozenset(
        {"workshop_convocation", "workshop_cancelled", "counselling_convocation", "counselling_cancelled"}
    ),
    "reminder": frozenset({"workshop_reminder", "counselling_reminder"}),
}
MERGED: Final = "merged"  # the reason a carried message is skipped
# How long after its carrier's due time a waiting message looks again (its carrier goes first).
AFTER_CARRIER: Final = timedelta(seconds=1)


class Pending(msgspec.Struct, frozen=True, kw_only=True):
    """Another message to the same person on the same channel that has not gone yet."""

    notification_id: str
    kind: str
    due_at: datetime
    in_progress: bool = False


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


def carried(kind: str, others: Sequence[Pending], end: datetime) -> tuple[str, ...]:
    """The messages a carrier of `kind` tells too: the preparation messages of its moment due by `end`."""
    moment = moment_of(kind)
    if moment is None or kind not in CARRIERS[moment]:
        return ()
    return tuple(
        o.notification_id
        for o in sorted(others, key=lambda o: (o.due_at, o.notification_id))
        if o.kind in CARRIED[moment] and not o.in_progress and o.due_at <= end
    )


def waits_until(kind: str, others: Sequence[Pending], now: datetime, end: datetime) -> datetime | None:
    """When a preparation message of `kind` due now looks again, because an interview message of its
    moment (due by `end`, or being sent) will carry it; None: nothing will, it goes on its own."""
    moment = moment_of(kind)
    if moment is None or kind not in CARRIED[moment]:
        return None
    carriers = [o for o in others if o.kind in CARRIERS[moment] and (o.in_progress or o.due_at <= end)]
    if not carriers:
        return None
    first = min(now if o.in_progress else max(o.due_at, now) for o in carriers)
    return first + AFTER_CARRIER
